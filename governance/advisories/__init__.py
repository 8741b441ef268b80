"""Security advisories after approval: OSV records imported and kept, matched against every
approved version in the inventory, a finding per (advisory, component version) that the office
triages in Dependency-Track's vocabulary."""
