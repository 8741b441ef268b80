"""The maturity review form: one score and one note per criterion of maturity.yaml."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from governance.maturity_review.services import CriterionScore
from governance.rules.maturity import MaturityCriteria
from governance.web.forms import choices


def _score_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def review_form_class(criteria: MaturityCriteria):
    """A form class with score_<id> and note_<id> for each criterion."""

    class MaturityReviewForm(FlaskForm):
        lock_version = HiddenField()

        def entries(self) -> list[CriterionScore]:
            return [CriterionScore(c.id, self[f"score_{c.id}"].data,
                                   self[f"note_{c.id}"].data or "")
                    for c in criteria.criteria]

    for criterion in criteria.criteria:
        setattr(MaturityReviewForm, f"score_{criterion.id}", SelectField(
            f"{criterion.label}: score", coerce=_score_or_none, validators=[Optional()],
            choices=choices([("", "— not scored —")] + [
                (n, f"{n}: {criterion.scale[n]}") for n in sorted(criterion.scale)])))
        setattr(MaturityReviewForm, f"note_{criterion.id}", TextAreaField(
            f"{criterion.label}: note", validators=[Length(max=5000)],
            render_kw={"rows": 2}))
    return MaturityReviewForm


def form_data(review) -> dict:
    data = {"lock_version": review.version}
    for s in review.scores:
        data[f"score_{s['criterion']}"] = s["score"]
        data[f"note_{s['criterion']}"] = s["note"]
    return data
