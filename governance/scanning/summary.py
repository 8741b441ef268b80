"""A scan's summary, computed by scancode's own post-scan plugins on the per-file results.

The per-file results (in scancode's JSON shape) are loaded into a commoncode VirtualCodebase;
then scancode's package assembly, license reference following, file classification and
summary plugins run on it as they would after
`scancode -clpi --classify --summary --license-clarity-score`. Runs in a scan worker.

The first of these rewrites some files' expressions: a file that says "see LICENSE" gets the
license found in LICENSE. That depends on the other files of the package, so it is done here
per scan, never stored in the per-file cache (which depends on a file's content alone).
"""
from __future__ import annotations

import copy
import posixpath
from collections import Counter

from governance.scanning.scan_expressions import category_of_keys, to_spdx

# Fields every resource carries in a scancode JSON scan; the plugins expect them.
RESOURCE_DEFAULTS = {
    "detected_license_expression": None, "detected_license_expression_spdx": None,
    "license_detections": [], "license_clues": [], "percentage_of_license_text": 0,
    "copyrights": [], "holders": [], "authors": [], "package_data": [],
    "for_packages": [], "scan_errors": [],
}


def _scan_document(files: list[dict]) -> dict:
    """A scancode JSON document: the files with their directories, paths under one root."""
    resources, directories = [], set()
    for entry in files:
        path = entry["path"]
        name = posixpath.basename(path)
        base, ext = posixpath.splitext(name)
        resource = dict(RESOURCE_DEFAULTS)
        # A copy per file: identical files share one cached result, and the plugins change
        # detections in place, which must not leak from one file to its twin.
        resource.update(copy.deepcopy(entry))
        resource.update({"type": "file", "name": name, "base_name": base, "extension": ext})
        resources.append(resource)
        parent = posixpath.dirname(path)
        while parent:
            directories.add(parent)
            parent = posixpath.dirname(parent)
    for directory in directories:
        name = posixpath.basename(directory)
        resources.append(dict(RESOURCE_DEFAULTS, path=directory, type="directory", name=name,
                              base_name=name, extension="", size=0))
    return {"headers": [], "files": sorted(resources, key=lambda r: r["path"])}


def _run_plugins(document: dict):
    from commoncode.resource import VirtualCodebase
    from licensedcode.plugin_license import LicenseScanner
    from packagedcode.plugin_package import PackageScanner
    from summarycode.classify_plugin import FileClassifier
    from summarycode.summarizer import ScanSummary

    # The attributes these plugins declare, as scancode's CLI would set them up.
    codebase = VirtualCodebase(
        location=document,
        codebase_attributes={**LicenseScanner.codebase_attributes,
                             **PackageScanner.codebase_attributes,
                             **ScanSummary.codebase_attributes},
        resource_attributes=dict(FileClassifier.resource_attributes),
    )
    # In scancode's run order (packages 3, licenses 4): package assembly first.
    PackageScanner().process_codebase(codebase)
    LicenseScanner().process_codebase(codebase, license_text=True)
    FileClassifier().process_codebase(codebase, classify=True)
    ScanSummary().process_codebase(codebase, summary=True)
    packages = list(getattr(codebase.attributes, "packages", None) or [])
    expressions = {r.path: (r.detected_license_expression, r.detected_license_expression_spdx)
                   for r in codebase.walk() if r.is_file}
    return codebase.attributes.summary, packages, expressions


def summarize(payload: dict) -> dict:
    """payload: {"files": [per-file results with "path"], "errors": int, "skipped": int}.

    Returns the summary the app stores and `flask scan` prints."""
    files = payload["files"]
    summary, packages, expressions = (_run_plugins(_scan_document(files)) if files
                                      else ({}, [], {}))
    # Files whose expression the whole-package pass changed: path -> [keys, SPDX].
    changed = {}
    for entry in files:
        after = expressions.get(entry["path"])
        if after and after[0] != entry.get("detected_license_expression"):
            changed[entry["path"]] = list(after)
    declared = summary.get("declared_license_expression")
    detected = Counter()
    for entry in files:
        expression = (changed.get(entry["path"]) or [entry.get("detected_license_expression")])[0]
        if expression:
            detected[expression] += 1
    holders = Counter()
    for entry in files:
        for holder in {h["holder"] for h in entry.get("holders") or []}:
            holders[holder] += 1
    clarity = summary.get("license_clarity_score") or {}
    return {
        "declared_license_expression": declared,
        "declared_license_expression_spdx": to_spdx(declared),
        "declared_license_category": category_of_keys(declared),
        "declared_holder": summary.get("declared_holder") or "",
        "primary_language": summary.get("primary_language"),
        "detected": [
            {"license_expression": expression, "license_expression_spdx": to_spdx(expression),
             "category": category_of_keys(expression), "files": count}
            for expression, count in sorted(detected.items(), key=lambda x: (-x[1], x[0]))
        ],
        "holders": [{"holder": holder, "files": count}
                    for holder, count in sorted(holders.items(), key=lambda x: (-x[1], x[0]))],
        "clarity_score": clarity.get("score"),
        "clarity": clarity,
        "packages": [{
            "purl": p.get("purl"), "type": p.get("type"), "name": p.get("name"),
            "version": p.get("version"),
            "declared_license_expression": p.get("declared_license_expression"),
            "declared_license_expression_spdx": p.get("declared_license_expression_spdx"),
            "homepage_url": p.get("homepage_url"), "datafile_paths": p.get("datafile_paths"),
        } for p in packages],
        "files": len(files),
        "file_licenses": changed,
        "errors": payload.get("errors", 0),
        "skipped": payload.get("skipped", 0),
    }
