"""`flask audit verify`: check the audit trail's hash chain from a shell or a cron job."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from governance.audit import services as audit

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify_command():
    """Recompute every event's hash in id order; exit 1 and name the first broken link."""
    state = audit.chain_state()
    if not state.intact:
        click.echo(state.reason)
        raise SystemExit(1)
    noun = "event" if state.count == 1 else "events"
    click.echo(f"The audit trail is intact: {state.count} {noun}.")
