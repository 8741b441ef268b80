"""GET /api/v1/me: who the token belongs to."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from governance.api.schemas import UserSchema

blp = Blueprint("api_me", __name__, url_prefix="/api/v1/me", description="The token's user")


@blp.get("")
@blp.response(200, UserSchema)
def me():
    return g.api_user
