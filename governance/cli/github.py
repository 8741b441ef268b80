"""`flask github …`: GitHub organization requests from the command line (cron and operators)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from governance.database import db
from governance.github_requests import checks, provisioning
from governance.github_requests.models import GitHubRequest
from governance.jobs.housekeeping import recertify_collaborators

github_cli = AppGroup("github", help="GitHub organization requests.")


@github_cli.command("list")
@click.option("--provisioning", "state", type=click.Choice(
    ["not_started", "running", "done", "failed"]), help="Only approvals in this provisioning "
                                                          "state.")
def list_command(state):
    """GitHub requests with their state, checks and provisioning."""
    query = select(GitHubRequest).order_by(GitHubRequest.id)
    if state:
        query = query.where(GitHubRequest.provisioning_state == state)
    rows = db.session.scalars(query).all()
    if not rows:
        click.echo("No GitHub requests.")
    for item in rows:
        checked = checks.checks_state(item)[0] if item.ships_code else "-"
        provisioned = item.provisioning_state if item.state.is_approved else "-"
        click.echo(f"#{item.id} {item.kind:20} {item.state.value:24} checks={checked:8} "
                   f"provisioning={provisioned:11} {item.title}")


@github_cli.command("plan")
@click.argument("request_id", type=int)
def plan_command(request_id: int):
    """The GitHub calls approving request REQUEST_ID makes now."""
    item = db.session.get(GitHubRequest, request_id)
    if item is None:
        raise click.ClickException(f"No GitHub request #{request_id}.")
    for call in provisioning.plan_for(item):
        click.echo(f"{call.method:6} {call.path}  ({call.description})")


@github_cli.command("provision")
def provision_command():
    """Run the provisioning that waits (approvals whose task was lost), in this process."""
    waiting = provisioning.waiting_requests()
    for request_id in waiting:
        provisioning.provision(request_id)
        item = db.session.get(GitHubRequest, request_id)
        click.echo(f"#{request_id}: {item.provisioning_state}"
                   + (f" ({item.provisioning_error})" if item.provisioning_error else ""))
    if not waiting:
        click.echo("No provisioning waits.")


@github_cli.command("recertify")
def recertify_command():
    """Send outside collaborators whose access ended back to the office (for cron)."""
    count = recertify_collaborators()
    click.echo(f"{count} outside collaborator(s) back for re-certification.")
