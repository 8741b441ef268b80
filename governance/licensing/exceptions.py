"""Which licenses a license exception may follow after WITH.

An exception grants extra permissions under one license family's terms: the Classpath
exception is an exception to the GPL, LLVM's to Apache-2.0. scancode's license database says
so in the exception's name ("Classpath exception to GPL 2.0 or later", "LLVM Exception to
Apache 2.0"); the families named there are matched against the license's scancode key. An
exception whose name names no family (Commons Clause, the Universal FOSS Exception) is not
checked: it may follow any license.
"""
from __future__ import annotations

import re

from governance.licensing.expressions import License

# (what the exception's name says, the scancode key prefixes of the licenses it applies to)
_FAMILIES = (
    (re.compile(r"\b(A?L?GPL|GNU|GCC|LGPL)\b|\bL?GPL[-\d]", re.IGNORECASE),
     "GPL-family licenses", ("gpl-", "lgpl-", "agpl-", "gpl", "lgpl", "agpl")),
    (re.compile(r"\bApache\b", re.IGNORECASE), "Apache licenses", ("apache-",)),
    (re.compile(r"\bto MIT\b", re.IGNORECASE), "MIT", ("mit",)),
    (re.compile(r"\bto BSD", re.IGNORECASE), "BSD licenses", ("bsd-",)),
)


def exception_applies(license_: License, exception: License) -> str | None:
    """None when `exception` may follow `license_`; else why not, fit to show."""
    if not (license_.known and exception.known and exception.is_exception):
        return None
    name = exception.name or exception.key
    for pattern, family, prefixes in _FAMILIES:
        if pattern.search(name):
            if license_.key.startswith(prefixes):
                return None
            return (f"{exception.spdx} is an exception to {family} ({name}); it does not "
                    f"apply to {license_.spdx}")
    return None
