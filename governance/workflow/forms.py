"""Forms for the shared workflow: decisions and other steps, reviewer, comments."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class TransitionForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=20000)],
                           render_kw={"rows": 3})
    conditions = TextAreaField("Conditions", validators=[Optional(), Length(max=20000)],
                               render_kw={"rows": 3})
    expires_on = DateField("Approval expires on", validators=[Optional()],
                           description="Optional. After this date the approval needs renewal.")
    without_scan_reason = TextAreaField(
        "Approve without a license verdict, because…", validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 2},
        description="Only when there is no finished scan with a verdict (e.g. the source cannot "
                    "be fetched). Kept with the approval and shown wherever it appears.")
    override_reason = TextAreaField(
        "Approve beyond the budget, because…", validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 2},
        description="Only when this approval would overspend the year's budget. Kept with the "
                    "approval.")
    reference = StringField("Payment reference", validators=[Optional(), Length(max=200)],
                            description="The invoice, transfer or receipt number.")
    paid_on = DateField("Paid on", validators=[Optional()])
    lock_version = HiddenField()

    def kind_inputs(self) -> dict:
        """The fields a kind's own rules read, as workflow.transition takes them."""
        return {"without_scan_reason": self.without_scan_reason.data or "",
                "override_reason": self.override_reason.data or "",
                "reference": self.reference.data or "", "paid_on": self.paid_on.data}


class AssignForm(FlaskForm):
    reviewer = SelectField("Reviewer", coerce=int)
    lock_version = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired("Write a comment first."),
                                                Length(max=20000)],
                         render_kw={"rows": 3, "placeholder": "Ask a question or add context…"})
