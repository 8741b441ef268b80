"""The pages of what follows an approval: a component version's page (its uses and when each
is due, the updates recorded, its security findings, local patches and upstream work), the
update recorded from it, and what is overdue per team."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from governance.advisories import reports as advisories
from governance.auth import permissions as may
from governance.auth.models import Team
from governance.database import db, unit_of_work
from governance.errors import DomainError, ValidationFailed
from governance.inventory.services import UsageFilters
from governance.lifecycle import cadence, patches, updates
from governance.lifecycle import dashboard as lifecycle_dashboard
from governance.lifecycle.forms import UpdateForm
from governance.scans.queue import enqueue, scan_config
from governance.upstream import reports as upstream_reports
from governance.upstream import services as upstream
from governance.web.forms import choices
from governance.web.helpers import apply_errors, int_list

bp = Blueprint("lifecycle", __name__)


@bp.app_context_processor
def _lifecycle_template_values():
    return {"lifecycle_of": _lifecycle_of}


def _lifecycle_of(item) -> dict:
    """For an adoption request's page: when its use is due, the update it came from or led to,
    and the patches on its version."""
    return {"due": cadence.next_due(item), "into": updates.update_into(item),
            "out_of": [u for u in updates.updates_of(item.component)
                       if u.from_request_id == item.id],
            "patches": patches.listed(component_id=item.component_id, team_id=item.team_id)}


def _update_form(component, uses, form: UpdateForm | None = None) -> UpdateForm:
    form = form or UpdateForm(formdata=None)
    form.request_ids.choices = choices((u.id, f"#{u.id} {u.team.name}"
                                        + (f" · {u.product.name}" if u.product else "")
                                        + f" · {u.usage_context}") for u in uses)
    return form


def _component_page(component_id: int, form: UpdateForm | None = None, status: int = 200):
    component = updates.get_component(component_id)
    uses = updates.approved_uses(component)
    # The uses this person may update now: theirs, with no update being re-checked.
    pending = cadence.pending_updates([u.id for u in uses])
    mine = [u for u in uses if may.edit_request(current_user, u) and u.id not in pending]
    project = upstream.project_of(component)
    return render_template(
        "lifecycle/component.html", component=component, project=project,
        dues=cadence.dues_of(uses), history=updates.updates_of(component),
        findings=advisories.affected(component_ids={component.id}),
        patches=patches.listed(component_id=component.id, include_removed=True),
        other_versions=updates.other_versions(component), mine=mine,
        form=_update_form(component, mine, form), attention=patches.attention), status


@bp.get("/components/<int:component_id>")
@login_required
def component(component_id: int):
    return _component_page(component_id)


@bp.post("/components/<int:component_id>/updates")
@login_required
def record_update(component_id: int):
    component = updates.get_component(component_id)
    mine = [u for u in updates.approved_uses(component) if may.edit_request(current_user, u)]
    form = _update_form(component, mine, UpdateForm())
    if form.validate_on_submit():
        try:
            with unit_of_work():
                recorded = updates.record_update(current_user, component, updates.UpdateInput(
                    to_version=form.to_version.data, updated_on=form.updated_on.data,
                    release_notes_url=form.release_notes_url.data or "",
                    test_run_url=form.test_run_url.data or "",
                    request_ids=list(form.request_ids.data or [])), scan_config())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("lifecycle.component", component_id=component_id))
        else:
            for _update, scan in recorded:
                if scan is not None:
                    enqueue(scan.id)
            asked = sum(1 for p in patches.listed(component_id=component_id)
                        if p.confirm_for_update is not None)
            flash(f"Update to {form.to_version.data.strip()} recorded: "
                  + ", ".join(f"request #{u.to_request_id}" for u, _ in recorded)
                  + " opened for the quick re-check."
                  + (f" Re-confirm the {asked} local patch{'es' if asked != 1 else ''} below."
                     if asked else ""), "success")
            return redirect(url_for("lifecycle.component", component_id=component_id))
    flash("Please correct the marked fields.", "danger")
    return _component_page(component_id, form, 422)


@bp.get("/updates/")
@login_required
def due():
    show = request.args.get("show", "overdue")
    team_id = (int_list([request.args.get("team")]) or [None])[0]
    today = date.today()
    items = cadence.due(UsageFilters(team_id=team_id), today)
    if show == "overdue":
        items = [d for d in items if d.due_on < today]
    elif show == "soon":
        items = [d for d in items if (d.due_on - today).days <= 30]
    teams = list(db.session.scalars(db.select(Team).order_by(Team.name)))
    return render_template("lifecycle/due.html", groups=cadence.by_team(items), show=show,
                           team_id=team_id, teams=teams, total=len(items))


@bp.get("/dashboard/")
@login_required
def dashboard():
    return render_template("lifecycle/dashboard.html",
                           board=lifecycle_dashboard.build(contributions=_contributions()),
                           attention=patches.attention)


def _contributions() -> dict:
    """This year's upstream work, from the ledger, linked to its page."""
    year = date.today().year
    return {**upstream_reports.year_counts(year),
            "url": url_for("upstream.contributions", year=year)}
