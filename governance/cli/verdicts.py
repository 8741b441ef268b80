"""`flask verdicts refresh`: store the license verdicts the loaded policy lacks."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from governance import policies
from governance.license_review import verdicts

verdicts_cli = AppGroup("verdicts", help="Stored license verdicts.")


@verdicts_cli.command("refresh")
def refresh_command():
    """Judge every request's latest scan under the current policy where no verdict is stored
    yet (the app also does this on the first request after a start)."""
    policy = policies.license_policy()
    added = verdicts.refresh(policy)
    click.echo(f"Stored {added} license verdict(s) for policy version {policy.version} "
               f"({policy.digest[:12]}).")
