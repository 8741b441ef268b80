"""The form that attaches a package's source to a request."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional


class ScanForm(FlaskForm):
    archive = FileField("Upload an archive",
                        description="tar.gz, tgz, tar.bz2, tar.xz, zip, whl, jar, gem, crate…")
    source = StringField("…or fetch it from", validators=[Optional(), Length(max=1000)],
                         description="A purl (PyPI and npm are fetched from their registries) "
                                     "or an https:// download address.",
                         render_kw={"placeholder": "e.g. pkg:pypi/flask@3.1.3"})
