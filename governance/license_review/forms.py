"""The waiver form (reason code, text, expiry date) and the clearing forms (a concluded
license, a detection that does not apply)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from governance.licensing.policy import LicensePolicy
from governance.rules.clearing import ClearingRules
from governance.web.forms import choices


class WaiverForm(FlaskForm):
    reason_code = SelectField("Reason code", validators=[DataRequired("Choose a reason code.")])
    text = TextAreaField("Why the office accepts it",
                         validators=[DataRequired("Explain why the office accepts this "
                                                  "license here."), Length(max=5000)],
                         render_kw={"rows": 3})
    expires_on = DateField("Expires on",
                           validators=[InputRequired("Every waiver needs an expiry date.")],
                           description="When it expires, an approval that relied on it goes "
                                       "back to review.")


def waiver_form(policy: LicensePolicy, **kwargs) -> WaiverForm:
    form = WaiverForm(**kwargs)
    form.reason_code.choices = choices(
        [("", "— choose —")] + [(code, code) for code in policy.waiver_reasons])
    return form


class ConclusionForm(FlaskForm):
    expression = StringField(
        "Concluded license", validators=[DataRequired("Give the license expression that holds."),
                                         Length(max=2000)],
        description="SPDX ids or scancode keys, with AND, OR, WITH (e.g. PSF-2.0).",
        render_kw={"spellcheck": "false", "autocomplete": "off"})
    option = StringField(
        "Option the company takes (for an OR)", validators=[Optional(), Length(max=2000)],
        description="Optional: one alternative of the OR, e.g. MIT for MIT OR GPL-3.0-or-later. "
                    "Obligations follow it.",
        render_kw={"spellcheck": "false", "autocomplete": "off"})
    reason_code = SelectField("Reason code", validators=[DataRequired("Choose a reason code.")])
    reason = TextAreaField("Why", validators=[DataRequired("Say why, for whoever reads this "
                                                           "decision later."), Length(max=5000)],
                           render_kw={"rows": 3})


class DismissalForm(FlaskForm):
    expression = HiddenField(validators=[DataRequired()])
    reason_code = SelectField("Reason code", validators=[DataRequired("Choose a reason code.")])
    reason = TextAreaField("Why it does not apply",
                           validators=[DataRequired("Say why it does not apply."),
                                       Length(max=5000)], render_kw={"rows": 2})


def _with_reason_codes(form, rules: ClearingRules):
    form.reason_code.choices = choices(
        [("", "— choose —")] + [(r.id, r.label) for r in rules.reason_codes])
    return form


def conclusion_form(rules: ClearingRules, **kwargs) -> ConclusionForm:
    return _with_reason_codes(ConclusionForm(**kwargs), rules)


def dismissal_form(rules: ClearingRules, **kwargs) -> DismissalForm:
    return _with_reason_codes(DismissalForm(**kwargs), rules)
