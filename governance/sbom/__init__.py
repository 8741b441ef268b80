"""Reading SBOMs: CycloneDX (JSON, XML) and SPDX 2 (JSON, tag-value). Pure: no Flask, no database.

`read_sbom(data)` gives an SbomDocument (the product it describes as `subject`, the components
it contains, warnings) or raises SbomError with a reason fit for the user, whatever the bytes.
`match_key(purl)` and `component_key(name, version)` are how an SBOM's components and the app's
own are told to be the same package version.
"""
from governance.sbom.keys import canonical_purl, component_key, match_key
from governance.sbom.model import FORMATS, SbomComponent, SbomDocument, SbomError
from governance.sbom.reader import MAX_BYTES, MAX_DEPTH, read_sbom

__all__ = ["FORMATS", "MAX_BYTES", "MAX_DEPTH", "SbomComponent", "SbomDocument", "SbomError",
           "canonical_purl", "component_key", "match_key", "read_sbom"]
