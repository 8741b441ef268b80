"""Personal-token authentication for every API call."""
from __future__ import annotations

from flask import g, request
from flask_smorest import abort

from governance.auth import services as auth_services
from governance.database import db


def authenticate_api_request() -> None:
    """Every API call needs `Authorization: Bearer <token>`; sets g.api_user."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, message="Send a personal API token as 'Authorization: Bearer <token>'.")
    user = auth_services.user_for_token(secret.strip())
    if user is None:
        abort(401, message="The API token is unknown or revoked.")
    db.session.commit()  # records last_used_at
    g.api_user = user
