"""Entry point for `flask` and WSGI servers."""
from governance import create_app

app = create_app()
