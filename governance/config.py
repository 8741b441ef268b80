"""Configuration read from environment variables, with defaults that work on a laptop.

Every setting here is documented in README.md ("Configuration").
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way (postgresql://, postgres://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_or_create_secret_key(instance_path: str) -> str:
    """A key generated once and kept in instance/, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with 0600 so only the app's user can read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _bool_env(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def default_instance_path() -> str:
    return os.environ.get("INSTANCE_PATH",
                          str(Path(__file__).resolve().parent.parent / "instance"))


def scans_dir(instance_path: str) -> Path:
    return Path(os.environ.get("SCANS_DIR", str(Path(instance_path) / "scans")))


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    default_db = "sqlite:///" + str(Path(instance_path) / "governance.db")
    config = {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "POLICIES_DIR": os.environ.get(
            "POLICIES_DIR", str(Path(__file__).resolve().parent.parent / "policies")
        ),
        # Largest request body accepted: an archive upload at most, plus the form around it.
        "MAX_CONTENT_LENGTH": _int_env("MAX_CONTENT_LENGTH", 201 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool_env("SESSION_COOKIE_SECURE", False),
        "SESSION_LIFETIME_HOURS": _int_env("SESSION_LIFETIME_HOURS", 12),
        # Failed sign-ins: per (account, address), and a higher, slower limit per account.
        "LOGIN_MAX_FAILURES": _int_env("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCKOUT_MINUTES": _int_env("LOGIN_LOCKOUT_MINUTES", 15),
        "LOGIN_ACCOUNT_MAX_FAILURES": _int_env("LOGIN_ACCOUNT_MAX_FAILURES", 20),
        "LOGIN_ACCOUNT_LOCKOUT_MINUTES": _int_env("LOGIN_ACCOUNT_LOCKOUT_MINUTES", 60),
        # Behind N reverse proxies, trust the client address and scheme they forward
        # (X-Forwarded-For, X-Forwarded-Proto); 0 uses the connection's own address.
        "TRUSTED_PROXIES": _int_env("TRUSTED_PROXIES", 0),
        # Flask-Limiter reads its RATELIMIT_* settings from here. memory:// counts per
        # process; set redis://… when several processes serve the app.
        "RATELIMIT_ENABLED": _bool_env("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "governance"),
        "RATELIMIT_SIGNIN": os.environ.get("RATELIMIT_SIGNIN", "10 per minute"),
        "RATELIMIT_API": os.environ.get("RATELIMIT_API", "300 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # An unreachable Redis must not take sign-in down: count in memory until it is back.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "PAGE_SIZE": _int_env("PAGE_SIZE", 20),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Scans (README, "Scanning"): where archives and work folders live, the job backend,
        # the worker pool, and the limits on what an archive may unpack to.
        "SCANS_DIR": str(scans_dir(instance_path)),
        "SCAN_BACKEND": os.environ.get("SCAN_BACKEND", "embedded"),
        # The embedded runner starts with the first request served, and resumes queued and
        # stale scans; off in the test suite, which starts runners explicitly.
        "SCAN_AUTOSTART": _bool_env("SCAN_AUTOSTART", True),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "SCAN_PROCESSES": _int_env("SCAN_PROCESSES", os.cpu_count() or 1),
        "SCAN_FILE_TIMEOUT": _int_env("SCAN_FILE_TIMEOUT", 120),
        "SCAN_MAX_FILE_BYTES": _int_env("SCAN_MAX_FILE_BYTES", 5 * 1024 * 1024),
        "SCAN_STALE_SECONDS": _int_env("SCAN_STALE_SECONDS", 180),
        "SCAN_MAX_ATTEMPTS": _int_env("SCAN_MAX_ATTEMPTS", 3),
        "EXTRACT_MAX_ARCHIVE_BYTES": _int_env("EXTRACT_MAX_ARCHIVE_BYTES", 200 * 1024 * 1024),
        "EXTRACT_MAX_TOTAL_BYTES": _int_env("EXTRACT_MAX_TOTAL_BYTES", 1024 * 1024 * 1024),
        "EXTRACT_MAX_FILES": _int_env("EXTRACT_MAX_FILES", 20000),
        "EXTRACT_MAX_RATIO": _int_env("EXTRACT_MAX_RATIO", 100),
        "EXTRACT_MAX_DEPTH": _int_env("EXTRACT_MAX_DEPTH", 3),
        "FETCH_TIMEOUT": _int_env("FETCH_TIMEOUT", 60),
        # Downloads run on threads of their own (embedded backend), so a slow server holds up
        # no scan; this many at once.
        "FETCH_WORKERS": _int_env("FETCH_WORKERS", 2),
        # Downloads may only reach public addresses (no requests into the app's own network
        # from a URL a user typed); the configured registries are trusted as they are.
        "FETCH_PUBLIC_ONLY": _bool_env("FETCH_PUBLIC_ONLY", True),
        "PYPI_URL": os.environ.get("PYPI_URL", "https://pypi.org"),
        "NPM_REGISTRY_URL": os.environ.get("NPM_REGISTRY_URL", "https://registry.npmjs.org"),
        # GitHub organization requests: approvals make their calls here (GitHub Enterprise
        # Server: https://HOST/api/v3). Without a token the app runs them as a dry run.
        "GITHUB_API_URL": os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        "GITHUB_TOKEN": os.environ.get("GITHUB_TOKEN", ""),
        "GITHUB_TIMEOUT": _int_env("GITHUB_TIMEOUT", 30),
        # SPDX documents get a unique namespace under this URI (SPDX 2.3 §6.5): use one the
        # company controls.
        "SPDX_NAMESPACE_BASE": os.environ.get("SPDX_NAMESPACE_BASE",
                                              "https://oss-governance.example.com/spdx"),
        # SBOM imports and gate requests: larger documents are refused before parsing.
        "SBOM_MAX_BYTES": _int_env("SBOM_MAX_BYTES", 20 * 1024 * 1024),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # flask-smorest: the OpenAPI document at /api/v1/openapi.json
        "API_TITLE": "OSS Governance API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
    config.update(overrides)
    if config.get("TESTING") and "RATELIMIT_ENABLED" not in overrides:
        # The test suite signs in and calls the API far more often than any person: a test
        # that wants the limits sets RATELIMIT_ENABLED=True in its config.
        config["RATELIMIT_ENABLED"] = False
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
    return config
