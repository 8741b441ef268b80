"""The ledger's forms: a contribution added, its state changed, a CSV imported, a community
role recorded or ended. Required fields are the services' to check, so that every problem is
shown at once; the forms only read the input."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from governance.upstream.models import CONTRIBUTION_KINDS, CONTRIBUTION_STATES, ROLE_KINDS
from governance.web.forms import choices


def optional_id(value):
    """A select's "" (none chosen) as None; anything else an id."""
    return int(value) if value not in (None, "", "None") else None


class ContributionForm(FlaskForm):
    url = StringField("Address of the issue or pull request",
                      validators=[Optional(), Length(max=500)],
                      render_kw={"placeholder": "e.g. https://github.com/psf/requests/pull/6710",
                                 "autofocus": True, "autocomplete": "off", "inputmode": "url"})
    kind = RadioField("Kind", choices=choices(CONTRIBUTION_KINDS.items()), default="pr")
    state = SelectField("State", choices=choices(CONTRIBUTION_STATES.items()), default="open")
    team_id = SelectField("Team", coerce=optional_id, validators=[Optional()])
    component_id = SelectField("Component", coerce=optional_id, validators=[Optional()],
                               description="A package of the inventory; or name the project "
                                           "below.")
    project = StringField("Project", validators=[Optional(), Length(max=300)],
                          render_kw={"placeholder": "e.g. pkg:pypi/requests, or a project name",
                                     "autocomplete": "off"},
                          description="A package URL (its version is dropped) or a plain "
                                      "name, when no component is chosen.")
    title = StringField("Title", validators=[Optional(), Length(max=300)])
    opened_on = DateField("Opened on", validators=[Optional()])
    closed_on = DateField("Merged or closed on", validators=[Optional()],
                          description="Empty while it is open.")


class StateForm(FlaskForm):
    state = SelectField("State", choices=choices(CONTRIBUTION_STATES.items()))
    closed_on = DateField("Merged or closed on", validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField("CSV file", description="UTF-8, comma-separated, up to 2 MB; Excel's "
                                             "“CSV UTF-8” is fine.")


class RoleForm(FlaskForm):
    project = StringField("Project", validators=[Optional(), Length(max=300)],
                          render_kw={"placeholder": "e.g. pkg:pypi/requests, or a project name",
                                     "autocomplete": "off"})
    role = SelectField("Role", choices=choices(ROLE_KINDS.items()), default="maintainer")
    person_id = SelectField("Person", coerce=optional_id, validators=[Optional()],
                            description="A user of the app; or give a name below.")
    person_name = StringField("Or name", validators=[Optional(), Length(max=200)])
    team_id = SelectField("Team", coerce=optional_id, validators=[Optional()])
    url = StringField("Profile or governance page", validators=[Optional(), Length(max=500)],
                      render_kw={"placeholder": "e.g. https://github.com/psf/requests/blob/main/"
                                                "AUTHORS.rst"})
    since = DateField("Since", validators=[Optional()])
    until = DateField("Until", validators=[Optional()], description="Empty while current.")


class EndRoleForm(FlaskForm):
    until = DateField("Ended on", validators=[Optional()], description="Today if empty.")
