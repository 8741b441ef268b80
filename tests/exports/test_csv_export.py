"""CSV inventory: one row per component and usage, formula-looking cells defused."""
from __future__ import annotations

import csv
import io

import pytest

from governance.exports import build_csv
from governance.exports.csv_export import HEADER, defuse
from tests.exports.conftest import ALL, NO_PURL, component, export, usage


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_one_row_per_component_and_usage_under_a_header(full_export):
    table = rows(build_csv(full_export))

    assert table[0] == list(HEADER)
    assert len(table) == 1 + sum(max(1, len(c.usages)) for c in ALL)
    assert table[1] == ["Payments", "Checkout", "distributed", "approved", "2025-01-10",
                        "requests", "2.32.3", "pkg:pypi/requests@2.32.3", "Apache-2.0",
                        "Kenneth Reitz", "Apache-2.0", ""]
    # A datetime is its date in UTC.
    assert table[2][:5] == ["Search", "Finder", "saas", "approved", "2025-02-01"]


def test_a_component_without_usages_still_has_a_row(full_export):
    [mystery] = [r for r in rows(build_csv(full_export)) if r[5] == "mystery"]

    assert mystery == ["", "", "", "", "", "mystery", "0.0.1", "pkg:pypi/mystery@0.0.1", "", "",
                       "", ""]


def test_the_concluded_license_the_declared_one_and_the_option_have_columns():
    from tests.exports.conftest import component, export

    jszip = component("jszip", "3.10.1", license_expression_spdx=None,
                      license_declared_spdx="MIT OR GPL-3.0-or-later")
    chosen = component("jszip", "3.10.2", license_expression_spdx="MIT OR GPL-3.0-or-later",
                       license_option_spdx="MIT")
    table = rows(build_csv(export([jszip, chosen])))
    assert [r[8] for r in table[1:]] == ["", "MIT OR GPL-3.0-or-later"]
    assert [r[10] for r in table[1:]] == ["MIT OR GPL-3.0-or-later",
                                          "MIT OR GPL-3.0-or-later"]
    assert [r[11] for r in table[1:]] == ["", "MIT"]


def test_formula_cells_are_defused_and_the_file_stays_parseable(full_export):
    [row] = [r for r in rows(build_csv(full_export)) if r[5] == NO_PURL.name]

    assert row[:4] == ["'=cmd|' /C calc'!A0", "'-2+3", "'@SUM(1)", "'\t=1"]
    assert row[9] == "Jörg Müller; 山田太郎"


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("requests", "requests"), ("a=b", "a=b"), ("", ""), ("'=1", "'=1"),
])
def test_defuse(cell, expected):
    assert defuse(cell) == expected


def test_embedded_quotes_commas_and_newlines_survive():
    odd = component('say "hi", then\nleave', holders=["A, B", "C"],
                    usages=[usage(product=None, approved_on=None)])

    [_, row] = rows(build_csv(export([odd])))

    assert row[1] == "" and row[4] == ""
    assert row[5] == 'say "hi", then\nleave'
    assert row[9] == "A, B; C"


def test_empty_export_is_the_header_alone(empty_export):
    assert rows(build_csv(empty_export)) == [list(HEADER)]
