"""Reading an SBOM: the limits first, then which format it is, then that format's reader.

Whatever is wrong with the input, the caller gets an SbomError with a reason for the user, or
a document. The file may be hostile:
- its size is checked before a byte of it is parsed;
- JSON nesting is measured by a scan of the brackets outside strings before json.loads, whose
  C decoder recurses once per level (100,000 `[` would otherwise end in RecursionError, or with
  a raised recursion limit in a crashed process);
- XML is parsed only by defusedxml, with DTDs refused (so no entity can expand a few bytes into
  gigabytes or read a local file), its nesting counted while it is parsed, stopping at the
  first element too deep.
The content decides the format; the file name only explains an unsupported one.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from governance.sbom import cyclonedx, spdx
from governance.sbom.fields import JsonObject
from governance.sbom.model import SbomDocument, SbomError, WarningLog
from governance.sbom.streamed_json import StreamedObject, StreamFailed

MiB = 1024 * 1024
MAX_BYTES = 50 * MiB
MAX_DEPTH = 64

NOT_AN_SBOM = ("This is not an SBOM we can read: expected CycloneDX (JSON or XML) or SPDX (JSON "
               "or tag-value).")
# Byte-order marks, with the codec that reads the text after them (dropping the mark).
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"),
         (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xfe\xff", "utf-16"), (b"\xff\xfe", "utf-16"))
_COMPRESSED = ((b"\x1f\x8b", "gzip"), (b"PK\x03\x04", "zip"), (b"\xfd7zXZ\x00", "xz"),
               (b"BZh", "bzip2"), (b"\x28\xb5\x2f\xfd", "zstd"))
_FIRST_CHARACTER = re.compile(r"\S")
_FIRST_BYTE = re.compile(rb"[^ \t\n\r\x0b\x0c\x1c-\x1f]")  # bytes str.isspace() skips
_NOT_BRACKETS_OR_QUOTES = bytes(sorted(set(range(256)) - set(b'[]{}"')))
_AS_PARENTHESES = bytes.maketrans(b"[]{}", b"()()")
_SPDX_YAML = re.compile(r"^['\"]?spdxVersion['\"]?[ \t]*:[ \t]*['\"]?SPDX-", re.MULTILINE)
_UNSUPPORTED_NAMES = ((".yaml", "SPDX in YAML"), (".yml", "SPDX in YAML"),
                      (".rdf", "SPDX in RDF/XML"), (".xlsx", "SPDX spreadsheets"),
                      (".xls", "SPDX spreadsheets"), (".jsonld", "SPDX 3"))


def read_sbom(data: bytes, *, filename: str = "", max_bytes: int = MAX_BYTES,
              max_depth: int = MAX_DEPTH) -> SbomDocument:
    """The SBOM in `data` (CycloneDX JSON or XML, SPDX JSON or tag-value), or SbomError."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"read_sbom() reads bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise SbomError(f"The SBOM is {_size(len(data), max_bytes)}; the limit is "
                        f"{_size(max_bytes, len(data))}.")
    for magic, compression in _COMPRESSED:
        if data.startswith(magic):
            raise SbomError(f"The file is compressed ({compression}): unpack it and upload the "
                            "SBOM inside.")
    log = WarningLog()
    text, raw, exact = _decode(data)
    first_character = _first_character(text, raw)
    if first_character is None:
        raise SbomError("The file is empty.")
    if first_character == "<":
        # expat reads the bytes, in the encoding the XML declaration names.
        document = _read_xml(data, max_depth, log)
    else:
        if not exact:
            log.add("The file is not valid UTF-8; characters that could not be read were "
                    "replaced.")
        if first_character in "{[":
            # The JSON readers read UTF-8 bytes; other encodings are written again as UTF-8.
            document = _read_json(raw if raw is not None else text.encode("utf-8"),
                                  max_depth, log)
        else:
            text = text if raw is None else raw.decode("utf-8")
            if spdx.TAG_VALUE_MARK.search(text):
                document = spdx.read_tag_value(text, log)
            else:
                raise SbomError(_unsupported(text, filename))
    if not document.components:
        log.add("The SBOM lists no components.")
    return replace(document, warnings=log.freeze())


def _decode(data: bytes) -> tuple[str | None, bytes | None, bool]:
    """(text, raw, exact): `raw` is the UTF-8 bytes of the file when it is UTF-8 without a
    byte-order mark (then `text` is None: 20 MB of JSON need not become a str as well);
    otherwise `text` is the decoded file. `exact` is False when something could not be
    decoded and was replaced."""
    encoding = next((name for mark, name in _BOMS if data.startswith(mark)), "utf-8")
    if encoding == "utf-8" and (data.isascii() or _is_utf8(data)):
        return None, data, True
    try:
        return data.decode(encoding), None, True
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), None, False


