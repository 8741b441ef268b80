"""Stored data never stops an export: a value the formats refuse is left out and named."""
from __future__ import annotations

import pytest

from governance.database import db
from governance.inventory import exports
from tests.inventory.conftest import approved

NAMESPACE = "https://oss.example.com/spdx"


@pytest.fixture
def bad_link(world):
    w = world
    item = approved(w["alice"], w["office"], w["platform"], "pkg:npm/lodash@4.17.21", "mit",
                    product=w["console"])
    # As an older version of the app could store it (no check at input then).
    item.component.homepage_url = "https://example.com/a b"
    db.session.commit()
    return item


@pytest.mark.parametrize("format_id", list(exports.FORMATS))
def test_every_format_exports_with_the_bad_link_left_out_and_named(bad_link, policy,
                                                                    format_id):
    result = exports.build(format_id, "company", policy, NAMESPACE)
    assert result.components == 1 and "lodash" in result.content
    assert "example.com/a b" not in result.content
    assert result.warnings == (
        "lodash 4.17.21: homepage 'https://example.com/a b' is not a valid link; left out",)
    assert result.response_headers()["X-Export-Warnings"] == "1"


def test_the_page_and_the_api_answer_the_export_and_say_something_was_left_out(
        bad_link, client, world):
    from tests import factories as f

    f.login(client, "alice")
    answer = client.get("/inventory/export?format=cyclonedx-json&scope=company")
    assert answer.status_code == 200 and answer.headers["X-Export-Warnings"] == "1"


def test_flask_export_prints_the_warning_in_a_fresh_process(bad_link, flask_cli):
    result = flask_cli("export", "--format", "spdx-json")
    assert result.returncode == 0, result.stderr
    assert "lodash" in result.stdout
    assert "Warning: lodash 4.17.21: homepage" in result.stderr
