"""The upstream ledger: issues and pull requests the company's people opened in the projects
it uses, and the roles they hold in those projects' communities (maintainer, reviewer, ...).

A project is kept as a package URL without a version (`pkg:pypi/requests`), so a
contribution follows the package across versions and lines up with the inventory and the
funding suggestions; a project that is not a package keeps its plain name."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import Team, User
from governance.components.models import Component
from governance.database import TimestampMixin, db

CONTRIBUTION_KINDS = {"issue": "Issue", "pr": "Pull request"}
CONTRIBUTION_STATES = {"open": "Open", "merged": "Merged", "closed": "Closed"}
ROLE_KINDS = {"maintainer": "Maintainer", "reviewer": "Reviewer", "committer": "Committer",
              "member": "Member"}


class Contribution(TimestampMixin, db.Model):
    """One issue or pull request opened upstream by one of the company's teams."""

    __tablename__ = "upstream_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    project: Mapped[str] = mapped_column(String(300), index=True)
    # Set when it was entered from a component version of the inventory.
    component_id: Mapped[int | None] = mapped_column(ForeignKey("components.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="open")
    title: Mapped[str] = mapped_column(String(300), default="")
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # None: imported from the command line, where nobody signs in.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    component: Mapped[Component | None] = relationship()
    team: Mapped[Team] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return CONTRIBUTION_KINDS.get(self.kind, self.kind)

    @property
    def state_label(self) -> str:
        return CONTRIBUTION_STATES.get(self.state, self.state)


class CommunityRole(TimestampMixin, db.Model):
    """A role one of the company's people holds in an upstream project, from a day (until a
    day, once it ended)."""

    __tablename__ = "community_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    project: Mapped[str] = mapped_column(String(300), index=True)
    # A user of the app, or the person's name when they have no account.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(500), default="")  # profile or governance page
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    team: Mapped[Team | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def person_label(self) -> str:
        return self.person.display_name if self.person is not None else self.person_name

    @property
    def role_label(self) -> str:
        return ROLE_KINDS.get(self.role, self.role)

    def is_current(self, today: date) -> bool:
        return self.since <= today and (self.until is None or self.until >= today)
