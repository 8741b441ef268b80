"""`flask waivers list [--status S]` and `flask waivers lapse` (for cron)."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from governance.database import db
from governance.jobs.housekeeping import lapse_waivers
from governance.license_review import waivers

waivers_cli = AppGroup("waivers", help="Waivers of the license policy.")


@waivers_cli.command("list")
@click.option("--status", type=click.Choice(waivers.STATUSES), default="active",
              show_default=True)
def list_command(status: str):
    """Waivers with their request, license, reason code and expiry date."""
    rows = db.session.scalars(waivers.list_query(status)).all()
    if not rows:
        click.echo(f"No {status} waivers." if status != "all" else "No waivers.")
    for w in rows:
        state = "active" if w.is_active(date.today()) else "expired"
        click.echo(f"#{w.id} request #{w.request_id} {w.expression_spdx} ({w.context}) "
                   f"{w.reason_code} until {w.expires_on.isoformat()} [{state}]")


@waivers_cli.command("lapse")
def lapse_command():
    """Lapse expired waivers; approvals that relied on one go back to review."""
    count = lapse_waivers()
    click.echo(f"{count} waiver(s) lapsed.")
