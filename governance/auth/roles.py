"""The four roles. Pure."""
from __future__ import annotations

import enum


class Role(str, enum.Enum):
    ENGINEER = "engineer"
    OSS_OFFICE = "oss_office"
    COMPLIANCE = "compliance"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            Role.ENGINEER: "Engineer",
            Role.OSS_OFFICE: "OSS office",
            Role.COMPLIANCE: "Compliance",
            Role.ADMIN: "Administrator",
        }[self]
