"""`flask advisories …`: import OSV records, list what they affect, match again."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from governance.advisories import reports, services
from governance.advisories_core import osv
from governance.database import unit_of_work

advisories_cli = AppGroup("advisories", help="Security advisories (OSV) against the inventory.")
SHOWN_SKIPPED = 50


@advisories_cli.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def import_command(path, as_json):
    """Import OSV records from PATH: one .json file, a folder of them, or a zip such as
    osv.dev's all.zip of an ecosystem."""
    try:
        with unit_of_work():
            result = services.import_records(None, osv.read_records(path))
    except osv.OsvError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(f"{result.read} records read: {result.new} new, {result.updated} updated, "
               f"{result.unchanged} unchanged, {len(result.skipped)} skipped; "
               f"{result.findings_opened} finding(s) opened, {result.findings_resolved} "
               "resolved.")
    for where, why in result.skipped[:SHOWN_SKIPPED]:
        click.echo(f"  skipped {where}: {why}")
    if len(result.skipped) > SHOWN_SKIPPED:
        click.echo(f"  … and {len(result.skipped) - SHOWN_SKIPPED} more skipped")


@advisories_cli.command("affected")
@click.option("--open", "open_only", is_flag=True, help="Only findings still to act on.")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def affected_command(open_only, as_json):
    """The inventory versions the advisories affect, with the teams and products using them."""
    rows = [r.to_dict() for r in reports.affected(open_only=open_only)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No advisory affects an approved version.")
        return
    for row in rows:
        fixed = f", fixed in {', '.join(row['fixed'])}" if row["fixed"] else ", no fix yet"
        click.echo(f"{row['state']:<14} {row['advisory']} {row['purl']}{fixed} "
                   f"({', '.join(row['teams']) or 'no team'})")


@advisories_cli.command("match")
def match_command():
    """Match every kept advisory against the inventory again (after approvals changed it)."""
    with unit_of_work():
        opened, resolved = services.rematch_all()
    click.echo(f"{opened} finding(s) opened, {resolved} resolved.")
