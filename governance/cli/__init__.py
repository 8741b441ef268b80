"""Command-line entry points: `flask users …`, `flask demo load`."""
from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from governance.auth import services as auth_services
from governance.auth.models import Team, User
from governance.auth.roles import Role
from governance.database import db
from governance.errors import DomainError, ValidationFailed

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data for a first look.")


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    details = "; ".join(f"{k}: {v}" for k, v in getattr(exc, "errors", {}).items())
    raise click.ClickException(details or exc.message)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="Leave out to be asked (or to generate one with --generate).")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@click.option("--full-name", default="")
@click.option("--email", default="")
@click.option("--team", "teams", multiple=True, help="Team name; created if missing. Repeatable.")
def create_user(username, role, password, generate, full_name, email, teams):
    """Create a user, e.g. the first admin: flask users create ada --role admin."""
    if generate:
        password = secrets.token_urlsafe(12)
    elif not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        team_ids = [_team(name).id for name in teams]
        user = auth_services.create_user(None, username=username, password=password, role=role,
                                         full_name=full_name, email=email, team_ids=team_ids)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created {user.username} ({user.role.value}).")
    if generate:
        click.echo(f"Password: {password}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password")
def set_password(username, password):
    """Set a user's password (ends their open sessions)."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    if not password:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        auth_services.set_password(None, user, password)
        db.session.commit()
    except ValidationFailed as exc:
        _fail(exc)
    click.echo(f"Password of {user.username} changed.")


@users_cli.command("list")
def list_users():
    """List users with their role and teams."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        teams = ", ".join(t.name for t in user.teams) or "-"
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.username:20} {user.role.value:12} {teams}{state}")


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
    if team is None:
        team = auth_services.save_team(None, None, name=name)
    return team


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def load_demo(if_empty):
    """Load demo users (one per role), teams and requests in several states."""
    from governance.demo import load

    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("Database has data; demo data not loaded.")
            return
        raise click.ClickException("The database already has users; demo data is only "
                                   "loaded into an empty database.")
    passwords = load()
    click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000 with one of these "
               "(shown once; reset with `flask users set-password NAME`):")
    for username, (role, password) in passwords.items():
        click.echo(f"  {username:10} {role:12} {password}")


def register_cli(app) -> None:
    from governance.cli.compliance import export_command, gate_command, products_cli
    from governance.cli.policies import policies_cli
    from governance.cli.scan import scan_command, scans_cli
    from governance.cli.waivers import waivers_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(scan_command)
    app.cli.add_command(scans_cli)
    app.cli.add_command(policies_cli)
    app.cli.add_command(waivers_cli)
    app.cli.add_command(products_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(gate_command)
