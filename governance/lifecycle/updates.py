"""A team records an update of a component it uses: the clock of that use starts again, and the
new version's approval starts as a quick re-check (a rescan through the per-file cache, the
license verdict judged again, approved by the app when nothing changed in licenses or
obligations, otherwise sent to the office with what changed). The version it replaces steps
aside (superseded) once its successor is approved, and every local patch on it is asked for
re-confirmation."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from governance import policies
from governance.adoption.models import AdoptionRequest
from governance.adoption.services import check_web_address
from governance.advisories import services as advisories
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import User
from governance.components import services as components
from governance.components.models import Component
from governance.database import db, get_or_not_found
from governance.errors import NotAllowed, ValidationFailed
from governance.license_review import verdicts
from governance.lifecycle import patches, recheck
from governance.lifecycle.cadence import pending_updates
from governance.lifecycle.models import ComponentUpdate
from governance.scans import services as scans
from governance.scans.models import Scan
from governance.states import APPROVED_STATES, State
from governance.workflow import services as workflow


@dataclass
class UpdateInput:
    to_version: str
    updated_on: date | None = None
    release_notes_url: str = ""
    test_run_url: str = ""
    # Which approved uses of the component moved; empty: every one the actor's teams have.
    request_ids: list[int] = field(default_factory=list)


def get_component(component_id: int) -> Component:
    return get_or_not_found(Component, component_id, "No such component.")


def approved_uses(component: Component) -> list[AdoptionRequest]:
    return list(db.session.scalars(
        select(AdoptionRequest).where(AdoptionRequest.component_id == component.id,
                                      AdoptionRequest.state.in_(APPROVED_STATES))
        .order_by(AdoptionRequest.id)))


def updates_of(component: Component) -> list[ComponentUpdate]:
    """The updates recorded from or to this version, newest first."""
    return list(db.session.scalars(
        select(ComponentUpdate).where((ComponentUpdate.from_component_id == component.id)
                                      | (ComponentUpdate.to_component_id == component.id))
        .order_by(ComponentUpdate.id.desc())))


def update_into(request) -> ComponentUpdate | None:
    """The update a request was opened for (its successor side), if any."""
    return db.session.scalar(select(ComponentUpdate)
                             .where(ComponentUpdate.to_request_id == request.id))


def _validated(component: Component, data: UpdateInput, uses: list[AdoptionRequest],
               today: date):
    errors: dict[str, str] = {}
    version = (data.to_version or "").strip()
    if not version:
        errors["to_version"] = "Give the version you updated to."
    elif len(version) > 100:
        errors["to_version"] = "Keep the version under 100 characters."
    elif version == component.version:
        errors["to_version"] = f"{component.display_name} is the version in use already."
    updated_on = data.updated_on or today
    if updated_on > today:
        errors["updated_on"] = "The update cannot be dated in the future."
    notes = check_web_address(data.release_notes_url, "release_notes_url", errors)
    tests = check_web_address(data.test_run_url, "test_run_url", errors)
    chosen = uses
    if data.request_ids:
        by_id = {u.id: u for u in uses}
        unknown = [i for i in data.request_ids if i not in by_id]
        if unknown:
            errors["request_ids"] = (f"Request(s) {', '.join(f'#{i}' for i in unknown)} are "
                                     f"not approved uses of {component.display_name} that you "
                                     "may update.")
        chosen = [by_id[i] for i in dict.fromkeys(data.request_ids) if i in by_id]
    elif not uses:
        errors["request_ids"] = (f"None of your teams has an approved use of "
                                 f"{component.display_name} to update.")
    pending = pending_updates([u.id for u in chosen]).values()
    if pending:
        errors["request_ids"] = "; ".join(
            f"Request #{p.from_request_id} already has an update to "
            f"{p.to_component.version} being re-checked (request #{p.to_request_id})"
            for p in pending) + "."
    purl = None
    if not errors:
        try:
            purl = components.build_purl(component.type, component.namespace, component.name,
                                         version)
        except ValidationFailed as exc:
            errors["to_version"] = " ".join(exc.errors.values())
    if errors:
        raise ValidationFailed(errors)
    return purl, updated_on, notes, tests, chosen


def _successor(old: AdoptionRequest, actor: User, to: Component) -> AdoptionRequest:
    """The new version's request: the same use (team, product, context, linking, answers),
    submitted by the person who recorded the update."""
    note = (f"Update of request #{old.id} ({old.component.display_name}) to {to.version}, "
            "recorded by the team that uses it.")
    request = AdoptionRequest(
        requester=actor, state=State.DRAFT, team=old.team, product=old.product,
        component=to, usage_context=old.usage_context, linking=old.linking,
        will_modify=old.will_modify, homepage_url=old.homepage_url,
        repository_url=old.repository_url, answers=[dict(a) for a in old.answers or []],
        justification=f"{note}\n\n{old.justification}".strip(),
        title=f"Adopt {to.display_name}")
    return workflow.record_created(request, actor, submit=not request.missing_for_submission())


def record_update(actor: User, component: Component, data: UpdateInput, scan_config,
                  today: date | None = None) -> list[tuple[ComponentUpdate, Scan | None]]:
    """Record the update of each chosen use and open its successor's quick re-check. Flushes;
    the caller commits, then enqueues the scans returned."""
    today = today or date.today()
    every_use = approved_uses(component)
    uses = [u for u in every_use if may.edit_request(actor, u)]
    if every_use and not uses:
        raise NotAllowed("Only the teams that use this version record its updates.")
    purl, updated_on, notes, tests, chosen = _validated(component, data, uses, today)
    to = components.get_or_create(purl)
    recorded = []
    for old in chosen:
        request = _successor(old, actor, to)
        update = ComponentUpdate(
            from_request=old, to_request=request, from_component=component, to_component=to,
            updated_on=updated_on, release_notes_url=notes, test_run_url=tests,
            recorded_by=actor,
            recheck="scanning" if request.state == State.SUBMITTED else "draft")
        db.session.add(update)
        db.session.flush()
        audit.record(actor, "request", old.id, "update_recorded",
                     summary=f"Updated {component.display_name} to {to.version} "
                             f"(request #{request.id})",
                     after={"update_id": update.id, "to_request_id": request.id,
                            "from": component.purl, "to": to.purl,
                            "updated_on": updated_on.isoformat(),
                            "release_notes_url": notes, "test_run_url": tests})
        scan = None
        if update.recheck == "scanning":
            scan = scans.start_scan(request, actor, scan_config, source=to.purl)
        patches.ask_confirmation(update, actor)
        recorded.append((update, scan))
    return recorded


def on_scan_succeeded(scan: Scan) -> None:
    """The successor's scan is in: judge it against the version it replaces, in the scan's
    transaction."""
    if scan.request_id is None:
        return
    update = update_into(scan.request)
    if update is None or update.recheck != "scanning":
        return
    policy = policies.license_policy()
    old, new = update.from_request, update.to_request
    before = (verdicts.verdict_for(old, policy)
              if scans.latest_finished_scan(old) is not None else None)
    changes = recheck.compare(before, verdicts.verdict_for(new, policy))
    if old.state == State.APPROVED_WITH_CONDITIONS:
        changes["summary"].append("The approval it replaces had conditions: the office decides "
                                  "whether they carry over.")
    update.changes = changes
    if recheck.unchanged(changes) and new.state == State.SUBMITTED:
        update.recheck = "approved"
        workflow.system_step(new, "recheck_approve", reason=(
            f"Quick re-check of the update from {old.component.version} to "
            f"{new.component.version}: licenses and obligations unchanged "
            f"({changes_basis(before)}); approved without a person on the ground of "
            f"request #{old.id}."))
    else:
        update.recheck = "office"
        audit.record(None, "request", new.id, "recheck_sent_to_office",
                     summary="Quick re-check: " + " ".join(changes["summary"]),
                     after={"update_id": update.id, "changes": changes})


def changes_basis(before) -> str:
    return f"{before.expression_spdx}, verdict {before.verdict}" if before else "no scan"


def on_request_approved(request) -> None:
    """A successor was approved (by the re-check or by the office): the version it replaces
    steps aside, in the approval's transaction."""
    update = update_into(request)
    if update is None:
        return
    if update.recheck != "approved":
        update.recheck = "decided"
    old = update.from_request
    if old.state in APPROVED_STATES:
        reason = f"Updated to {request.component.version} (request #{request.id})."
        workflow.system_step(old, "supersede", reason=reason)
        advisories.resolve_unused(old.component, f"No longer in use: {reason}")


def other_versions(component: Component) -> list[Component]:
    """The other versions of the same package that have an approved use."""
    return list(db.session.scalars(
        select(Component).join(AdoptionRequest, AdoptionRequest.component_id == Component.id)
        .where(Component.type == component.type, Component.namespace == component.namespace,
               Component.name == component.name, Component.id != component.id,
               AdoptionRequest.state.in_(APPROVED_STATES))
        .distinct().order_by(Component.version)))


def components_in_use() -> list[Component]:
    """Every component version with an approved use, by name."""
    return list(db.session.scalars(
        select(Component).join(AdoptionRequest, AdoptionRequest.component_id == Component.id)
        .where(AdoptionRequest.state.in_(APPROVED_STATES)).distinct()
        .order_by(Component.namespace, Component.name, Component.version)))
