"""`flask export`, `flask gate` and `flask products …`: compliance from the shell and CI."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from governance import policies
from governance.auth.models import Team
from governance.cli.policies import BadInputIsThree
from governance.database import db, unit_of_work
from governance.errors import ValidationFailed
from governance.inventory import checks, exports
from governance.inventory import services as inventory

BAD_INPUT = 3
products_cli = AppGroup("products", help="Products (or services) owned by teams.")


def _policy():
    return policies.license_policy()


def _fail(exc: ValidationFailed) -> None:
    click.echo("Error: " + ("; ".join(exc.errors.values()) or exc.message), err=True)
    raise click.exceptions.Exit(BAD_INPUT)


@click.command("export", cls=BadInputIsThree)
@click.option("--format", "format_id", required=True, type=click.Choice(list(exports.FORMATS)))
@click.option("--scope", default="company", show_default=True,
              help="company, team:NAME or product:NAME")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
def export_command(format_id: str, scope: str, output: Path | None):
    """Export what a scope uses: SPDX, CycloneDX, a notice file or CSV."""
    try:
        result = exports.build(format_id, scope, _policy(),
                               current_app.config["SPDX_NAMESPACE_BASE"])
    except ValidationFailed as exc:
        _fail(exc)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if output is None:
        click.echo(result.content, nl=False)
    else:
        output.write_text(result.content, encoding="utf-8")
        click.echo(f"{output}: {result.components} components ({format_id}, {scope}).",
                   err=True)


@click.command("gate", cls=BadInputIsThree)
@click.argument("sbom", type=click.File("rb"))
@click.option("--context", "-c", required=True, help="Usage context id, e.g. distributed.")
@click.option("--product", "-p", help="Check against this product's approvals.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def gate_command(sbom, context: str, product: str | None, as_json: bool):
    """Pass or fail a build's SBOM (CycloneDX or SPDX; - reads standard input).

    Exit code: 0 pass, 1 fail, 3 bad input (unreadable SBOM, unknown context or product).
    """
    limit = current_app.config["SBOM_MAX_BYTES"]
    data = sbom.read(limit + 1)
    try:
        result = checks.run_gate(data, context, product, _policy(), limit,
                                 filename=getattr(sbom, "name", ""))
    except ValidationFailed as exc:
        _fail(exc)
    if as_json:
        for chunk in result.json_chunks():
            click.echo(chunk, nl=False)
        click.echo()
    else:
        click.echo(result.format_text())
    raise click.exceptions.Exit(0 if result.passed else 1)


@products_cli.command("create")
@click.argument("name")
@click.option("--team", required=True, help="The owning team's name.")
@click.option("--context", required=True, help="Usage context id, e.g. distributed.")
@click.option("--description", default="")
def create_product(name: str, team: str, context: str, description: str):
    """Create a product owned by a team."""
    found = db.session.scalar(select(Team).where(func.lower(Team.name) == team.lower()))
    try:
        with unit_of_work():
            product = inventory.save_product(
                None, None, name=name, team_id=found.id if found else None,
                usage_context=context, description=description,
                rules=policies.request_rules())
    except ValidationFailed as exc:
        _fail(exc)
    click.echo(f"Product {product.name} (#{product.id}) created for {product.team.name}.")


@products_cli.command("list")
def list_products():
    """Products with their team and usage context."""
    for product in inventory.all_products():
        click.echo(f"#{product.id} {product.name} [{product.team.name}, "
                   f"{product.usage_context}]")
    if not inventory.all_products():
        click.echo("No products.", err=True)
