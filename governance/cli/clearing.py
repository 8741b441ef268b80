"""`flask clearing show PURL`, `flask clearing conclude PURL EXPRESSION …` and
`flask clearing changed`: the office's license clearing from the command line."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from governance import policies
from governance.auth.models import User
from governance.components import services as components
from governance.database import db, unit_of_work
from governance.errors import DomainError, ValidationFailed
from governance.license_review import clearing
from governance.license_review.services import changed_verdicts
from governance.license_review.verdicts import verdicts_for

clearing_cli = AppGroup("clearing", help="License clearing: concluded licenses and the "
                                         "verdicts that changed since their decision.")


def _component(purl_text: str):
    try:
        component = components.find(components.parse_purl(purl_text))
    except ValidationFailed as exc:
        raise click.BadParameter(exc.errors["purl"], param_hint="PURL") from exc
    if component is None:
        raise click.ClickException(f"No request or SBOM names {purl_text}.")
    return component


def _fail(exc: DomainError):
    errors = getattr(exc, "errors", None) or {}
    raise click.ClickException("; ".join(f"{k}: {v}" for k, v in errors.items())
                               or exc.message)


@clearing_cli.command("show")
@click.argument("purl")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_command(purl: str, as_json: bool):
    """The component's declared and concluded license, and what its latest scan detected."""
    component = _component(purl)
    requests = clearing.component_requests(component)
    verdict = next(iter(verdicts_for(requests[:1], policies.license_policy()).values()), None)
    scan = clearing.latest_component_scan(component)
    summary = (scan.summary or {}) if scan else {}
    concluded = clearing.to_dict(clearing.conclusion_of(component))
    detected = [{"expression": d.expression_spdx, "files": d.files, "finding": d.finding}
                for d in (verdict.detected if verdict else [])]
    if as_json:
        click.echo(json.dumps({"purl": component.purl, "component_id": component.id,
                               "declared": summary.get("declared_license_expression_spdx"),
                               "concluded": concluded, "detected": detected}, indent=2))
        return
    click.echo(f"{component.purl} (component {component.id})")
    click.echo(f"  declared:  {summary.get('declared_license_expression_spdx') or '-'}"
               + ("" if scan else " (not scanned)"))
    if concluded:
        option = f", taking {concluded['option']}" if concluded["option"] else ""
        click.echo(f"  concluded: {concluded['expression']}{option} ({concluded['reason_code']},"
                   f" {concluded['concluded_by']}): {concluded['reason']}")
    else:
        click.echo("  concluded: -")
    for d in detected:
        click.echo(f"  detected:  {d['expression']} in {d['files']} file(s) [{d['finding']}]")


@clearing_cli.command("conclude")
@click.argument("purl")
@click.argument("expression")
@click.option("--reason-code", required=True, help="One of policies/clearing.yaml's codes.")
@click.option("--reason", required=True, help="Why, for whoever reads it later.")
@click.option("--option", default=None, help="For an OR: the alternative the company takes.")
@click.option("--by", "username", required=True, help="The OSS office member concluding.")
def conclude_command(purl, expression, reason_code, reason, option, username):
    """Conclude PURL's license as EXPRESSION; every request for it is judged on it."""
    component = _component(purl)
    actor = db.session.scalar(select(User).where(User.username == username))
    if actor is None:
        raise click.BadParameter(f"no user {username!r}", param_hint="--by")
    try:
        with unit_of_work():
            row = clearing.conclude(component, actor, clearing.ConclusionInput(
                expression, reason_code, reason, option))
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Concluded {row.expression_spdx} for {component.purl}"
               + (f", taking {row.option_spdx}" if row.option_spdx else "") + ".")


@clearing_cli.command("changed")
@click.option("--all", "every", is_flag=True, help="Every change, not only the worse ones.")
def changed_command(every: bool):
    """Decided requests whose license verdict today is not the one decided on (by default the
    approvals whose verdict got worse). Exit code 1 when one did, for a scheduled check."""
    found = changed_verdicts()
    shown = found if every else [s for s in found if s.needs_a_look]
    if not shown:
        click.echo("No verdict got worse." if found
                   else "Every decided request's verdict holds as decided.")
    for s in shown:
        click.echo(f"#{s.recorded.request_id} {s.recorded.verdict or 'no verdict'} -> "
                   f"{s.current.verdict or 'no verdict'}{' (worse)' if s.worse else ''}: "
                   + "; ".join(s.changes))
    if any(s.needs_a_look for s in found):
        raise SystemExit(1)
