"""Forms for signing in, tokens, and the admin pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from governance.auth.roles import Role
from governance.web.forms import choices

ROLE_CHOICES = [(r.value, r.label) for r in Role]


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)],
                           render_kw={"autofocus": True, "autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)],
                       description="Where you will use it, e.g. “release CI”.")


class UserForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    full_name = StringField("Full name", validators=[Optional(), Length(max=200)])
    email = EmailField("E-mail", validators=[Optional(), Length(max=254)])
    role = SelectField("Role", choices=choices(ROLE_CHOICES))
    teams = SelectMultipleField("Teams", coerce=int, validate_choice=False)
    active = BooleanField("Active", default=True)
    password = PasswordField("Password", validators=[Optional(), Length(max=200)],
                             description="At least 10 characters, neither a common password "
                                         "nor a sequence or repetition, nor the user name. "
                                         "Leave empty to keep the current password when "
                                         "editing.")


class TeamForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    members = SelectMultipleField("Members", coerce=int, validate_choice=False)
