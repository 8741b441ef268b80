"""Compliance exports: what a scope (the company, a team, a product) uses, as SPDX 2.3 JSON,
CycloneDX 1.6 JSON, an attribution notice (text or HTML) and a CSV inventory.

Pure: the app gathers the data into the dataclasses of `model` and each builder returns the
document as text; nothing here imports Flask or the database. Input a builder cannot turn into
a valid document is an ExportError with a message fit to show.
"""
from governance.exports.csv_export import build_csv
from governance.exports.cyclonedx_json import build_cyclonedx
from governance.exports.model import (
    ExportComponent,
    ExportError,
    ExportInput,
    ExportPatch,
    ExportScope,
    ExportUsage,
    is_exportable_url,
)
from governance.exports.notice import build_notice_html, build_notice_text, scancode_license_text
from governance.exports.spdx_json import build_spdx

__all__ = ["ExportComponent", "ExportError", "ExportInput", "ExportPatch", "ExportScope",
           "ExportUsage",
           "build_csv", "build_cyclonedx", "build_notice_html", "build_notice_text",
           "build_spdx", "is_exportable_url", "scancode_license_text"]
