"""GitHub organization requests: four kinds on one table (publish a repository, make one
public, join the org, an outside collaborator), the checks on the code to publish, the office's
waivers of failing items, and the provisioning calls an approval makes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.database import UTCDateTime, db, utcnow
from governance.workflow.models import Request

KINDS = ("publish_repository", "make_public", "join_org", "outside_collaborator")
KIND_LABELS = {"publish_repository": "Publish a repository", "make_public": "Make public",
               "join_org": "Join the org", "outside_collaborator": "Outside collaborator"}
CODE_KINDS = ("publish_repository", "make_public")  # code goes out: checks and a license
CONTRIBUTOR_TERMS = ("dco", "cla", "inbound_outbound")
PROVISIONING_STATES = ("not_started", "running", "done", "failed")


SUBMISSION_FIELDS = ("justification", "license", "maintainers", "security_contact",
                     "contributor_terms", "team_wrote_all")


def missing_to_submit(kind: str, values: dict) -> dict[str, str]:
    """What the office needs before it looks, beyond what the form refuses at once: the same
    rule for a stored request and for a form that is submitted straight away."""
    missing = {}
    if not (values.get("justification") or "").strip():
        missing["justification"] = "Give the business justification."
    if kind in CODE_KINDS:
        if not values.get("license"):
            missing["license"] = "Choose the outbound license (an SPDX id such as MIT)."
        if len(values.get("maintainers") or []) < 2:
            missing["maintainers"] = ("Name at least two maintainers (GitHub logins): a "
                                      "project nobody can take over is not published.")
        if not values.get("security_contact"):
            missing["security_contact"] = "Give a security contact (an e-mail or a URL)."
        if not values.get("contributor_terms"):
            missing["contributor_terms"] = ("Choose the contributor terms (DCO, CLA or "
                                            "inbound=outbound).")
        if values.get("team_wrote_all") is None:
            missing["team_wrote_all"] = "Say whether your team wrote all of this code."
    return missing


class GitHubRequest(Request):
    __tablename__ = "github_requests"

    id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"),
                                    primary_key=True)
    org: Mapped[str] = mapped_column(String(100), index=True)
    repository: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    license: Mapped[str] = mapped_column(String(100), default="")  # outbound SPDX id
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    # [{"slug": "platform", "permission": "push"}]
    github_teams: Mapped[list] = mapped_column(JSON, default=list)
    maintainers: Mapped[list] = mapped_column(JSON, default=list)  # GitHub logins
    security_contact: Mapped[str] = mapped_column(String(200), default="")
    contributor_terms: Mapped[str] = mapped_column(String(30), default="")
    team_wrote_all: Mapped[bool | None] = mapped_column(Boolean)
    other_code: Mapped[str] = mapped_column(Text, default="")  # what else is in it
    telemetry: Mapped[bool] = mapped_column(default=False)
    cryptography: Mapped[bool] = mapped_column(default=False)
    justification: Mapped[str] = mapped_column(Text, default="")
    package_names: Mapped[list] = mapped_column(JSON, default=list)
    # join_org and outside_collaborator: the person, and the access they get
    username: Mapped[str] = mapped_column(String(100), default="")
    permission: Mapped[str] = mapped_column(String(20), default="")
    access_expires_on: Mapped[date | None] = mapped_column(Date)
    provisioning_state: Mapped[str] = mapped_column(String(20), default="not_started")
    provisioning_error: Mapped[str] = mapped_column(Text, default="")
    provisioning_dry_run: Mapped[bool] = mapped_column(default=False)
    provisioning_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    calls: Mapped[list["ProvisioningCall"]] = relationship(
        back_populates="request", order_by="ProvisioningCall.position",
        cascade="all, delete-orphan")
    check_runs: Mapped[list["CodeCheckRun"]] = relationship(
        back_populates="request", order_by="CodeCheckRun.id", cascade="all, delete-orphan")
    check_waivers: Mapped[list["CheckWaiver"]] = relationship(
        back_populates="request", order_by="CheckWaiver.id", cascade="all, delete-orphan")

    __mapper_args__ = {"polymorphic_identity": "github"}
    kind_label = "GitHub"

    @property
    def ships_code(self) -> bool:
        return self.kind in CODE_KINDS

    @property
    def latest_check_run(self) -> "CodeCheckRun | None":
        return self.check_runs[-1] if self.check_runs else None

    def missing_for_submission(self) -> dict[str, str]:
        missing = super().missing_for_submission()
        missing.update(missing_to_submit(self.kind, {
            name: getattr(self, name) for name in SUBMISSION_FIELDS}))
        return missing

    def snapshot(self) -> dict:
        data = super().snapshot()
        data.update({field: getattr(self, field) for field in (
            "org", "repository", "description", "license", "visibility", "github_teams",
            "maintainers", "security_contact", "contributor_terms", "team_wrote_all",
            "other_code", "telemetry", "cryptography", "justification", "package_names",
            "username", "permission")})
        data["access_expires_on"] = (self.access_expires_on.isoformat()
                                     if self.access_expires_on else None)
        return data


class PublishRepositoryRequest(GitHubRequest):
    __mapper_args__ = {"polymorphic_identity": "publish_repository"}
    kind_label = KIND_LABELS["publish_repository"]


class MakePublicRequest(GitHubRequest):
    __mapper_args__ = {"polymorphic_identity": "make_public"}
    kind_label = KIND_LABELS["make_public"]


class JoinOrgRequest(GitHubRequest):
    __mapper_args__ = {"polymorphic_identity": "join_org"}
    kind_label = KIND_LABELS["join_org"]


class OutsideCollaboratorRequest(GitHubRequest):
    __mapper_args__ = {"polymorphic_identity": "outside_collaborator"}
    kind_label = KIND_LABELS["outside_collaborator"]


MODELS = {"publish_repository": PublishRepositoryRequest, "make_public": MakePublicRequest,
          "join_org": JoinOrgRequest, "outside_collaborator": OutsideCollaboratorRequest}


class CodeCheckRun(db.Model):
    """The checklist of one upload of the code: run once its scan succeeded."""

    __tablename__ = "github_check_runs"
    __table_args__ = (UniqueConstraint("scan_id", name="uq_github_check_runs_scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("github_requests.id", ondelete="CASCADE"), index=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"))
    # pending (waiting for the scan) | running | done | failed
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # [{"rule", "outcome", "message", "path", "line"}], as the checks found them (no waivers)
    items: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[GitHubRequest] = relationship(back_populates="check_runs")
    scan = relationship("Scan")


class CheckWaiver(db.Model):
    """The office accepts one failing item (rule and file) with a reason."""

    __tablename__ = "github_check_waivers"
    __table_args__ = (UniqueConstraint("request_id", "item_key",
                                       name="uq_github_check_waivers_request_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("github_requests.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(600))
    rule: Mapped[str] = mapped_column(String(60))
    path: Mapped[str] = mapped_column(String(2000), default="")
    reason: Mapped[str] = mapped_column(Text)
    waived_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[GitHubRequest] = relationship(back_populates="check_waivers")
    waived_by: Mapped[User] = relationship()


class ProvisioningCall(db.Model):
    """One call of the plan frozen at approval, with its outcome: a retry skips the done ones."""

    __tablename__ = "github_provisioning_calls"
    __table_args__ = (UniqueConstraint("request_id", "key",
                                       name="uq_github_provisioning_calls_request_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("github_requests.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    body: Mapped[dict | None] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(300), default="")
    # pending | done | failed | dry_run
    state: Mapped[str] = mapped_column(String(20), default="pending")
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[GitHubRequest] = relationship(back_populates="calls")
