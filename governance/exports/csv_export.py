"""The export as a CSV inventory: one row per component and usage, for spreadsheets.

A component without usages still gets a row, with the usage columns empty. Spreadsheets run a
cell that starts with =, +, -, @, a tab or a carriage return as a formula (and some formulas run
commands), so such cells are prefixed with a single quote, as OWASP's "CSV Injection" page
recommends; the quote keeps the value readable and the file stays plain RFC 4180 CSV.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from governance.exports.licenses import expression_tree
from governance.exports.model import ExportComponent, ExportInput, ExportUsage, as_declared
from governance.licensing.expressions import render

# "license" is the concluded license (empty where none was concluded), beside what the
# manifest declares and, for an OR, the option the company takes.
HEADER = ("team", "product", "context", "state", "approved on", "name", "version", "purl",
          "license", "holders", "declared license", "license option")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def build_csv(export: ExportInput) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for component in export.components:
        license_ = _spdx(component)
        for usage in component.usages or (None,):
            writer.writerow([defuse(cell) for cell in _row(component, usage, license_)])
    return out.getvalue()


def _row(component: ExportComponent, usage: ExportUsage | None, license_: str) -> list[str]:
    used = ([usage.team, usage.product or "", usage.context, usage.state,
             _date(usage.approved_on)] if usage else ["", "", "", "", ""])
    return used + [component.name, component.version or "", component.purl or "", license_,
                   "; ".join(component.holders), _spdx(as_declared(component)),
                   component.license_option_spdx or ""]


def _spdx(component: ExportComponent) -> str:
    tree = expression_tree(component)
    return render(tree, spdx=True) if tree is not None else ""


def _date(value: date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value.astimezone(timezone.utc) if value.utcoffset() is not None
                 else value).date()
    return value.isoformat()


def defuse(cell: str) -> str:
    """The cell as a spreadsheet shows it but never runs it as a formula."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell
