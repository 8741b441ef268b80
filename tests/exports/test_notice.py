"""Attribution notices: every component listed, each needed license text once, safe HTML."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from governance.exports import ExportError, build_notice_html, build_notice_text
from tests.exports.conftest import (
    ALL,
    APACHE_HEADER,
    GPL2_HEADER,
    INTERNAL_ONLY,
    MIT_FIRST_LINE,
    NO_PURL,
    component,
    export,
)

BUILDERS = pytest.mark.parametrize("build", [build_notice_text, build_notice_html])


@BUILDERS
def test_each_needed_license_text_appears_exactly_once(build, full_export):
    notice = build(full_export)

    # Apache-2.0 for requests; MIT for six, urllib3 and one side of the dual license.
    assert notice.count(APACHE_HEADER) == 1
    assert notice.count(MIT_FIRST_LINE) == 1
    assert notice.count(GPL2_HEADER) == 1  # GPL-2.0-only WITH Classpath-exception-2.0
    assert notice.count("Linking this library statically or dynamically") == 1  # Classpath
    assert notice.count("GNU GENERAL PUBLIC LICENSE\n                       Version 3") == 1


@BUILDERS
def test_every_component_is_listed_with_license_and_holders(build, full_export):
    notice = build(full_export)

    for name in ("requests", "six", "urllib3", "javax.mail", "dual-licensed", "pytest",
                 "mystery", "sqlite-amalgamation", "inhouse-fork"):
        assert name in notice
    assert "pkg:pypi/requests@2.32.3" in notice
    assert "Copyright 2019 Kenneth Reitz" in notice
    assert "Andrey Petrov" in notice  # holders stand in when no statement was found
    assert "Zoë Ångström" in notice
    assert "GPL-2.0-only WITH Classpath-exception-2.0" in notice
    assert "MIT OR GPL-3.0-or-later" in notice


def test_texts_follow_obligations_not_the_mere_presence_of_a_license():
    # BSD-3-Clause only by a component without the include-license-text obligation.
    notice = build_notice_text(export([NO_PURL, INTERNAL_ONLY]))

    assert "LICENSE TEXTS" not in notice
    assert "Redistribution and use in source and binary forms" not in notice
    assert "License: BSD-3-Clause" in notice
    assert "1. pytest 8.3.2\n   Package URL: pkg:pypi/pytest@8.3.2\n   License: MIT\n" in notice


def test_a_text_the_lookup_lacks_is_listed_as_missing(full_export):
    notice = build_notice_text(full_export)

    assert "No license text is available for Example-Custom-1.0" in notice


def test_license_texts_come_from_the_given_lookup():
    seen = []

    def lookup(key):
        seen.append(key)
        return f"The text of {key}."

    shipped = component(license_expression_spdx="apache-2.0 AND Example-1.0",
                        obligations=["include-license-text"])
    notice = build_notice_text(export([shipped]), lookup)

    assert seen == ["apache-2.0", "Example-1.0"]
    assert "The text of apache-2.0." in notice
    assert "The text of Example-1.0." in notice


def test_a_failing_lookup_is_an_export_error():
    def lookup(key):
        raise OSError("disk on fire")

    with pytest.raises(ExportError, match="cannot read the text of license mit: disk on fire"):
        build_notice_text(export([component(license_expression_spdx="MIT",
                                            obligations=["include-license-text"])]), lookup)


def test_html_escapes_markup_from_the_data(full_export):
    html = build_notice_html(full_export)

    assert "<script>" not in html
    assert "vendored &lt;script&gt;" in html
    assert "Jörg Müller &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 山田太郎" in html


def test_control_characters_are_dropped_from_the_text_notice():
    notice = build_notice_text(export([component(copyrights=["Copyright \x1b[31mEvil\x07"])]))

    assert "Copyright [31mEvil" in notice
    assert "\x1b" not in notice and "\x07" not in notice


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.external = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.hrefs.append(attrs["href"])
        if tag in ("link", "script", "img"):
            self.external.append(tag)


def test_html_table_of_contents_links_resolve_and_page_is_self_contained(full_export):
    links = _Links()
    links.feed(build_notice_html(full_export))

    assert links.hrefs and all(h.startswith("#") for h in links.hrefs)
    assert {h[1:] for h in links.hrefs} <= links.ids
    assert len([h for h in links.hrefs if h[3:].isdigit()]) == len(ALL)  # one per component
    assert links.external == []


def test_text_table_of_contents_lists_components_and_texts(full_export):
    notice = build_notice_text(full_export)
    contents = notice.split("\n=")[0]

    assert "    1. dual-licensed 3.1" in contents  # sorted by name
    assert "    A. Apache-2.0: Apache License 2.0" in contents
    assert "LicenseRef-scancode-public-domain" not in contents  # no text obligation


@BUILDERS
def test_empty_export_is_a_notice_that_says_so(build, empty_export):
    notice = build(empty_export)

    assert "No open-source components are recorded." in notice
    assert "team Payments" in notice


@BUILDERS
def test_the_option_the_office_took_decides_the_texts(build):
    jszip = component("jszip", "3.10.1", purl="pkg:npm/jszip@3.10.1",
                      license_expression_spdx="MIT OR GPL-3.0-or-later",
                      license_option_spdx="MIT", obligations=("attribution",
                                                              "include-license-text"))
    notice = build(export([jszip]))
    assert notice.count(MIT_FIRST_LINE) == 1
    assert "GNU GENERAL PUBLIC LICENSE" not in notice
    unresolved = build(export([component("jszip", "3.10.1",
                                         license_expression_spdx="MIT OR GPL-3.0-or-later",
                                         obligations=("include-license-text",))]))
    assert "GNU GENERAL PUBLIC LICENSE" in unresolved  # no choice recorded: every option