def _first_character(text: str | None, raw: bytes | None) -> str | None:
    """The first character that is not white space (as str.isspace() has it), or None."""
    if raw is not None:
        first = _FIRST_BYTE.search(raw)
        if first is None:
            return None
        if first.group().isascii():
            return first.group().decode()
        text = raw.decode("utf-8")  # Unicode white space, maybe: read it as text
    first = _FIRST_CHARACTER.search(text)
    return first.group() if first else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_json(raw: bytes, max_depth: int, log: WarningLog) -> SbomDocument:
    if _json_too_deep(raw, max_depth):
        raise SbomError(f"The JSON nests deeper than {max_depth} levels.")
    if raw.lstrip()[:1] == b"{":
        # Streamed, as an SBOM of 100,000 components should be; its answer (a document or
        # what is wrong with it) stands once a pass has read the whole text.
        streamed, kept = StreamedObject(raw), log.snapshot()
        try:
            document = _json_document(streamed, log)
            if streamed.read_to_end:
                return document
        except SbomError:
            if streamed.read_to_end:
                raise
        except StreamFailed:
            pass
        log.restore(kept)  # json.loads reads it again, and names what is wrong
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SbomError(f"This is not valid JSON: {exc.msg} (line {exc.lineno}, column "
                        f"{exc.colno}).") from None
    except RecursionError:
        raise SbomError(f"The JSON nests deeper than {max_depth} levels.") from None
    except ValueError:  # what json.loads raises besides: an integer over 4,300 digits
        raise SbomError("This JSON holds a number too long to read.") from None
    if not isinstance(doc, dict):
        raise SbomError(NOT_AN_SBOM)
    return _json_document(doc, log)


def _json_document(doc: JsonObject, log: WarningLog) -> SbomDocument:
    if cyclonedx.is_cyclonedx_json(doc):
        return cyclonedx.read_json(doc, log)
    if spdx.is_spdx_json(doc):
        return spdx.read_json(doc, log)
    if "spdx.org/rdf/3" in str(doc.get("@context", "")):
        raise SbomError("SPDX 3 is not supported yet: export SPDX 2.3 (JSON or tag-value) or "
                        "CycloneDX.")
    raise SbomError(NOT_AN_SBOM)


def _json_too_deep(raw: bytes, max_depth: int) -> bool:
    """True if the brackets outside strings nest deeper than max_depth.

    Exact on valid JSON. On broken JSON that passes, json.loads stops at its first error
    within twice max_depth levels (an open bracket is either closed, so within a pair no
    deeper than max_depth, or never closed, and there are at most max_depth of those).
    Every step runs in C, without a list of the file's strings (1,000,000 of them in a 20 MB
    SBOM): escaped backslashes and quotes are dropped, then everything but quotes and
    brackets; quote pairs with nothing between them go (an empty string, or the end of one
    string and the start of the next: either way what is left between quotes was in a
    string); the few strings left, those holding brackets; then innermost bracket pairs, once
    per level, at most max_depth times."""
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = raw.translate(None, _NOT_BRACKETS_OR_QUOTES).replace(b'""', b"")
    if b'"' in kept:
        kept = b"".join(kept.split(b'"')[::2])
    brackets = kept.translate(_AS_PARENTHESES)
    for _ in range(max_depth):
        if b"()" not in brackets:
            break
        brackets = brackets.replace(b"()", b"")
    else:
        if b"()" in brackets:
            return True
    # What is left never closes, like 100,000 `[`: json.loads would go down into each.
    return brackets.count(b"(") > max_depth


def _read_xml(data: bytes, max_depth: int, log: WarningLog) -> SbomDocument:
    root: Element | None = None
    depth = 0
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end"),
                                        forbid_dtd=True, forbid_entities=True,
                                        forbid_external=True):
            if event == "start":
                depth += 1
                if depth > max_depth:
                    raise SbomError(f"The XML nests deeper than {max_depth} levels.")
                if root is None:
                    root = element
            else:
                depth -= 1
    except SbomError:
        raise
    except DTDForbidden:
        raise SbomError("XML document type declarations (<!DOCTYPE …>) are not accepted: the "
                        "entities they declare can expand without limit or read local "
                        "files.") from None
    except EntitiesForbidden:
        raise SbomError("XML entity declarations are not accepted (they can expand without "
                        "limit).") from None
    except ExternalReferenceForbidden:
        raise SbomError("XML references to external files are not accepted.") from None
    except ParseError as exc:
        raise SbomError(f"This is not well-formed XML ({exc}).") from None
    except (LookupError, ValueError) as exc:
        # expat hands encodings it does not know to Python's codecs: "foo", "rot13", "utf-7"…
        raise SbomError(f"The XML is in an encoding that cannot be read ({exc}).") from None
    if root is None:
        raise SbomError("The file is empty.")
    if cyclonedx.xml_spec_version(root) is None:
        if root.tag.endswith("}RDF"):
            raise SbomError("SPDX in RDF/XML is not supported: export SPDX JSON or tag-value, "
                            "or CycloneDX.")
        raise SbomError(NOT_AN_SBOM)
    return cyclonedx.read_xml(root, log)


def _unsupported(text: str, filename: str) -> str:
    """The reason a text in no format we read is refused, naming a format we recognise."""
    if _SPDX_YAML.search(text):
        return "SPDX in YAML is not supported: export SPDX JSON or tag-value, or CycloneDX."
    for suffix, what in _UNSUPPORTED_NAMES:
        if filename.lower().endswith(suffix):
            return f"{what} is not supported: export SPDX JSON or tag-value, or CycloneDX."
    return NOT_AN_SBOM


def _size(size: int, other: int) -> str:
    """`size` in MB (or KB, bytes), in bytes if rounding would make it look like `other`."""
    def rounded(n: int) -> str:
        for unit, scale in (("MB", MiB), ("KB", 1024)):
            if n >= scale:
                return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
        return f"{n} bytes"

    return rounded(size) if rounded(size) != rounded(other) else f"{size:,} bytes"
