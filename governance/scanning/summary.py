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

# 2: the declared license is the primary manifest's own statement; per-file detections after
# references were followed. A stored summary of an older version is not reused.
SUMMARY_VERSION = 2
MAX_STATEMENTS = 200

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
    files = {r.path: r for r in codebase.walk() if r.is_file}
    expressions = {path: (r.detected_license_expression, r.detected_license_expression_spdx)
                   for path, r in files.items()}
    # Read for the few files whose expression the package pass changed, not for every file.
    def detections(path: str) -> list[dict]:
        return _detections(files[path].license_detections)
    return codebase.attributes.summary, packages, expressions, detections


def _detections(detections) -> list[dict]:
    """A file's detections as its page shows them: the expression, and the files its matches
    came from (another file's when a license reference was followed)."""
    shown = []
    for detection in detections or []:
        matches = detection.get("matches") or []
        shown.append({
            "license_expression": detection.get("license_expression"),
            "license_expression_spdx": detection.get("license_expression_spdx"),
            "from_files": sorted({m.get("from_file") for m in matches if m.get("from_file")}),
            "rules": sorted({m.get("rule_identifier") for m in matches
                             if m.get("rule_identifier")})[:5],
            "score": max((m.get("score") or 0 for m in matches), default=0),
        })
    return shown


def manifest_license(package: dict) -> str | None:
    """What a package's manifest itself states: the detections whose every match is in one of
    its data files (PKG-INFO's `License:` field, package.json's `license`), leaving out those
    that only followed a `License-File` to the license text (that text is a finding of its
    own) and those that name no identified license. None when the manifest states nothing."""
    datafiles = set(package.get("datafile_paths") or [])
    own = []
    for detection in package.get("license_detections") or []:
        matches = detection.get("matches") or []
        expression = detection.get("license_expression")
        if not expression or not matches:
            continue
        if all(m.get("from_file") in datafiles for m in matches) and not all(
                (m.get("license_expression") or "").startswith("unknown") for m in matches):
            if expression not in own:
                own.append(expression)
    if not own:
        return None
    return own[0] if len(own) == 1 else " AND ".join(f"({e})" if " " in e else e for e in own)


def _manifest_fields(package: dict) -> dict:
    own = manifest_license(package)
    return {"manifest_license_expression": own, "manifest_license_expression_spdx": to_spdx(own)}


def _key_package(packages: list[dict]) -> dict | None:
    """The package the archive is: the one whose manifest sits highest in the tree."""
    def depth(package):
        paths = package.get("datafile_paths") or [""]
        return min(p.count("/") for p in paths)
    return min(packages, key=depth) if packages else None


def summarize(payload: dict) -> dict:
    """payload: {"files": [per-file results with "path"], "errors": int, "skipped": int}.

    Returns the summary the app stores and `flask scan` prints."""
    files = payload["files"]
    summary, packages, expressions, detections = (_run_plugins(_scan_document(files)) if files
                                                  else ({}, [], {}, None))
    # Files whose expression the whole-package pass changed: path -> [keys, SPDX].
    changed, changed_detections = {}, {}
    for entry in files:
        after = expressions.get(entry["path"])
        if after and after[0] != entry.get("detected_license_expression"):
            changed[entry["path"]] = list(after)
            changed_detections[entry["path"]] = detections(entry["path"])
    # The declared license is what the primary manifest states; the license texts it points
    # at are findings beside it, never folded in (typing_extensions declares PSF-2.0, and
    # its LICENSE tells the Python license's history, GPL included).
    scancode_declared = summary.get("declared_license_expression")
    key = _key_package(packages)
    declared = ((manifest_license(key) or key.get("declared_license_expression"))
                if key else None) or scancode_declared
    detected = Counter()
    for entry in files:
        expression = (changed.get(entry["path"]) or [entry.get("detected_license_expression")])[0]
        if expression:
            detected[expression] += 1
    holders, copyrights = Counter(), Counter()
    for entry in files:
        for holder in {h["holder"] for h in entry.get("holders") or []}:
            holders[holder] += 1
        for statement in {c["copyright"] for c in entry.get("copyrights") or []
                          if c.get("copyright")}:
            copyrights[statement] += 1
    clarity = summary.get("license_clarity_score") or {}
    return {
        "summary_version": SUMMARY_VERSION,
        "declared_license_expression": declared,
        "declared_from": (key.get("datafile_paths") or [None])[0] if key else None,
        "scancode_declared_license_expression": scancode_declared,
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
        # The copyright statements as written (the exports need them, not only holders).
        "copyrights": [{"copyright": text, "files": count} for text, count in
                       sorted(copyrights.items(), key=lambda x: (-x[1], x[0]))[:MAX_STATEMENTS]],
        "clarity_score": clarity.get("score"),
        "clarity": clarity,
        "packages": [{
            "purl": p.get("purl"), "type": p.get("type"), "name": p.get("name"),
            "version": p.get("version"),
            "declared_license_expression": p.get("declared_license_expression"),
            "declared_license_expression_spdx": p.get("declared_license_expression_spdx"),
            **_manifest_fields(p),
            "homepage_url": p.get("homepage_url"), "datafile_paths": p.get("datafile_paths"),
        } for p in packages],
        "files": len(files),
        "file_licenses": changed,
        "file_detections": changed_detections,
        "errors": payload.get("errors", 0),
        "skipped": payload.get("skipped", 0),
    }
