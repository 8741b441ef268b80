"""Pages that belong to no single domain: home (what needs my attention), the audit trail,
the health check. Entry points: they read through the domains' services."""
