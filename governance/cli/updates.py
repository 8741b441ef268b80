"""`flask updates overdue` and `flask patches list`: what is overdue after approval, and the
local patches needing attention (for a daily job or a chat bot)."""
from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup

from governance.lifecycle import cadence, patches

updates_cli = AppGroup("updates", help="The update cadence of what is in use.")
patches_cli = AppGroup("patches", help="Local patches carried on top of upstream releases.")


@updates_cli.command("overdue")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def overdue_command(as_json):
    """Every approved use whose regular update or security fix is overdue."""
    today = date.today()
    found = cadence.overdue(today=today)
    if as_json:
        click.echo(json.dumps([d.to_dict(today) for d in found], indent=2))
        return
    if not found:
        click.echo("Nothing is overdue.")
        return
    for team, items in cadence.by_team(found):
        click.echo(f"{team}:")
        for d in items:
            what = (f"security fix {d.finding.advisory.osv_id}" if d.kind == "security"
                    else "regular update")
            click.echo(f"  {d.request.component.display_name} (request #{d.request.id}): "
                       f"{what} due {d.due_on.isoformat()}, {d.days_overdue(today)} days late")


@patches_cli.command("list")
@click.option("--attention", is_flag=True, help="Only the patches needing someone.")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def list_command(attention, as_json):
    """The active local patches, newest first."""
    found = patches.listed(needs_attention=attention)
    if as_json:
        click.echo(json.dumps([{"id": p.id, "purl": p.component.purl, "team": p.team.name,
                                "kind": p.kind, "title": p.title, "status": p.status,
                                "attention": patches.attention(p)} for p in found], indent=2))
        return
    if not found:
        click.echo("No patch needs attention." if attention else "No active local patch.")
    for p in found:
        why = "; ".join(patches.attention(p))
        click.echo(f"#{p.id} {p.kind:<9} {p.component.display_name}: {p.title}"
                   + (f" [{why}]" if why else ""))
