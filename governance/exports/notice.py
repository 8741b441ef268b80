"""The attribution notice that ships with a product: plain text or one self-contained HTML page.

What goes in, and why:
- every component, sorted by name: name, version, package URL, homepage and its license
  expression (SPDX ids), whatever its obligations; a component without any is still listed;
- its copyright statements (or, when the scan found none, its holders) for every component,
  not only those with the "attribution" obligation: they are facts we hold, and a notice that
  leaves out a known copyright holder is the costlier mistake;
- the full text of every license and exception in the expression of each component whose
  obligations include "include-license-text", each text once, after the components. For an OR,
  all alternatives: the export does not record which one the office relied on, and shipping an
  extra text breaks nothing while a missing one breaks the license.
A text the lookup does not have (a name scancode does not know, scancode's generic keys such as
public-domain) is listed with a line saying so, to be seen rather than silently left out.
"notice-file", "state-changes" and "source-offer" are not written here: they need material the
export does not hold (the project's NOTICE file, our change log, an offer with a contact).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone
from functools import lru_cache

from governance.exports.licenses import expression_tree, scancode_license_text
from governance.exports.model import ExportComponent, ExportError, ExportInput, as_relied_on
from governance.licensing.expressions import License, render, symbols

__all__ = ["build_notice_html", "build_notice_text", "scancode_license_text"]

LicenseTexts = Callable[[str], str]  # scancode key (or a name scancode does not know) -> text
RULE = "=" * 79
THIN_RULE = "-" * 79
# C0 controls but tab and newline, DEL and C1 controls: they would act on a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class LicenseText:
    anchor: str
    key: str
    spdx: str
    name: str
    text: str | None  # None when the lookup has no text for it


@dataclass(frozen=True)
class Entry:
    anchor: str
    component: ExportComponent
    license: str | None  # SPDX ids
    copyrights: tuple[str, ...]
    holders: tuple[str, ...]  # only when there are no copyright statements
    texts: tuple[LicenseText, ...]  # the license texts it points to


@dataclass(frozen=True)
class Notice:
    title: str
    intro: str
    entries: tuple[Entry, ...]
    texts: tuple[LicenseText, ...]


def build_notice_text(export: ExportInput,
                      license_texts: LicenseTexts = scancode_license_text) -> str:
    notice = _notice(export, license_texts)
    lines = [notice.title, "", *_wrap(notice.intro), "", "CONTENTS", "  Components"]
    lines += [f"    {e.anchor}. {_clean(e.component.label)}" for e in notice.entries] \
        or ["    (none)"]
    if notice.texts:
        lines.append("  License texts")
        lines += [f"    {t.anchor}. {t.spdx}: {t.name}" for t in notice.texts]
    lines += ["", RULE, "COMPONENTS", RULE]
    for entry in notice.entries:
        component = entry.component
        lines += ["", f"{entry.anchor}. {_clean(component.label)}"]
        if component.purl:
            lines.append(f"   Package URL: {_clean(component.purl)}")
        if component.homepage_url:
            lines.append(f"   Homepage: {_clean(component.homepage_url)}")
        lines.append(f"   License: {_clean(entry.license or 'not concluded')}")
        lines += [f"   {_clean(c)}" for c in entry.copyrights]
        if entry.holders:
            lines.append(f"   Copyright holders: {_clean(', '.join(entry.holders))}")
        if entry.texts:
            lines.append("   License text: see " + ", ".join(
                f"{t.anchor} ({t.spdx})" for t in entry.texts) + " under LICENSE TEXTS")
    if not notice.entries:
        lines += ["", "No open-source components are recorded."]
    if notice.texts:
        lines += ["", RULE, "LICENSE TEXTS", RULE]
        for text in notice.texts:
            lines += ["", THIN_RULE, f"{text.anchor}. {text.spdx}: {text.name}", THIN_RULE, ""]
            lines.append(_clean(text.text).rstrip() if text.text else _missing(text))
    return "\n".join(lines) + "\n"


def build_notice_html(export: ExportInput,
                      license_texts: LicenseTexts = scancode_license_text) -> str:
    notice = _notice(export, license_texts)
    return _template().render(notice=notice, clean=_clean, missing=_missing,
                              id=lambda anchor: f"n-{anchor}")


def _notice(export: ExportInput, license_texts: LicenseTexts) -> Notice:
    components = sorted(export.components, key=lambda c: (c.name.casefold(), c.version or ""))
    texts: dict[str, LicenseText] = {}
    planned: list[tuple[ExportComponent, str | None, list[License]]] = []
    for component in components:
        # The license relied on: for an OR the office resolved, the option taken, whose
        # texts alone ship (jszip is MIT OR GPL-3.0-or-later; the GPL text is not owed).
        tree = expression_tree(as_relied_on(component))
        needed: list[License] = []
        if tree is not None and "include-license-text" in component.obligations:
            for symbol in symbols(tree):
                needed += [lic for lic in (symbol.license, symbol.exception) if lic is not None]
        planned.append((component, render(tree, spdx=True) if tree else None, needed))
    # Texts in SPDX id order, lettered A, B, … AA: apart from the component numbers.
    all_needed = {lic.key: lic for _, _, needed in planned for lic in needed}
    for index, lic in enumerate(sorted(all_needed.values(), key=lambda x: x.spdx.casefold())):
        texts[lic.key] = LicenseText(_letters(index), lic.key, lic.spdx, lic.name or lic.spdx,
                                     _lookup(license_texts, lic.key))
    entries = tuple(
        Entry(str(number), component, license_, component.copyrights,
              () if component.copyrights else component.holders,
              tuple(dict.fromkeys(texts[lic.key] for lic in needed)))
        for number, (component, license_, needed) in enumerate(planned, start=1))
    created = export.created.astimezone(timezone.utc).strftime("%Y-%m-%d")
    return Notice(
        title=_clean(f"Open-source notices: {export.scope.label}"),
        intro=_clean(f"The {export.scope.label} uses the open-source components below, under the "
              f"licenses shown, with their copyright notices. The texts of the licenses that "
              f"must accompany it follow the list. Made by {export.tool_name} "
              f"{export.tool_version} on {created}."),
        entries=entries, texts=tuple(texts.values()))


def _lookup(license_texts: LicenseTexts, key: str) -> str | None:
    try:
        text = license_texts(key)
    except KeyError:
        return None
    except Exception as exc:  # noqa: BLE001 - a lookup that fails must not pass unnoticed
        raise ExportError(f"cannot read the text of license {key}: {exc}") from exc
    if text is not None and not isinstance(text, str):
        raise ExportError(f"the text of license {key} is {type(text).__name__}, not text")
    return text if text and text.strip() else None


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _missing(text: LicenseText) -> str:
    return (f"No license text is available for {text.spdx} ({text.name}): the text must be "
            "taken from the component's own files.")


def _wrap(text: str, width: int = 79) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([line] if line else [])


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
    return env.from_string(_HTML)


_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ notice.title }}</title>
<style>
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
.component { margin: 1.5rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
ul.copyrights { margin: .3rem 0; padding-left: 1.2rem; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 1rem; font-size: .85rem;
      overflow-wrap: anywhere; }
.missing { font-style: italic; }
</style>
</head>
<body>
<h1>{{ notice.title }}</h1>
<p>{{ notice.intro }}</p>
<nav aria-labelledby="toc">
<h2 id="toc">Contents</h2>
<ol>
<li><a href="#components">Components</a>
{% if notice.entries %}
<ol>
{% for entry in notice.entries %}
<li><a href="#{{ id(entry.anchor) }}">{{ clean(entry.component.label) }}</a></li>
{% endfor %}
</ol>
{% endif %}
</li>
{% if notice.texts %}
<li><a href="#license-texts">License texts</a>
<ol type="A">
{% for text in notice.texts %}
<li><a href="#{{ id(text.anchor) }}">{{ text.spdx }}: {{ text.name }}</a></li>
{% endfor %}
</ol>
</li>
{% endif %}
</ol>
</nav>
<h2 id="components">Components</h2>
{% for entry in notice.entries %}
{% set c = entry.component %}
<section class="component" id="{{ id(entry.anchor) }}">
<h3>{{ entry.anchor }}. {{ clean(c.label) }}</h3>
<dl>
{% if c.purl %}
<dt>Package URL</dt><dd>{{ clean(c.purl) }}</dd>
{% endif %}
{% if c.homepage_url %}
<dt>Homepage</dt><dd>{{ clean(c.homepage_url) }}</dd>
{% endif %}
<dt>License</dt><dd>{{ clean(entry.license or "not concluded") }}</dd>
{% if entry.holders %}
<dt>Copyright holders</dt><dd>{{ clean(entry.holders | join(", ")) }}</dd>
{% endif %}
{% if entry.texts %}
<dt>License text</dt><dd>{% for t in entry.texts %}<a href="#{{ id(t.anchor) }}">{{ t.spdx }}</a>
{%- if not loop.last %}, {% endif %}{% endfor %}</dd>
{% endif %}
</dl>
{% if entry.copyrights %}
<ul class="copyrights">
{% for copyright in entry.copyrights %}
<li>{{ clean(copyright) }}</li>
{% endfor %}
</ul>
{% endif %}
</section>
{% else %}
<p>No open-source components are recorded.</p>
{% endfor %}
{% if notice.texts %}
<h2 id="license-texts">License texts</h2>
{% for text in notice.texts %}
<section id="{{ id(text.anchor) }}">
<h3>{{ text.anchor }}. {{ text.spdx }}: {{ text.name }}</h3>
{% if text.text %}
<pre>{{ clean(text.text).rstrip() }}</pre>
{% else %}
<p class="missing">{{ missing(text) }}</p>
{% endif %}
</section>
{% endfor %}
{% endif %}
</body>
</html>
"""
