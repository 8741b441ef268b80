"""Compliance of a product's components with the office's decisions. Pure: no Flask, no database.

`index` holds the office's requests as KnownRequest rows and finds those an SBOM component
concerns; `status` classifies each component for a usage context (approved, approved with
conditions, allowed by policy, pending, rejected, unknown) with its license verdict; `gate`
answers the CI gate's pass or fail. The app builds the KnownRequests from its database.
"""
from governance.compliance.gate import GateResult, gate, json_chunks
from governance.compliance.index import REQUEST_STATES, KnownRequest, RequestIndex
from governance.compliance.status import (
    PASSING,
    STATUS_TONES,
    STATUSES,
    ComponentStatus,
    check_context,
    classify,
    classify_each,
    counts,
)

__all__ = ["PASSING", "REQUEST_STATES", "STATUS_TONES", "STATUSES", "ComponentStatus", "GateResult",
           "KnownRequest", "RequestIndex", "check_context", "classify", "classify_each", "counts",
           "gate", "json_chunks"]
