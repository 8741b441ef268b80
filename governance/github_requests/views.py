"""GitHub request pages: list, new (per kind), detail (checklist, plan, provisioning log),
edit, the code upload, the office's waivers and the provisioning retry."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from governance import policies
from governance.auth import permissions as may
from governance.database import unit_of_work
from governance.errors import DomainError, StaleObject, ValidationFailed
from governance.github_requests import checks, decisions, gateway, provisioning
from governance.github_requests import services as github
from governance.github_requests.forms import (
    CheckWaiverForm,
    CodeUploadForm,
    GitHubRequestForm,
    form_data_of,
)
from governance.github_requests.models import KIND_LABELS, KINDS, GitHubRequest
from governance.maturity_review.views import maturity_card_context
from governance.scans.queue import enqueue, scan_config
from governance.scans.services import latest_scan
from governance.states import EDITABLE_STATES, QUEUE_STATES
from governance.web.forms import choices
from governance.web.helpers import apply_errors, paginate
from governance.workflow import services as workflow
from governance.workflow.views import workflow_panel_context

bp = Blueprint("github", __name__, url_prefix="/github-requests")
OUTCOME_ORDER = ("fail", "warn", "waived", "pass")

KIND_HELP = {
    "publish_repository": "A new repository in the company's GitHub organization, with its "
                          "code checked before it goes out.",
    "make_public": "An existing private repository of the company becomes public.",
    "join_org": "A colleague becomes a member of the organization.",
    "outside_collaborator": "Someone outside the company gets access to one repository, "
                            "until a date.",
}


@bp.app_context_processor
def _github_template_values():
    return {"github_kind_labels": KIND_LABELS}


def _detail_url(item) -> str:
    return url_for("github.detail", request_id=item.id)


@bp.get("/")
@login_required
def index():
    args = request.args
    filters = github.ListFilters(kinds=args.getlist("kind"), states=args.getlist("state"),
                                 org=args.get("org", "").strip()[:100],
                                 q=args.get("q", "").strip()[:200])
    page = paginate(github.list_query(current_user, filters))
    return render_template("github/list.html", page=page, filters=filters, kinds=KINDS,
                           check_states={i.id: checks.checks_state(i)[0] for i in page.items},
                           dry_run=gateway.dry_run(), orgs=policies.github_policy().orgs)


def _form(kind: str, data=None) -> GitHubRequestForm:
    form = GitHubRequestForm(data=data) if data is not None else GitHubRequestForm()
    teams = current_user.teams
    form.team.choices = choices((t.id, t.name) for t in teams)
    form.org.choices = choices((o, o) for o in policies.github_policy().orgs)
    if request.method == "GET" and data is None:
        form.kind.data = kind
        if len(teams) == 1:
            form.team.data = teams[0].id
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    kind = request.values.get("kind", "")
    if kind not in KINDS:
        return render_template("github/choose.html", kinds=KINDS, help=KIND_HELP)
    form = _form(kind)
    form.kind.data = kind
    if not current_user.teams:
        flash("You are not in any team yet. Ask an administrator to add you to your team first.",
              "warning")
    if form.validate_on_submit():
        submit = "submit" in request.form
        try:
            with unit_of_work():
                created = github.create(current_user, form.to_input(), policies.github_policy(),
                                        submit=submit)
        except ValidationFailed as exc:
            apply_errors(form, exc)
            flash(exc.message, "danger")
        else:
            next_step = (" Upload the code next: the checks run on it."
                         if created.ships_code else "")
            flash(("Request submitted to the OSS office." if submit else "Draft saved.")
                  + next_step, "success")
            return redirect(_detail_url(created))
    elif request.method == "POST":
        flash("Please correct the marked fields.", "danger")
    return render_template("github/form.html", form=form, item=None, kind=kind,
                           kind_help=KIND_HELP[kind], policy=policies.github_policy())


def render_detail(item: GitHubRequest, waiver_form=None, upload_form=None, **panel) -> str:
    state, error = checks.checks_state(item)
    # What needs a look first: failing, then warnings, waived, passing (stable within each).
    items = sorted(checks.checklist(item), key=lambda i: OUTCOME_ORDER.index(i.outcome))
    may_waive = may.office_work(current_user, item) and item.state in QUEUE_STATES
    return render_template(
        "github/detail.html", item=item, checks_state=state, checks_error=error,
        checklist=items, scan=latest_scan(item),
        counts={o: sum(1 for i in items if i.outcome == o)
                for o in ("pass", "warn", "fail", "waived")},
        plan=provisioning.plan_for(item), dry_run=gateway.dry_run(),
        fast_path=decisions.takes_fast_path(item),
        no_fast_path=decisions.why_no_fast_path(item),
        needs_maturity=decisions.needs_maturity_review(item),
        maturity=maturity_card_context(item),
        upload_form=upload_form or (CodeUploadForm(formdata=None)
                                    if item.ships_code and may.start_scan(current_user, item)
                                    and item.state in EDITABLE_STATES | QUEUE_STATES else None),
        waiver_form=waiver_form or (CheckWaiverForm(formdata=None) if may_waive else None),
        may_retry=(may.office_work(current_user, item) and item.state.is_approved
                   and item.provisioning_state == "failed"),
        **workflow_panel_context(item, **panel))


@bp.get("/<int:request_id>")
@login_required
def detail(request_id: int):
    return render_detail(workflow.get_for(current_user, request_id, GitHubRequest))


@bp.get("/<int:request_id>/status")
@login_required
def status(request_id: int):
    """What the page's script polls while checks or provisioning run."""
    item = workflow.get_for(current_user, request_id, GitHubRequest)
    return jsonify({"checks_state": checks.checks_state(item)[0],
                    "provisioning_state": (item.provisioning_state if item.state.is_approved
                                           else "none")})


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit(request_id: int):
    item = workflow.get_for(current_user, request_id, GitHubRequest)
    may.edit_request.require(current_user, item)
    if request.method == "GET" and item.state not in EDITABLE_STATES:
        flash(f"A request that is {item.state.label.lower()} can no longer be edited.", "warning")
        return redirect(_detail_url(item))
    form = _form(item.kind, form_data_of(item) if request.method == "GET" else None)
    form.kind.data = item.kind
    if form.validate_on_submit():
        resubmit = "resubmit" in request.form
        try:
            with unit_of_work():
                github.update(item, current_user, form.to_input(), policies.github_policy(),
                              expected_version=form.lock_version.data, resubmit=resubmit)
                if resubmit:
                    workflow.transition(item, current_user, "resubmit")
        except StaleObject as exc:
            form.form_errors.append(exc.message)
        except ValidationFailed as exc:
            apply_errors(form, exc)
            flash(exc.message, "danger")
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(_detail_url(item))
        else:
            flash("Changes saved and request resubmitted." if resubmit else "Changes saved.",
                  "success")
            return redirect(_detail_url(item))
    return render_template("github/form.html", form=form, item=item, kind=item.kind,
                           kind_help=KIND_HELP[item.kind], policy=policies.github_policy())


