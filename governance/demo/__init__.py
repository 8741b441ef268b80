"""Demo data for `flask demo load`: one user per role, teams, products, and what each
registered request kind adds (its RequestKind.load_demo: requests in several states), then
the upstream ledger (governance.upstream.demo).

Everything is created through the services, so the audit trail and timelines are real.
"""
from __future__ import annotations

import secrets

from flask import current_app

from governance import background, policies
from governance.auth import services as auth
from governance.database import db
from governance.inventory import services as inventory
from governance.lifecycle import demo as lifecycle_demo
from governance.upstream import demo as upstream_demo
from governance.workflow import kinds

USERS = [
    ("alice", "engineer", "Alice Engineer", ["Payments", "Platform"]),
    ("bob", "engineer", "Bob Builder", ["Data"]),
    ("olivia", "oss_office", "Olivia Office", []),
    ("oscar", "oss_office", "Oscar Office", []),
    ("carol", "compliance", "Carol Compliance", []),
    ("ada", "admin", "Ada Admin", []),
]
PRODUCTS = [
    ("Billing jobs", "Payments", "internal", "Nightly reconciliation and retry jobs."),
    ("Admin console", "Platform", "distributed", "The web console shipped with our appliance."),
    ("Report agent", "Data", "distributed", "The export agent customers install on premises."),
]
TEAMS = {"Payments": "Card payments and billing services.",
         "Platform": "The internal Kubernetes platform and its storage.",
         "Data": "Analytics pipelines and the data warehouse."}


def load() -> dict[str, tuple[str, str]]:
    passwords = {}
    teams = {name: auth.save_team(None, None, name=name, description=text)
             for name, text in TEAMS.items()}
    users = {}
    for username, role, full_name, team_names in USERS:
        password = secrets.token_urlsafe(9)
        users[username] = auth.create_user(
            None, username=username, password=password, role=role, full_name=full_name,
            email=f"{username}@example.com", team_ids=[teams[t].id for t in team_names])
        passwords[username] = (role, password)
    rules = policies.request_rules()
    products = {name: inventory.save_product(None, None, name=name, team_id=teams[team].id,
                                             usage_context=context, description=text,
                                             rules=rules)
                for name, team, context, text in PRODUCTS}

    # This process ends when the demo is loaded: the tasks its approvals ask for (GitHub
    # provisioning) wait for the serving app's runner, which finds them.
    with background.deferred(current_app._get_current_object()):
        for kind in kinds.registered().values():
            if kind.load_demo is not None:
                kind.load_demo(users, teams, products)
        # After approval: advisories on the inventory, an overdue update, local patches.
        lifecycle_demo.load_demo(users, teams)
        # The upstream ledger: some contributions are entered from the requests' components.
        upstream_demo.load_demo(users, teams)
        db.session.commit()
    return passwords
