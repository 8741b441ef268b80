"""The GitHub request form (one form; the page shows the fields of the chosen kind), the code
upload and the office's waiver of a failing check."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from governance.github_api.plan import VISIBILITIES
from governance.github_requests.services import GitHubInput
from governance.web.forms import choices

TERMS = [("", "—"), ("dco", "DCO (Signed-off-by on every commit)"),
         ("cla", "CLA (contributors sign the company's agreement)"),
         ("inbound_outbound", "Inbound = outbound (contributions under the project's license)")]
YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]
PERMISSION_CHOICES = [("pull", "pull (read)"), ("triage", "triage"), ("push", "push (write)"),
                      ("maintain", "maintain")]
_SPLIT = re.compile(r"[\s,;]+")


def split_names(text: str | None) -> list[str]:
    return [part for part in _SPLIT.split(text or "") if part]


def parse_teams(text: str | None) -> list[dict]:
    """One team per line: `slug permission` (or `slug:permission`); permission push if left out."""
    teams = []
    for line in (text or "").splitlines():
        parts = [p for p in re.split(r"[\s:=,]+", line.strip()) if p]
        if parts:
            teams.append({"slug": parts[0], "permission": parts[1] if len(parts) > 1 else "push"})
    return teams


class GitHubRequestForm(FlaskForm):
    kind = HiddenField()
    team = SelectField("Requesting team", coerce=int, validators=[DataRequired()])
    org = SelectField("GitHub organization", validators=[DataRequired()])
    repository = StringField("Repository name", validators=[Optional(), Length(max=100)],
                             description="Letters, digits, '.', '-' and '_'.")
    description = StringField("Description", validators=[Optional(), Length(max=350)],
                              description="One line, shown on GitHub.")
    license = StringField("Outbound license (SPDX id)", validators=[Optional(), Length(max=100)],
                          description="The license the code is published under; the office "
                                      "allows some without legal review.")
    # Every select has a default: a kind's form leaves out the fields of the other kinds, and
    # a field left out must still be valid.
    visibility = SelectField("Visibility", default="public",
                             choices=choices((v, v.capitalize()) for v in VISIBILITIES))
    github_teams = TextAreaField("GitHub teams and their permission",
                                 validators=[Optional(), Length(max=4000)],
                                 description="One per line: team-slug permission (pull, triage, "
                                             "push, maintain, admin).",
                                 render_kw={"rows": 3})
    maintainers = StringField("Maintainers (GitHub logins)",
                              validators=[Optional(), Length(max=2000)],
                              description="At least two, separated by spaces or commas.")
    security_contact = StringField("Security contact", validators=[Optional(), Length(max=200)],
                                   description="An e-mail address or URL for vulnerability "
                                               "reports.")
    contributor_terms = SelectField("Contributor terms", default="", choices=choices(TERMS))
    team_wrote_all = SelectField("Did your team write all of this code?", default="",
                                 choices=choices(YES_NO))
    other_code = TextAreaField("What else is in it, and where does it come from?",
                               validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    telemetry = BooleanField("It sends telemetry (usage data leaves the user's machine)")
    cryptography = BooleanField("It contains or calls cryptography (export control)")
    package_names = StringField("Package names to reserve", validators=[Optional(),
                                                                        Length(max=2000)],
                                description="e.g. on PyPI or npm; separated by spaces or commas.")
    username = StringField("GitHub login of the person", validators=[Optional(), Length(max=100)])
    permission = SelectField("Permission", default="pull", choices=choices(PERMISSION_CHOICES))
    access_expires_on = DateField("Access ends on", validators=[Optional()],
                                  description="Re-certified by the office when it passes.")
    justification = TextAreaField("Business justification",
                                  validators=[Optional(), Length(max=20000)],
                                  description="Why the company does this. Required to submit.",
                                  render_kw={"rows": 4})
    lock_version = HiddenField()

    def to_input(self) -> GitHubInput:
        wrote = {"yes": True, "no": False}.get(self.team_wrote_all.data or "")
        return GitHubInput(
            kind=self.kind.data or "", team_id=self.team.data, org=self.org.data or "",
            repository=self.repository.data or "", description=self.description.data or "",
            license=self.license.data or "", visibility=self.visibility.data or "public",
            github_teams=parse_teams(self.github_teams.data),
            maintainers=split_names(self.maintainers.data),
            security_contact=self.security_contact.data or "",
            contributor_terms=self.contributor_terms.data or "", team_wrote_all=wrote,
            other_code=self.other_code.data or "", telemetry=bool(self.telemetry.data),
            cryptography=bool(self.cryptography.data),
            package_names=split_names(self.package_names.data),
            username=self.username.data or "", permission=self.permission.data or "",
            access_expires_on=self.access_expires_on.data,
            justification=self.justification.data or "")


def form_data_of(item) -> dict:
    return {
        "kind": item.kind, "team": item.team_id, "org": item.org, "repository": item.repository,
        "description": item.description, "license": item.license,
        "visibility": item.visibility,
        "github_teams": "\n".join(f"{t['slug']} {t['permission']}" for t in item.github_teams),
        "maintainers": " ".join(item.maintainers or []),
        "security_contact": item.security_contact,
        "contributor_terms": item.contributor_terms,
        "team_wrote_all": {True: "yes", False: "no"}.get(item.team_wrote_all, ""),
        "other_code": item.other_code, "telemetry": item.telemetry,
        "cryptography": item.cryptography, "package_names": " ".join(item.package_names or []),
        "username": item.username, "permission": item.permission or "pull",
        "access_expires_on": item.access_expires_on, "justification": item.justification,
        "lock_version": item.version}


class CodeUploadForm(FlaskForm):
    archive = FileField("Archive of the repository (.zip, .tar.gz)")


class CheckWaiverForm(FlaskForm):
    rule = HiddenField()
    path = HiddenField()
    reason = TextAreaField("Why the office accepts this item",
                           validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 2})
