"""The OSV core on real records: reading (file, folder, zip), the ecosystems' names, and which
versions the ranges affect, pre-releases ordered as each ecosystem orders them."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from governance.advisories_core import ecosystems, osv
from governance.advisories_core.matching import affects, fixed_above

RECORDS = Path(__file__).parent / "records"


def _record(name: str) -> osv.Advisory:
    return osv.parse(json.loads((RECORDS / f"{name}.json").read_text()))


def test_a_real_pypi_record_reads_with_its_ranges_versions_and_aliases():
    advisory = _record("PYSEC-2023-74")
    assert advisory.id == "PYSEC-2023-74" and advisory.modified.startswith("2023-06-05")
    assert advisory.aliases == ("CVE-2023-32681", "GHSA-j8r2-6x86-q33q")
    (affected,) = advisory.affected
    assert affected.key == ("pypi", "requests")
    assert [r.type for r in affected.ranges] == ["GIT", "ECOSYSTEM"]
    assert affected.fixed_versions() == ["2.31.0"]  # the GIT range's commit is no version


@pytest.mark.parametrize("version,expected", [
    ("2.30.0", True), ("2.3.0", True), ("2.10.0", True), ("2.31.0", False), ("2.32.3", False),
    ("2.2.1", False), ("2.31.0rc1", True),  # PEP 440: a release candidate comes before
    ("not-a-version", False),
])
def test_which_requests_versions_the_pypi_record_affects(version, expected):
    (affected,) = _record("PYSEC-2023-74").affected
    assert affects(affected, "pypi", version) is expected


@pytest.mark.parametrize("version,expected", [
    ("7.23.1", True), ("7.23.2", False), ("7.0.0-beta.3", True), ("8.0.0-alpha.0", True),
    ("8.0.0-alpha.3", True), ("8.0.0-alpha.4", False), ("8.0.0", False),
])
def test_npm_pre_releases_are_ordered_as_semver_orders_them(version, expected):
    advisory = _record("GHSA-67hx-6x53-jw92")
    traverse = [a for a in advisory.affected if a.key == ("npm", "@babel/traverse")]
    assert len(traverse) == 2
    assert any(affects(a, "npm", version) for a in traverse) is expected


def test_an_open_range_affects_every_version_from_its_introduction():
    advisory = _record("GHSA-67hx-6x53-jw92")
    legacy = next(a for a in advisory.affected if a.name == "babel-traverse")
    assert affects(legacy, "npm", "6.26.0") and affects(legacy, "npm", "0.0.1")
    assert fixed_above(legacy, "npm", "6.26.0") == []


def _affected(ranges=(), versions=(), ecosystem="PyPI", name="demo"):
    return osv.parse({"id": "X-1", "modified": "2026-01-01T00:00:00Z", "affected": [
        {"package": {"ecosystem": ecosystem, "name": name}, "ranges": list(ranges),
         "versions": list(versions)}]}).affected[0]


@pytest.mark.parametrize("version,expected", [("1.4.2", True), ("1.4.3", False),
                                              ("0.9", True)])
def test_last_affected_is_inclusive(version, expected):
    rng = {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "1.4.2"}]}
    assert affects(_affected([rng]), "pypi", version) is expected


@pytest.mark.parametrize("version,expected", [("1.0", True), ("1.7", False), ("2.1", True),
                                              ("2.2", False), ("0.5", False)])
def test_disjoint_ranges_leave_the_gap_unaffected(version, expected):
    rng = {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.5"},
                                           {"introduced": "2.0"}, {"fixed": "2.2"}]}
    assert affects(_affected([rng]), "pypi", version) is expected


def test_a_limit_caps_the_range_and_semver_ranges_read_semver():
    rng = {"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "1.2.0"}]}
    affected = _affected([rng], ecosystem="crates.io", name="serde")
    assert affects(affected, "cargo", "1.1.9") and not affects(affected, "cargo", "1.2.0")
    assert not affects(affected, "cargo", "0.9.0")


def test_git_ranges_are_kept_but_never_matched():
    rng = {"type": "GIT", "repo": "https://example.org/r.git",
           "events": [{"introduced": "0"}, {"fixed": "abc123"}]}
    affected = _affected([rng])
    assert affected.ranges[0].repo == "https://example.org/r.git"
    assert not affects(affected, "pypi", "1.0")


def test_an_explicit_versions_list_matches_by_the_ecosystems_equality():
    affected = _affected(versions=["1.0", "2.0.0"])
    assert affects(affected, "pypi", "1.0.0") and affects(affected, "pypi", "2.0")
    assert not affects(affected, "pypi", "1.0.1")


@pytest.mark.parametrize("purl_type,namespace,name,osv_ecosystem,osv_name", [
    ("pypi", "", "Jinja2", "PyPI", "jinja2"),
    ("pypi", "", "typing_extensions", "PyPI", "typing-extensions"),
    ("npm", "@babel", "traverse", "npm", "@babel/traverse"),
    ("maven", "org.apache.commons", "commons-text", "Maven", "org.apache.commons:commons-text"),
    ("golang", "golang.org/x", "crypto", "Go", "golang.org/x/crypto"),
    ("cargo", "", "serde", "crates.io", "serde"),
])
def test_a_purls_name_and_an_osv_name_meet(purl_type, namespace, name, osv_ecosystem,
                                           osv_name):
    assert ecosystems.osv_key(osv_ecosystem, osv_name) == (
        purl_type, ecosystems.normalised_name(purl_type, namespace, name))


@pytest.mark.parametrize("record,reason", [
    ([], "JSON object"),
    ({"modified": "2026-01-01T00:00:00Z"}, "id"),
    ({"id": "X", "modified": "2026"}, None),
    ({"id": "X", "modified": "2026", "affected": [{"package": {"name": "a"}}]}, "ecosystem"),
    ({"id": "X", "modified": "2026", "affected": [{"package": {"ecosystem": "PyPI",
      "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1"}]}]}]},
     "no introduced"),
    ({"id": "X", "modified": "2026", "affected": [{"package": {"ecosystem": "PyPI",
      "name": "a"}, "ranges": [{"type": "SVN", "events": []}]}]}, "SVN"),
])
def test_unusable_records_are_refused_with_the_reason(record, reason):
    if reason is None:
        assert osv.parse(record).id == "X"
        return
    with pytest.raises(osv.OsvError, match=reason):
        osv.parse(record)


def test_records_are_read_from_a_file_a_folder_and_a_zip(tmp_path):
    assert [name for name, _ in osv.read_records(RECORDS / "PYSEC-2023-74.json")] == [
        "PYSEC-2023-74.json"]
    assert sorted(name for name, _ in osv.read_records(RECORDS)) == [
        "GHSA-67hx-6x53-jw92.json", "PYSEC-2023-74.json"]
    bundle = tmp_path / "all.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for record in RECORDS.glob("*.json"):
            archive.write(record, record.name)
        archive.writestr("broken.json", "{not json")
        archive.writestr("README.txt", "not a record")
    read = dict(osv.read_records(bundle))
    assert set(read) == {"GHSA-67hx-6x53-jw92.json", "PYSEC-2023-74.json", "broken.json"}
    assert isinstance(read["broken.json"], osv.OsvError)
    assert read["PYSEC-2023-74.json"]["id"] == "PYSEC-2023-74"
