"""The waiver form: reason code, text, expiry date."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from governance.licensing.policy import LicensePolicy
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
