"""The office's rules in readable form, a license expression tried against them, and the
requests a proposed policy change would flip."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template, request
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from governance import policies
from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.license_review.policy_diff import diff_verdicts
from governance.licensing.policy import evaluate_text, load_policy_text
from governance.policies import license_policy, request_rules
from governance.rules.loader import PolicyError

bp = Blueprint("policies", __name__, url_prefix="/policies")


class PolicyDiffForm(FlaskForm):
    candidate = TextAreaField("Proposed license policy", validators=[
        DataRequired("Paste the proposed policy file."), Length(max=1_000_000)],
        render_kw={"rows": 18, "spellcheck": "false"})


@bp.get("/")
@login_required
def show():
    policy = license_policy()
    expression = request.args.get("expression", "").strip()[:2000]
    context = request.args.get("context", "")
    tried = None
    if expression:
        if context not in policy.contexts:
            context = policy.contexts[0]
        tried = evaluate_text(policy, expression, context)
    overrides = sorted(policy.overrides.values(), key=lambda o: o.label.lower())
    return render_template("policies/show.html", policy=policy, overrides=overrides,
                           maturity=policies.maturity_criteria(),
                           rules=request_rules(), expression=expression, context=context,
                           tried=tried)


@bp.route("/diff", methods=["GET", "POST"])
@requires(may.preview_policy_change)
def diff():
    """Paste a changed policy; see which requests' verdicts it would flip."""
    policy = license_policy()
    form = PolicyDiffForm()
    result = error = None
    if request.method == "GET":
        form.candidate.data = Path(policy.path).read_text(encoding="utf-8")
    elif form.validate():
        # Browsers send a textarea's lines with CRLF; the file on disk has LF.
        text = form.candidate.data.replace("\r\n", "\n")
        try:
            candidate = load_policy_text(text, policy.contexts, name="the proposed policy")
        except PolicyError as exc:
            error = exc
        else:
            result = diff_verdicts(policy, candidate)
    return render_template("policies/diff.html", form=form, policy=policy, result=result,
                           error=error), 422 if error or form.errors else 200
