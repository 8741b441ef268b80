"""`flask funding …`: funding decisions from the command line."""
from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup

from governance import policies
from governance.funding import suggestions
from governance.funding_core.fiscal import fiscal_year_of

funding_cli = AppGroup("funding", help="Funding decisions: suggestions from our own usage.")


@funding_cli.command("suggest")
@click.option("--year", type=click.IntRange(2000, 2100), help="Fiscal year (default: now).")
@click.option("--amount", type=click.IntRange(0, 10**12), required=True,
              help="Whole units of the budget currency to allocate.")
@click.option("--top", type=click.IntRange(1, suggestions.MAX_TOP), default=5,
              show_default=True, help="How many projects share it.")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def suggest_command(year, amount, top, as_json):
    """Rank the projects we depend on and allocate AMOUNT across the top N."""
    policy = policies.funding_policy()
    year = year or fiscal_year_of(date.today(), policy.fiscal_year_start_month)
    chosen = suggestions.suggest(policy, amount, top)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in chosen], indent=2))
        return
    if not chosen:
        click.echo("No projects in the approved inventory to fund.")
        return
    click.echo(f"FY{year}: {amount:,} {policy.currency} across the top {len(chosen)}")
    for p in chosen:
        click.echo(f"{p.amount:>10,} {policy.currency}  score {p.score:.3f}  {p.name} "
                   f"({p.purl})")
