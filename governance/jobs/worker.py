"""Entry point of a Celery scan worker: `celery -A governance.jobs.worker worker --pool solo`."""
from governance import create_app

flask_app = create_app({"SCAN_BACKEND": "celery"})
celery_app = flask_app.extensions["celery"]
