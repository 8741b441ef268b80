"""Forms of the inventory pages: products, SBOM uploads, exports."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ProductForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the product a name."),
                                           Length(max=120)])
    team = SelectField("Owning team", coerce=int, validators=[DataRequired()])
    usage_context = SelectField("How it uses what it contains", validators=[DataRequired()],
                                description="Its SBOM is checked against the policy for this "
                                            "context.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 3})


class SbomUploadForm(FlaskForm):
    sbom = FileField("SBOM file", validators=[FileRequired("Choose an SBOM file.")],
                     description="CycloneDX (JSON or XML) or SPDX (JSON or tag-value), as npm "
                                 "sbom, cyclonedx-py, syft and others write them.")


class DraftsForm(FlaskForm):
    components = SelectMultipleField("Components", coerce=int, validators=[
        DataRequired("Tick the components to request.")])
