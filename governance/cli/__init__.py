"""Command-line entry points (`flask users …`, `flask demo load`, `flask scan`, `flask gate`,
...); init_app() adds every group to the app's `flask` command."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from governance.auth.models import User
from governance.cli.advisories import advisories_cli
from governance.cli.audit import audit_cli
from governance.cli.clearing import clearing_cli
from governance.cli.compliance import export_command, gate_command, products_cli
from governance.cli.funding import funding_cli
from governance.cli.github import github_cli
from governance.cli.policies import policies_cli
from governance.cli.scan import scan_command, scans_cli
from governance.cli.updates import patches_cli, updates_cli
from governance.cli.upstream import contributions_cli
from governance.cli.users import users_cli
from governance.cli.verdicts import verdicts_cli
from governance.cli.waivers import waivers_cli
from governance.database import db
from governance.demo import load

demo_cli = AppGroup("demo", help="Demo data for a first look.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True,
              help="Where the app will be served, for the sign-in hint (make run passes "
                   "http://$HOST:$PORT).")
def load_demo(if_empty, url):
    """Load demo users (one per role), teams and requests in several states."""
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("Database has data; demo data not loaded.")
            return
        raise click.ClickException("The database already has users; demo data is only "
                                   "loaded into an empty database.")
    passwords = load()
    click.echo(f"Demo data loaded. Sign in at {url} with one of these "
               "(shown once; reset with `flask users set-password NAME`):")
    for username, (role, password) in passwords.items():
        click.echo(f"  {username:10} {role:12} {password}")


def init_app(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(scan_command)
    app.cli.add_command(scans_cli)
    app.cli.add_command(policies_cli)
    app.cli.add_command(waivers_cli)
    app.cli.add_command(github_cli)
    app.cli.add_command(advisories_cli)
    app.cli.add_command(contributions_cli)
    app.cli.add_command(funding_cli)
    app.cli.add_command(updates_cli)
    app.cli.add_command(patches_cli)
    app.cli.add_command(verdicts_cli)
    app.cli.add_command(clearing_cli)
    app.cli.add_command(products_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(gate_command)
    app.cli.add_command(audit_cli)
