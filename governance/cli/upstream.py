"""`flask contributions …`: import the upstream ledger from CSV, print its yearly summary."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from governance.auth.models import Team
from governance.database import db, unit_of_work
from governance.upstream import csv_file, reports, services

contributions_cli = AppGroup("contributions",
                             help="Upstream contributions: issues and pull requests our teams "
                                  "opened upstream.")


@contributions_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Import the CSV at PATH (header url,project,team,kind,state,opened_on,closed_on,title).
    Every row is checked first: if any is bad, each is printed and nothing is imported (exit
    status 1). A URL already in the ledger updates its row."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            text = csv_file.decode(handle.read(csv_file.MAX_BYTES + 1), file.name)
        with unit_of_work():
            result = services.import_csv(None, text)
    except csv_file.CsvRejected as exc:
        for where, why in exc.errors.items():
            click.echo(f"{file.name}: {why}" if where == "file" else f"{where}: {why}",
                       err=True)
        click.echo(exc.message, err=True)
        raise SystemExit(1) from None
    click.echo(f"{result.read} row(s) read: {result.new} new, {result.updated} updated, "
               f"{result.unchanged} unchanged.")


@contributions_cli.command("summary")
@click.option("--team", "team_name", help="One team's contributions alone (its name).")
@click.option("--json", "as_json", is_flag=True, help="JSON, as GET /api/v1/contributions/"
                                                       "summary answers.")
def summary_command(team_name, as_json):
    """Issues and pull requests opened upstream per year, and per team."""
    team_id = None
    if team_name:
        team = db.session.scalar(select(Team).where(
            func.lower(Team.name) == team_name.strip().lower()))
        if team is None:
            raise click.ClickException(f"No team is named {team_name!r}.")
        team_id = team.id
    found = reports.summary(team_id=team_id)
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    if not found["years"]:
        click.echo("No upstream contribution recorded.")
        return
    click.echo(f"{'year':<6} {'issues':>7} {'PRs':>7}")
    for year, counts in found["years"].items():
        click.echo(f"{year:<6} {counts['issues']:>7} {counts['prs']:>7}")
    click.echo(f"{'all':<6} {found['total']['issues']:>7} {found['total']['prs']:>7}")
    for team, years in found["teams"].items():
        issues = sum(c["issues"] for c in years.values())
        prs = sum(c["prs"] for c in years.values())
        click.echo(f"  {team}: {issues} issue(s), {prs} pull request(s)")
