"""The append-only, hash-chained audit trail (models, chain, services).

The chain is imported with the package: wherever an AuditEvent can be flushed, its sealing
hook is registered (as the model's append-only guard is), so no event is ever stored unchained.
"""
from governance.audit import chain  # noqa: F401 - registers the sealing hook
