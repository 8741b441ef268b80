"""Local patches: what a team changes in a package on top of upstream's release. A temporary
one waits for its upstream pull request and is flagged for removal once upstream released the
fix; a permanent one (upstream declined) needs the office's approval and a yearly review. At
every recorded update of the package, each patch on it is re-confirmed (still needed on the
new version, or removed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance import policies
from governance.adoption.services import check_web_address
from governance.advisories_core.ecosystems import parse_version
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.components.models import Component
from governance.database import db, get_by_id, get_or_not_found, utcnow
from governance.errors import IllegalTransition, ValidationFailed
from governance.exports import ExportPatch
from governance.lifecycle.cadence import add_months
from governance.lifecycle.models import PATCH_KINDS, PATCH_STATUSES, ComponentUpdate, LocalPatch
from governance.upstream.models import Contribution
from governance.upstream.services import project_of

MAX_PATCH_BYTES = 1_000_000
MAX_TEXT = 20000


@dataclass
class PatchInput:
    component_id: int | None
    team_id: int | None
    kind: str
    title: str
    reason: str = ""
    patch_url: str = ""
    patch_text: str = ""
    patch_filename: str = ""
    upstream_url: str = ""
    contribution_id: int | None = None
    status: str = "not-forwarded"
    applied_upstream_version: str = ""
    owner_id: int | None = None


def input_of(patch: LocalPatch) -> PatchInput:
    """The patch as it stands, as input: what a partial change starts from."""
    return PatchInput(
        component_id=patch.component_id, team_id=patch.team_id, kind=patch.kind,
        title=patch.title, reason=patch.reason, patch_url=patch.patch_url,
        patch_text=patch.patch_text, patch_filename=patch.patch_filename,
        upstream_url=patch.upstream_url, contribution_id=patch.contribution_id,
        status=patch.status, applied_upstream_version=patch.applied_upstream_version,
        owner_id=patch.owner_id)


def snapshot(patch: LocalPatch) -> dict:
    return {"project": patch.project, "component": patch.component.purl, "kind": patch.kind,
            "title": patch.title, "team": patch.team.name, "status": patch.status,
            "applied_upstream_version": patch.applied_upstream_version,
            "upstream_url": patch.upstream_url, "patch_url": patch.patch_url,
            "contribution_id": patch.contribution_id, "state": patch.state,
            "approval": patch.approval, "owner": patch.owner.username}


def _validated(actor: User, data: PatchInput) -> dict:
    errors: dict[str, str] = {}
    component = get_by_id(Component, data.component_id)
    if component is None:
        errors["component_id"] = "Choose the component (version) the patch applies to."
    team = get_by_id(Team, data.team_id)
    if team is None:
        errors["team"] = "Choose the team that carries the patch."
    elif not may.record_patch(actor, team):
        errors["team"] = "You can only record patches for a team you belong to."
    if data.kind not in PATCH_KINDS:
        errors["kind"] = "Choose temporary (waiting for upstream) or permanent (declined)."
    title = (data.title or "").strip()
    if not title:
        errors["title"] = "Say in a line what the patch changes."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if len(data.reason or "") > MAX_TEXT:
        errors["reason"] = "Keep the reason under 20,000 characters."
    patch_url = check_web_address(data.patch_url, "patch_url", errors)
    upstream_url = check_web_address(data.upstream_url, "upstream_url", errors)
    text = data.patch_text or ""
    if len(text.encode("utf-8", "replace")) > MAX_PATCH_BYTES:
        errors["patch_text"] = "Keep the patch file under 1 MB (or link to it)."
    if "\x00" in text:
        errors["patch_text"] = "The patch file must be text (a diff), not a binary file."
    if not text.strip() and not patch_url:
        errors["patch_url"] = "Attach the patch file or link to it."
    if data.status not in PATCH_STATUSES:
        errors["status"] = f"Choose one of: {', '.join(PATCH_STATUSES)}."
    applied = (data.applied_upstream_version or "").strip()
    if data.status == "applied-upstream" and not applied:
        errors["applied_upstream_version"] = "Give the upstream version that includes it."
    if len(applied) > 100:
        errors["applied_upstream_version"] = "Keep the version under 100 characters."
    if data.kind == "temporary" and data.status == "not-needed":
        errors["status"] = ("A temporary patch waits for upstream: “not needed upstream” is a "
                            "permanent one.")
    owner = get_by_id(User, data.owner_id) if data.owner_id else actor
    if owner is None:
        errors["owner"] = "No such user."
    contribution = None
    if data.contribution_id:
        contribution = get_by_id(Contribution, data.contribution_id)
        if contribution is None:
            errors["contribution_id"] = "No such upstream contribution."
    elif upstream_url:
        # The upstream pull request the patch waits for, when the ledger has it.
        contribution = db.session.scalar(select(Contribution)
                                         .where(Contribution.url == upstream_url))
    if errors:
        raise ValidationFailed(errors)
    return {"component": component, "project": project_of(component), "team": team,
            "kind": data.kind, "title": title, "reason": (data.reason or "").strip(),
            "patch_url": patch_url, "patch_text": text,
            "patch_filename": (data.patch_filename or "")[:255], "upstream_url": upstream_url,
            "contribution_id": contribution.id if contribution else None,
            "status": data.status, "applied_upstream_version": applied, "owner": owner}


def create(actor: User, data: PatchInput) -> LocalPatch:
    fields = _validated(actor, data)
    patch = LocalPatch(created_by=actor, state="active", **fields,
                       approval="pending" if fields["kind"] == "permanent" else "not_needed")
    db.session.add(patch)
    db.session.flush()
    audit.record(actor, "patch", patch.id, "patch_recorded", summary=f"Local patch "
                 f"“{patch.title}” on {patch.component.display_name}", after=snapshot(patch))
    return patch


def update(actor: User, patch: LocalPatch, data: PatchInput) -> LocalPatch:
    may.edit_patch.require(actor, patch)
    if not patch.is_active:
        raise IllegalTransition("A removed patch can no longer be edited.")
    before = snapshot(patch)
    fields = _validated(actor, data)
    became_permanent = fields["kind"] == "permanent" and patch.kind != "permanent"
    for key, value in fields.items():
        setattr(patch, key, value)
    if became_permanent:
        patch.approval, patch.approved_by, patch.approved_at = "pending", None, None
    elif patch.kind == "temporary":
        patch.approval, patch.next_review_on = "not_needed", None
    after = snapshot(patch)
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        audit.record(actor, "patch", patch.id, "patch_edited",
                     summary=f"Edited {', '.join(changed)}",
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    db.session.flush()
    return patch


def approve(actor: User, patch: LocalPatch, *, reason: str, today: date | None = None
            ) -> LocalPatch:
    """The office approves a permanent patch, or reviews it again a year on."""
    may.manage_patches.require(actor)
    reason = (reason or "").strip()
    if patch.kind != "permanent" or not patch.is_active:
        raise IllegalTransition("Only an active permanent patch is approved and reviewed.")
    if not reason:
        raise ValidationFailed({"reason": "Give the reason; it is kept on record."})
    today = today or date.today()
    first = patch.approval != "approved"
    patch.approval, patch.approved_by, patch.approved_at = "approved", actor, utcnow()
    patch.next_review_on = add_months(today, policies.lifecycle_policy().patch_review_months)
    audit.record(actor, "patch", patch.id, "patch_approved" if first else "patch_reviewed",
                 summary=f"{'Approved' if first else 'Reviewed'} permanent patch “{patch.title}”",
                 after={"reason": reason, "next_review_on": patch.next_review_on.isoformat()})
    db.session.flush()
    return patch


def ask_confirmation(update: ComponentUpdate, actor: User | None) -> list[LocalPatch]:
    """A recorded update: each active patch the team carries on the old version must be
    re-confirmed for the new one."""
    found = list(db.session.scalars(select(LocalPatch).where(
        LocalPatch.component_id == update.from_component_id, LocalPatch.state == "active",
        LocalPatch.team_id == update.from_request.team_id)))
    for patch in found:
        patch.confirm_for_update = update
        audit.record(actor, "patch", patch.id, "patch_confirmation_asked",
                     summary=f"Does “{patch.title}” still apply to "
                             f"{update.to_component.display_name}?",
                     after={"update_id": update.id, "to": update.to_component.purl})
    db.session.flush()
    return found


def confirm(actor: User, patch: LocalPatch, *, still_needed: bool, note: str = "") -> LocalPatch:
    """The team's answer at an update: the patch moves to the new version, or is removed."""
    may.edit_patch.require(actor, patch)
    update = patch.confirm_for_update
    if update is None or not patch.is_active:
        raise IllegalTransition("This patch has no update waiting for its confirmation.")
    note = (note or "").strip()
    if not still_needed and not note:
        raise ValidationFailed({"note": "Say why the patch is no longer needed (e.g. upstream "
                                        "released the fix)."})
    if len(note) > MAX_TEXT:
        raise ValidationFailed({"note": "Keep the note under 20,000 characters."})
    before = {"component": patch.component.purl, "state": patch.state}
    patch.confirm_for_update, patch.confirmed_at = None, utcnow()
    if still_needed:
        patch.component = update.to_component
    else:
        patch.state, patch.removed_reason = "removed", note
    audit.record(actor, "patch", patch.id,
                 "patch_confirmed" if still_needed else "patch_removed",
                 summary=(f"Still needed on {update.to_component.display_name}" if still_needed
                          else f"Removed at the update to {update.to_component.version}"),
                 before=before, after={"component": patch.component.purl,
                                       "state": patch.state, "note": note})
    db.session.flush()
    return patch


