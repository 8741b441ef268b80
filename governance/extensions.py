"""Extensions, created unbound and attached to the app in create_app()."""
from __future__ import annotations

from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from governance.database import db

migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
bootstrap = Bootstrap5()

__all__ = ["db", "migrate", "csrf", "login_manager", "bootstrap"]
