"""`flask funding …`: funding decisions from the command line."""
from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup

from governance import policies
from governance.funding import budgets, pledge, suggestions
from governance.funding_core.fiscal import fiscal_year_of
from governance.jobs.housekeeping import open_funding_renewals

funding_cli = AppGroup("funding",
                       help="Funding decisions: suggestions, budgets, the Pledge, renewals.")


def _policy_and_year(year: int | None):
    policy = policies.funding_policy()
    return policy, year or fiscal_year_of(date.today(), policy.fiscal_year_start_month)


@funding_cli.command("suggest")
@click.option("--year", type=click.IntRange(2000, 2100), help="Fiscal year (default: now).")
@click.option("--amount", type=click.IntRange(0, 10**12), required=True,
              help="Whole units of the budget currency to allocate.")
@click.option("--top", type=click.IntRange(1, suggestions.MAX_TOP), default=5,
              show_default=True, help="How many projects share it.")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def suggest_command(year, amount, top, as_json):
    """Rank the projects we depend on and allocate AMOUNT across the top N."""
    policy, year = _policy_and_year(year)
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


@funding_cli.command("budget")
@click.option("--year", type=click.IntRange(2000, 2100), help="Fiscal year (default: now).")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def budget_command(year, as_json):
    """The fiscal year's budget: amount, committed, paid, remaining, by kind."""
    policy, year = _policy_and_year(year)
    result = budgets.summary(year, policy)
    if as_json:
        click.echo(json.dumps(budgets.to_dict(result), indent=2))
        return
    click.echo(f"FY{year} budget: {result.amount}" if result.budget else
               f"FY{year}: no budget set (PUT /api/v1/funding/budgets/{year}, or the Budget "
               "page)")
    click.echo(f"  paid {result.paid}, committed {result.committed}, remaining "
               f"{result.remaining}")
    for line in result.by_kind:
        if line.total.minor:
            click.echo(f"  {line.label:<12} paid {line.paid}, committed {line.committed}")


@funding_cli.command("pledge")
@click.option("--year", type=click.IntRange(2000, 2100), help="Fiscal year (default: now).")
@click.option("--json", "as_json", is_flag=True, help="JSON, for scripts.")
def pledge_command(year, as_json):
    """The Open Source Pledge figure: developers × the pledge against what was paid."""
    policy, year = _policy_and_year(year)
    result = pledge.summary(year, policy)
    if as_json:
        click.echo(json.dumps(pledge.to_dict(result), indent=2))
        return
    developers = result.developers if result.developers is not None else "no head count"
    click.echo(f"FY{year} Open Source Pledge: {developers} developers, target {result.target};"
               f" eligible paid {result.eligible_paid} of {result.paid}"
               f"{' (met)' if result.met else ''}")
    for exclusion in result.excluded:
        click.echo(f"  left out #{exclusion.proposal.id} {exclusion.proposal.beneficiary_name}: "
                   f"{exclusion.reason}")


@funding_cli.command("renewals")
def renewals_command():
    """Open the renewal of memberships and sponsorships whose term ends soon (for cron; the
    embedded runner and Celery beat do it by themselves)."""
    count = open_funding_renewals()
    click.echo(f"{count} renewal{'s' if count != 1 else ''} opened.")
