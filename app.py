"""Entry point for `flask` and WSGI servers: the one app of this process."""
import os

from governance import create_app
from governance.config import default_instance_path, scans_dir

# scancode makes a scancode-tk-* folder where SCANCODE_TEMP says when it is first imported
# (policy loading imports it): keep it in the app's scans folder, not the system's /tmp. The
# process's entry point sets this, not the factory, where the first of several apps would win.
_scancode_temp = scans_dir(default_instance_path()) / "tmp"
_scancode_temp.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("SCANCODE_TEMP", str(_scancode_temp))

app = create_app()
