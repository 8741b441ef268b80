"""The office's rules in readable form, and a license expression tried against them."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from governance.licensing.policy import evaluate_text
from governance.web.helpers import license_policy, request_rules

bp = Blueprint("policies", __name__, url_prefix="/policies")


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
                           maturity=current_app.extensions["governance.maturity"],
                           rules=request_rules(), expression=expression, context=context,
                           tried=tried)
