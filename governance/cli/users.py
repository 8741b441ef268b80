"""`flask users …`: user accounts and their personal API tokens, from the command line."""
from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from governance.auth import services as auth_services
from governance.auth.models import Team, User
from governance.auth.roles import Role
from governance.database import db, unit_of_work
from governance.errors import DomainError, ValidationFailed

users_cli = AppGroup("users", help="Manage user accounts.")


def _fail(exc: DomainError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in getattr(exc, "errors", {}).items())
    raise click.ClickException(details or exc.message)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="Leave out to be asked (or to generate one with --generate).")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@click.option("--full-name", default="")
@click.option("--email", default="")
@click.option("--team", "teams", multiple=True, help="Team name; created if missing. Repeatable.")
def create_user(username, role, password, generate, full_name, email, teams):
    """Create a user, e.g. the first admin: flask users create ada --role admin."""
    if generate:
        password = secrets.token_urlsafe(12)
    elif not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            team_ids = [_team(name).id for name in teams]
            user = auth_services.create_user(None, username=username, password=password, role=role,
                                             full_name=full_name, email=email, team_ids=team_ids)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created {user.username} ({user.role.value}).")
    if generate:
        click.echo(f"Password: {password}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password")
def set_password(username, password):
    """Set a user's password (ends their open sessions)."""
    user = _user(username)
    if not password:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            auth_services.set_password(None, user, password)
    except ValidationFailed as exc:
        _fail(exc)
    click.echo(f"Password of {user.username} changed.")


@users_cli.command("list")
def list_users():
    """List users with their role and teams."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        teams = ", ".join(t.name for t in user.teams) or "-"
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.username:20} {user.role.value:12} {teams}{state}")


@users_cli.command("token")
@click.argument("username", required=False)
@click.option("--name", help="Where the token is used, e.g. ci-bot.")
@click.option("--quiet", is_flag=True,
              help="Print only the secret, for TOKEN=$(flask users token …).")
@click.option("--revoke", "revoke_id", type=int, metavar="ID",
              help="Revoke token ID instead (no USERNAME or --name).")
def token(username, name, quiet, revoke_id):
    """Create a personal API token for USERNAME and print its secret once, e.g.
    flask users token ci --name ci-bot; or revoke one: flask users token --revoke ID."""
    if revoke_id is not None:
        if username or name:
            raise click.UsageError("--revoke ID takes neither USERNAME nor --name.")
        try:
            with unit_of_work():
                revoked = auth_services.revoke_token_by_id(revoke_id)
        except DomainError as exc:
            _fail(exc)
        if not quiet:
            click.echo(f"Token {revoked.id} ({revoked.name}) of {revoked.user.username} "
                       f"is revoked.")
        return
    if not username:
        raise click.UsageError("Give USERNAME (or --revoke ID).")
    if not name:
        raise click.UsageError("Missing option '--name': name the token after where it is used.")
    user = _user(username)
    if not user.active:
        # Such a token would be refused by the API anyway; say so now, not at first use.
        raise click.ClickException(f"{user.username} is inactive; tokens are only made for "
                                   f"active users.")
    try:
        with unit_of_work():
            created, secret = auth_services.create_token(user, name)
    except DomainError as exc:
        _fail(exc)
    if not quiet:
        click.echo(f"Token {created.id} ({created.name}) for {user.username}; the secret is "
                   f"shown only now:")
    click.echo(secret)


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


def _team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
    if team is None:
        team = auth_services.save_team(None, None, name=name)
    return team
