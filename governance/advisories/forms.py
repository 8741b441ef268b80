"""The office's forms: an upload of OSV records, and its analysis of a finding."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from governance.advisories.models import FINDING_STATE_LABELS
from governance.web.forms import choices


class ImportForm(FlaskForm):
    records = FileField("OSV records", description="One record (.json), or a zip of them "
                                                   "such as osv.dev's all.zip of an ecosystem.")


class FindingForm(FlaskForm):
    state = SelectField("Analysis", choices=choices(FINDING_STATE_LABELS.items()))
    justification = TextAreaField(
        "Justification", validators=[Optional(), Length(max=5000)], render_kw={"rows": 3},
        description="Why: needed for not affected and false positive.")
    not_affected_until = DateField(
        "Not affected until", validators=[Optional()],
        description="Optional, for not affected: after this day it is triaged again.")
