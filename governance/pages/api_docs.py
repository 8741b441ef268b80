"""The API's readable documentation at /api/v1/docs: Swagger UI (the pinned swagger-ui-bundle,
served from this app, no CDN) over the OpenAPI document flask-smorest generates. Its own page
and start-up script, so the Content-Security-Policy stays 'self' only."""
from __future__ import annotations

from flask import Blueprint, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")


@bp.get("/")
def index():
    return render_template("api_docs.html")


@bp.get("/assets/<name>")
def asset(name: str):
    if name not in ASSETS:  # only what the page uses, never the bundle's own index pages
        return ("Not found", 404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
