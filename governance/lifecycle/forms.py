"""The forms of what follows an approval: an update recorded, a local patch recorded, its
re-confirmation at an update, its removal, the office's approval of a permanent one."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from governance.lifecycle.models import PATCH_KINDS, PATCH_STATUSES
from governance.web.forms import choices


class UpdateForm(FlaskForm):
    to_version = StringField("Updated to version", validators=[DataRequired(), Length(max=100)],
                             render_kw={"placeholder": "e.g. 2.32.4", "autocomplete": "off"})
    updated_on = DateField("Updated on", validators=[Optional()],
                           description="The day the new version went in; today if empty.")
    release_notes_url = StringField("Release notes", validators=[Optional(), Length(max=500)],
                                    render_kw={"placeholder": "e.g. https://…/releases/v2.32.4"})
    test_run_url = StringField("Test run", validators=[Optional(), Length(max=500)],
                               render_kw={"placeholder": "e.g. https://ci.example.com/runs/123"},
                               description="The CI run that passed on the new version.")
    request_ids = SelectMultipleField("Uses updated", coerce=int, validators=[Optional()],
                                      description="Leave empty to update every use of your "
                                                  "teams.")


class PatchForm(FlaskForm):
    component_id = SelectField("Component version", coerce=int, validators=[DataRequired()])
    team_id = SelectField("Team", coerce=int, validators=[DataRequired()])
    kind = RadioField("Kind", choices=choices(PATCH_KINDS.items()), default="temporary")
    title = StringField("What it changes", validators=[DataRequired(), Length(max=200)],
                        render_kw={"placeholder": "e.g. Fix proxy auth header on redirect"})
    reason = TextAreaField("Why we carry it", validators=[Optional(), Length(max=20000)],
                           render_kw={"rows": 3})
    patch_file = FileField("Patch file", description="A diff (.patch, .diff), up to 1 MB; or "
                                                     "link to it below.")
    patch_url = StringField("Patch link", validators=[Optional(), Length(max=500)])
    upstream_url = StringField("Upstream issue or pull request",
                               validators=[Optional(), Length(max=500)])
    status = SelectField("Upstream status (DEP-3)", choices=choices(PATCH_STATUSES.items()))
    applied_upstream_version = StringField("Applied upstream in version",
                                           validators=[Optional(), Length(max=100)])


class ConfirmForm(FlaskForm):
    still_needed = RadioField("Still needed on the new version?", choices=choices([
        ("yes", "Yes: it moves to the new version"),
        ("no", "No: remove it (upstream has the fix, or it no longer applies)")]),
        validators=[DataRequired(message="Say whether the patch is still needed.")])
    note = TextAreaField("Note", validators=[Optional(), Length(max=20000)],
                         render_kw={"rows": 2}, description="Needed when you remove it.")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=20000)],
                           render_kw={"rows": 2})
