"""Reading the contributions CSV: the documented header, each row with the line a person sees
in an editor (the header is line 1), and the file-level refusals (not text, too large, not
this header) said once, clearly. What a row means is the services' question."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from governance.errors import ValidationFailed

HEADER = ("url", "project", "team", "kind", "state", "opened_on", "closed_on", "title")
REQUIRED = ("url", "project", "team", "kind", "state", "opened_on")
MAX_BYTES = 2_000_000
MAX_ROWS = 5000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # as web.input_guard.IN_TEXT


class CsvRejected(ValidationFailed):
    """The file, or some of its rows, cannot be imported: nothing was. `errors` holds
    {"file": why} for the file, or {"line N": why} for every bad row, in file order."""


def _refuse(why: str) -> CsvRejected:
    return CsvRejected({"file": why}, "The file cannot be imported: nothing was imported.")


def decode(data: bytes, filename: str = "") -> str:
    """An upload's bytes as text: UTF-8, with or without Excel's byte order mark."""
    name = filename or "The file"
    if filename and not filename.lower().endswith((".csv", ".txt")):
        raise _refuse(f"{filename} is not a CSV file: upload a .csv (comma-separated, UTF-8).")
    if len(data) > MAX_BYTES:
        raise _refuse(f"{name} is larger than {MAX_BYTES // 1_000_000} MB: split it into "
                      "several files.")
    if b"\x00" in data:
        raise _refuse(f"{name} is not a CSV file (it holds binary data).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(f"{name} is not UTF-8 text: in Excel, save it as “CSV UTF-8 "
                      "(Comma delimited)”.") from None


@dataclass
class Row:
    line: int                     # where the row starts, as an editor numbers lines
    values: dict[str, str]        # column -> value, stripped; absent optional columns ""
    problem: str = ""             # a row that cannot even be read as one


def _columns(header: list[str]) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    if len(names) == 1 and ";" in names[0]:
        raise _refuse("The columns are separated by semicolons: save the file with commas "
                      f"(header: {','.join(HEADER)}).")
    unknown = [n for n in names if n not in HEADER]
    missing = [n for n in REQUIRED if n not in names]
    twice = sorted({n for n in names if names.count(n) > 1})
    if unknown or missing or twice:
        found = "; ".join(part for part in (
            f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            f"missing {', '.join(missing)}" if missing else "",
            f"{', '.join(twice)} twice" if twice else "") if part)
        raise _refuse(f"Line 1 must be the header {','.join(HEADER)} (closed_on and title "
                      f"may be left out): {found}.")
    return names


def rows(text: str) -> list[Row]:
    """Every data row of the file (blank lines skipped), or CsvRejected for the file."""
    if len(text) > MAX_BYTES:
        raise _refuse(f"The file is larger than {MAX_BYTES // 1_000_000} MB: split it.")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _refuse(f"The file is empty: its first line is the header {','.join(HEADER)}.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found: list[Row] = []
    try:
        names = _columns(next(reader))
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(found) >= MAX_ROWS:
                raise _refuse(f"The file has more than {MAX_ROWS:,} rows: split it.")
            if len(cells) != len(names):
                found.append(Row(start, {}, f"{len(cells)} values where the header has "
                                            f"{len(names)} columns"))
                continue
            values = dict.fromkeys(HEADER, "")
            values.update({n: cell.strip() for n, cell in zip(names, cells)})
            bad = [n for n, v in values.items() if CONTROL.search(v)]
            found.append(Row(start, values, f"{', '.join(bad)} holds a control character"
                             if bad else ""))
    except csv.Error as exc:
        raise _refuse(f"Line {reader.line_num} cannot be read as CSV ({exc}): check its "
                      "quotes.") from None
    return found