def remove(actor: User, patch: LocalPatch, *, reason: str) -> LocalPatch:
    may.edit_patch.require(actor, patch)
    if not patch.is_active:
        raise IllegalTransition("This patch is removed already.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why the patch is removed."})
    patch.state, patch.removed_reason, patch.confirm_for_update = "removed", reason, None
    audit.record(actor, "patch", patch.id, "patch_removed", summary=f"Removed “{patch.title}”",
                 after={"reason": reason})
    db.session.flush()
    return patch


def attention(patch: LocalPatch, today: date | None = None) -> list[str]:
    """Why a patch needs someone to look at it (empty: it does not)."""
    if not patch.is_active:
        return []
    today = today or date.today()
    reasons = []
    if patch.confirm_for_update is not None:
        reasons.append(f"Re-confirm for {patch.confirm_for_update.to_component.display_name}")
    if patch.kind == "permanent" and patch.approval == "pending":
        reasons.append("Permanent: waiting for the office's approval")
    if patch.kind == "permanent" and patch.next_review_on and patch.next_review_on < today:
        reasons.append(f"Yearly review due since {patch.next_review_on.isoformat()}")
    if patch.kind == "temporary":
        removal = removal_due(patch)
        if removal:
            reasons.append(removal)
        elif not (patch.upstream_url or patch.contribution_id):
            reasons.append("Temporary, but no upstream issue or pull request is linked")
    return reasons


