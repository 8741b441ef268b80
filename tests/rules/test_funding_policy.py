"""policies/funding.yaml: validated at start-up, naming the file and line of a mistake."""
from __future__ import annotations

from pathlib import Path

import pytest

from governance.funding_core import money
from governance.rules.funding import load_funding_policy
from governance.rules.loader import PolicyError

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "funding.yaml"
CONTEXTS = ["internal", "saas", "distributed", "distributed-modified"]


def load(path):
    return load_funding_policy(path, CONTEXTS, money.parse, money.check_currency)


def test_the_shipped_file_has_cncf_silver_an_april_year_and_the_pledge():
    policy = load(SHIPPED)
    assert policy.currency == "USD" and policy.fiscal_year_start_month == 4
    silver = policy.foundation("cncf").tier("silver")
    assert silver.annual_fee == money.parse("30000", "USD")
    assert {t.name for t in policy.foundation("cncf").tiers} == {
        "Platinum", "Gold", "Silver", "End User", "Academic", "Non-Profit"}
    assert policy.channel("github_sponsors").card_only
    assert not policy.channel("invoice").card_only
    assert policy.is_own_project("pkg:github/example-corp/rate-limiter")
    assert not policy.is_own_project("pkg:npm/lodash@4.17.21")
    assert policy.pledge_per_developer_usd == 2000 and policy.pledge_developers[2026] == 200
    assert policy.allocation_minimum <= policy.allocation_cap


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text()
    assert old in text, old
    path = tmp_path / "funding.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old,new,reason", [
    ("currency: USD", "currency: DOGE", "not a currency"),
    ("fiscal_year_start_month: 4", "fiscal_year_start_month: 13", "from 1 to 12"),
    ('annual_fee: "30000"', 'annual_fee: "30,000.999"', "2 decimal places"),
    ('annual_fee: "30000"', 'annual_fee: "lots"', "not an amount"),
    ('{id: gold, name: Gold, annual_fee: "120000"',
     '{id: platinum, name: Gold, annual_fee: "120000"', "listed twice"),
    ("{id: teams,", "{id: stars,", "not one of"),
    ("weight: 2, threshold: 10}", "weight: -1, threshold: 10}", "from 0 to 100"),
    ("internal: 1, saas: 2", "intranet: 1, saas: 2", "unknown usage context 'intranet'"),
    ("  minimum: 500", "  minimum: 50000", "from 0 to 10000"),
    ("own_projects: [", "own_projects: [example-corp, ", "purl patterns"),
    ("report_url: https://opensourcepledge.com/", "report_url: ftp://x", "https://"),
    ("card_only: true}", "card_only: yes-ish}", "true or false"),
])
def test_a_broken_file_names_its_file_line_and_reason(tmp_path, old, new, reason):
    with pytest.raises(PolicyError) as caught:
        load(_with(tmp_path, old, new))
    assert reason in caught.value.reason
    assert str(caught.value).startswith(str(tmp_path / "funding.yaml"))
    assert caught.value.line is not None
