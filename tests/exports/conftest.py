"""Export builders are pure: these tests build data by hand, with no app and no database.

`_app_context` is the suite-wide autouse fixture that creates the app and empties every table
after each test; overriding it here keeps these tests off the app, which also shows the builders
do not need it.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone

import pytest

from governance.exports import ExportComponent, ExportInput, ExportScope, ExportUsage

CREATED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc)
SHIP = ("attribution", "include-license-text")
# The first lines of the licenses' texts in scancode's license database.
APACHE_HEADER = "Version 2.0, January 2004"
GPL2_HEADER = "Version 2, June 1991"
MIT_FIRST_LINE = "Permission is hereby granted, free of charge, to any person obtaining"


@pytest.fixture(autouse=True)
def _app_context():
    yield


@pytest.fixture(scope="session", autouse=True)
def _scancode_temp(tmp_path_factory):
    # scancode makes a scancode-tk-* folder where SCANCODE_TEMP says on first import (the app
    # sets it in create_app): keep it out of the system's /tmp.
    with pytest.MonkeyPatch.context() as patch:
        if "SCANCODE_TEMP" not in os.environ:
            patch.setenv("SCANCODE_TEMP", str(tmp_path_factory.mktemp("scancode")))
        yield


def usage(team="Payments", product="Checkout", context="distributed", state="approved",
          approved_on=date(2025, 1, 10)) -> ExportUsage:
    return ExportUsage(team=team, product=product, context=context, state=state,
                       approved_on=approved_on)


def component(name="pkg", version="1.0", **fields) -> ExportComponent:
    """A component whose manifest declares what was concluded, unless the test says other."""
    fields.setdefault("license_declared_spdx", fields.get("license_expression_spdx"))
    return ExportComponent(name=name, version=version, **fields)


def export(components=(), kind="product", name="Checkout") -> ExportInput:
    return ExportInput(scope=ExportScope(kind, name), components=components, created=CREATED,
                       tool_version="1.4.0", namespace_base="https://oss.example.com/spdx")


REQUESTS = component(
    "requests", "2.32.3", purl="pkg:pypi/requests@2.32.3", license_expression_spdx="Apache-2.0",
    copyrights=("Copyright 2019 Kenneth Reitz",), holders=("Kenneth Reitz",),
    homepage_url="https://requests.readthedocs.io",
    download_url="https://files.pythonhosted.org/packages/source/r/requests/"
                 "requests-2.32.3.tar.gz",
    sha256="55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760",
    supplier="Python Software Foundation", obligations=SHIP + ("notice-file",),
    usages=(usage(), usage(team="Search", product="Finder", context="saas",
                           approved_on=datetime(2025, 2, 1, 23, 30, tzinfo=timezone.utc))))
SIX = component("six", "1.16.0", purl="pkg:pypi/six@1.16.0", license_expression_spdx="MIT",
                copyrights=("Copyright (c) 2010-2020 Benjamin Peterson",),
                holders=("Benjamin Peterson",), obligations=SHIP, usages=(usage(),))
URLLIB3 = component("urllib3", "2.2.2", purl="pkg:pypi/urllib3@2.2.2",
                    license_expression_spdx="mit", holders=("Andrey Petrov",),
                    obligations=SHIP, usages=(usage(),))
JAVAMAIL = component(
    "javax.mail", "1.6.2", purl="pkg:maven/com.sun.mail/javax.mail@1.6.2",
    license_expression_spdx="GPL-2.0-only WITH Classpath-exception-2.0",
    copyrights=("Copyright (c) 1997, 2018 Oracle and/or its affiliates",),
    holders=("Oracle and/or its affiliates",), obligations=SHIP + ("source-offer",),
    usages=(usage(),))
DUAL = component("dual-licensed", "3.1", purl="pkg:npm/dual-licensed@3.1",
                 license_expression_spdx="MIT OR GPL-3.0-or-later", obligations=SHIP,
                 holders=("Zoë Ångström",), usages=(usage(),))
PUBLIC_DOMAIN = component("sqlite-amalgamation", "3.46.0",
                          purl="pkg:generic/sqlite-amalgamation@3.46.0",
                          license_expression_spdx="LicenseRef-scancode-public-domain",
                          obligations=(), usages=(usage(context="internal"),))
UNKNOWN = component("inhouse-fork", "0.3", purl="pkg:github/example/inhouse-fork@0.3",
                    license_expression_spdx="Example-Custom-1.0 AND BSD-3-Clause",
                    obligations=SHIP, usages=(usage(),))
NO_PURL = component(
    "vendored <script>", "", license_expression_spdx="BSD-3-Clause",
    copyrights=("© 2021 Jörg Müller <script>alert('x')</script> & 山田太郎",),
    holders=("Jörg Müller", "山田太郎"), obligations=("attribution",),
    usages=(usage(team="=cmd|' /C calc'!A0", product="-2+3", context="@SUM(1)",
                  state="\t=1"),))
INTERNAL_ONLY = component("pytest", "8.3.2", purl="pkg:pypi/pytest@8.3.2",
                          license_expression_spdx="MIT", usages=(usage(context="internal"),))
NO_LICENSE = component("mystery", "0.0.1", purl="pkg:pypi/mystery@0.0.1")

ALL = (REQUESTS, SIX, URLLIB3, JAVAMAIL, DUAL, PUBLIC_DOMAIN, UNKNOWN, NO_PURL, INTERNAL_ONLY,
       NO_LICENSE)


@pytest.fixture
def full_export() -> ExportInput:
    return export(ALL)


@pytest.fixture
def empty_export() -> ExportInput:
    return export((), kind="team", name="Payments")