def removal_due(patch: LocalPatch) -> str:
    """A temporary patch upstream has taken: remove it now, or at the update to the release
    that has it."""
    if patch.status == "applied-upstream" and patch.applied_upstream_version:
        released = parse_version(patch.component.type, patch.applied_upstream_version)
        in_use = parse_version(patch.component.type, patch.component.version)
        if released is not None and in_use is not None and in_use >= released:
            return (f"Remove: upstream has it since {patch.applied_upstream_version}, and "
                    f"{patch.component.version} is in use")
        return f"Flagged for removal: upstream released it in {patch.applied_upstream_version}"
    contribution = patch.contribution
    if contribution is not None and contribution.state == "merged":
        return "Upstream merged the pull request: drop the patch at the release that has it"
    return ""


def get(patch_id: int) -> LocalPatch:
    return get_or_not_found(LocalPatch, patch_id, "No such patch.")


def listed(*, component_id: int | None = None, project: str = "", team_id: int | None = None,
           needs_attention: bool = False, include_removed: bool = False,
           today: date | None = None) -> list[LocalPatch]:
    query = (select(LocalPatch).options(selectinload(LocalPatch.component),
                                        selectinload(LocalPatch.team),
                                        selectinload(LocalPatch.owner),
                                        selectinload(LocalPatch.confirm_for_update)
                                        .selectinload(ComponentUpdate.to_component))
             .order_by(LocalPatch.id.desc()))
    if component_id:
        query = query.where(LocalPatch.component_id == component_id)
    if project:
        query = query.where(LocalPatch.project == project)
    if team_id:
        query = query.where(LocalPatch.team_id == team_id)
    if not include_removed:
        query = query.where(LocalPatch.state == "active")
    found = list(db.session.scalars(query))
    if needs_attention:
        found = [p for p in found if attention(p, today)]
    return found


def for_cyclonedx(component_ids) -> dict[int, list[LocalPatch]]:
    """The active patches on each component version, for the exports' pedigree.patches."""
    found: dict[int, list[LocalPatch]] = {}
    for patch in db.session.scalars(select(LocalPatch).where(
            LocalPatch.component_id.in_(list(component_ids) or [0]),
            LocalPatch.state == "active").order_by(LocalPatch.id)):
        found.setdefault(patch.component_id, []).append(patch)
    return found


def export_patches(component_ids) -> dict:
    """The exports' view of the active patches (inventory.exports.PATCH_SOURCES)."""
    return {component_id: [ExportPatch(
        title=p.title, diff_text=p.patch_text or None, diff_url=p.patch_url or None,
        resolves=tuple(u for u in (p.upstream_url,) if u)) for p in found]
        for component_id, found in for_cyclonedx(component_ids).items()}


def active_by_project() -> dict[str, int]:
    """How many active local patches each project (a package URL without a version) carries:
    a signal of the funding suggestions (what we patch, we depend on)."""
    return dict(db.session.execute(
        select(LocalPatch.project, func.count(LocalPatch.id))
        .where(LocalPatch.state == "active").group_by(LocalPatch.project)).all())
