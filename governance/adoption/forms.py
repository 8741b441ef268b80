"""The adoption request form, with one field per question the office configured."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from governance.adoption.services import AdoptionInput
from governance.components.services import COMMON_TYPES, parse_purl
from governance.errors import ValidationFailed
from governance.rules.request_rules import Question, RequestRules
from governance.web.forms import NeededToSubmit, choices

YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]


class AdoptionForm(FlaskForm):
    purl = StringField("Package URL (purl)", validators=[Optional(), Length(max=1000)],
                       description="Paste a purl such as pkg:pypi/requests@2.32.3, or fill in "
                                   "type, name and version below.",
                       render_kw={"placeholder": "e.g. pkg:npm/lodash@4.17.21"})
    type = SelectField("Type", choices=choices([("", "—")] + [(t, t) for t in COMMON_TYPES]),
                       validators=[Optional()])
    namespace = StringField("Namespace", validators=[Optional(), Length(max=255)],
                            description="Maven group, npm @scope…")
    name = StringField("Name", validators=[Optional(), Length(max=255)])
    version = StringField("Version", validators=[Optional(), Length(max=100)])
    homepage_url = StringField("Homepage", validators=[Optional(), Length(max=500)])
    repository_url = StringField("Source repository", validators=[Optional(), Length(max=500)])
    team = SelectField("Requesting team", coerce=int, validators=[DataRequired()])
    product = SelectField("Product", coerce=int, validators=[Optional()],
                          description="The product or service it goes into, if one; "
                                      "compliance exports and SBOM checks use it.")
    usage_context = RadioField("Usage context", validators=[DataRequired()])
    linking = SelectField("How is it linked or embedded?", validators=[DataRequired()])
    will_modify = BooleanField("We will modify its source")
    justification = TextAreaField("Justification",
                                  validators=[NeededToSubmit(), Optional(), Length(max=20000)],
                                  description="What the package is for and why your team "
                                              "needs it. Required to submit.",
                                  render_kw={"rows": 4})
    alternatives = SelectMultipleField("Alternatives considered", coerce=int,
                                       validate_choice=False,
                                       description="Other requests for the same need (the PoC "
                                                   "candidates).")
    lock_version = HiddenField()

    def validate_purl(self, field) -> None:
        # The service checks it too, but only once the whole form is valid: checking here
        # marks a bad purl together with the form's other errors, not one round trip later.
        if (field.data or "").strip():
            try:
                parse_purl(field.data)
            except ValidationFailed as exc:
                raise ValidationError(exc.errors["purl"]) from exc

    def to_input(self, question_ids) -> AdoptionInput:
        return AdoptionInput(
            team_id=self.team.data, usage_context=self.usage_context.data or "",
            linking=self.linking.data or "", purl=self.purl.data or "",
            type=self.type.data or "", namespace=self.namespace.data or "",
            name=self.name.data or "", version=self.version.data or "",
            homepage_url=self.homepage_url.data or "",
            repository_url=self.repository_url.data or "", will_modify=self.will_modify.data,
            justification=self.justification.data or "",
            alternative_ids=self.alternatives.data or [],
            answers={qid: self[f"q_{qid}"].data for qid in question_ids},
            product_id=self.product.data or None,
        )


def _question_field(question: Question):
    kwargs = {"description": question.help,
              "validators": [NeededToSubmit(), Optional()] if question.required else [Optional()]}
    label = question.label + ("" if question.required else " (optional)")
    if question.type == "paragraph":
        return TextAreaField(label, render_kw={"rows": 3}, **kwargs)
    if question.type == "yesno":
        return SelectField(label, choices=choices(YES_NO), **kwargs)
    if question.type == "date":
        return DateField(label, **kwargs)
    if question.type == "choice":
        return SelectField(label, choices=choices([("", "—")] + [(c, c) for c in question.choices]),
                           **kwargs)
    return StringField(label, **kwargs)


def adoption_form_class(rules: RequestRules):
    """AdoptionForm with a `q_<id>` field for each configured question."""
    questions = rules.questions_for("adoption")
    fields = {f"q_{q.id}": _question_field(q) for q in questions}
    form_class = type("ConfiguredAdoptionForm", (AdoptionForm,), fields)
    form_class.question_ids = [q.id for q in questions]
    return form_class


def fill_choices(form, rules: RequestRules, teams, alternatives, products=()) -> None:
    form.team.choices = choices((t.id, t.name) for t in teams)
    form.product.choices = choices([(0, "— none: team-wide use —")] + [
        (p.id, f"{p.name} ({p.team.name})") for p in products])
    form.usage_context.choices = choices((c.id, c.label) for c in rules.contexts)
    form.linking.choices = choices([("", "—")] + [(o.id, o.label) for o in rules.linking])
    form.alternatives.choices = choices(
        (r.id, f"#{r.id} {r.component.display_name} ({r.state.label.lower()})")
        for r in alternatives)


def answers_to_form_data(answers: list) -> dict:
    """Stored answers as form field values (yes/no as 'yes'/'no', dates as date objects)."""
    data = {}
    for answer in answers or []:
        value = answer.get("value")
        if answer.get("type") == "yesno" and isinstance(value, bool):
            value = "yes" if value else "no"
        elif answer.get("type") == "date" and value:
            value = date.fromisoformat(value)
        data[f"q_{answer['id']}"] = value
    return data