@bp.post("/<int:request_id>/code")
@login_required
def upload(request_id: int):
    item = workflow.get_for(current_user, request_id, GitHubRequest)
    form = CodeUploadForm()
    archive = form.archive.data if form.archive.data and form.archive.data.filename else None
    if not form.validate_on_submit() or archive is None:
        flash("Choose the archive of the repository to upload.", "danger")
        return redirect(_detail_url(item) + "#checks")
    try:
        with unit_of_work():
            run = checks.upload_code(item, current_user, scan_config(), archive.stream,
                                     archive.filename)
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        enqueue(run.scan_id)
        flash("Code uploaded: it is scanned, then checked. The checklist fills in below.",
              "success")
    return redirect(_detail_url(item) + "#checks")


@bp.post("/<int:request_id>/waivers")
@login_required
def waive(request_id: int):
    item = workflow.get_for(current_user, request_id, GitHubRequest)
    form = CheckWaiverForm()
    if not form.validate_on_submit():
        flash("Give the reason for the waiver; it is kept on record.", "danger")
        return redirect(_detail_url(item) + "#checks")
    try:
        with unit_of_work():
            checks.waive(item, current_user, form.rule.data or "", form.path.data or "",
                         form.reason.data or "")
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("Check waived; the reason is on record.", "success")
    return redirect(_detail_url(item) + "#checks")


@bp.post("/<int:request_id>/waivers/<int:waiver_id>/withdraw")
@login_required
def withdraw_waiver(request_id: int, waiver_id: int):
    item = workflow.get_for(current_user, request_id, GitHubRequest)
    waiver = checks.waiver_of(item, waiver_id)
    try:
        with unit_of_work():
            checks.withdraw_waiver(item, current_user, waiver, request.form.get("reason", ""))
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("Waiver withdrawn: the item fails again.", "success")
    return redirect(_detail_url(item) + "#checks")


@bp.post("/<int:request_id>/provision")
@login_required
def retry(request_id: int):
    item = workflow.get_for(current_user, request_id, GitHubRequest)
    try:
        with unit_of_work():
            provisioning.retry(item, current_user,
                               expected_version=request.form.get("lock_version", type=int))
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("Provisioning retried: it resumes after the last call that succeeded.", "success")
    return redirect(_detail_url(item) + "#provisioning")
