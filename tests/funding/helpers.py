"""Calls the funding tests make: propose, fire a step, an approved proposal."""
from __future__ import annotations

YEAR = 2026


def propose(api, team, **fields):
    body = {"team": team.id, "funding_kind": "donation", "purl": "pkg:npm/lodash",
            "amount": "6000", "currency": "USD", "fiscal_year": YEAR,
            "channel": "open_collective", "rationale": "We ship it.", "submit": True, **fields}
    return api.post("/funding-proposals", json=body)


def step(api, item, name, **fields):
    return api.post(f"/funding-proposals/{item['id']}/transitions/{name}",
                    json={"version": item["version"], **fields})


def approved(office, **fields):
    created = propose(office["proposer"], office["teams"]["Platform"], **fields)
    assert created.status_code == 201, created.get_json()
    started = step(office["decider"], created.get_json(), "start_review")
    approved = step(office["decider"], started.get_json(), "approve", reason="We depend on it.")
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()
