"""The office's CSV import: the documented header, every bad row reported with the line a
person sees (and nothing imported), a URL already kept updated rather than duplicated, Excel's
byte order mark and CRLF accepted, files that are not CSV refused with a clear message."""
from __future__ import annotations

from datetime import date

import pytest

from governance.audit.models import AuditEvent
from governance.database import db
from governance.errors import NotAllowed
from governance.upstream import csv_file, services
from governance.upstream.models import Contribution
from tests.upstream.conftest import HEADER, TODAY

GOOD = (f"{HEADER}\n"
        "https://github.com/psf/requests/pull/6710,pkg:pypi/requests@2.32.3,Payments,pr,"
        "merged,2024-05-02,2024-05-20,Fix proxy auth\n"
        "https://github.com/psf/requests/issues/6711,pkg:pypi/requests,payments,issue,open,"
        "2025-01-14,,\n"
        "https://github.com/lodash/lodash/pull/5800,pkg:npm/lodash,Platform,PR,closed,"
        "2019-03-01,2019-04-01,\"Docs, examples\"\n")


def _import(actor, text):
    result = services.import_csv(actor, text, today=TODAY)
    db.session.commit()
    return result


def test_a_good_file_is_imported_with_versions_dropped_and_teams_by_name(world):
    result = _import(world["office"], GOOD)
    assert result.to_dict() == {"read": 3, "new": 3, "updated": 0, "unchanged": 0}
    kept = {c.url.rsplit("/", 1)[1]: c for c in db.session.query(Contribution)}
    assert kept["6710"].project == "pkg:pypi/requests" and kept["6710"].title == "Fix proxy auth"
    assert kept["6711"].team == world["payments"] and kept["6711"].closed_on is None
    assert (kept["5800"].kind, kept["5800"].title) == ("pr", "Docs, examples")
    event = db.session.query(AuditEvent).filter_by(action="contributions_imported").one()
    assert event.after == {"read": 3, "new": 3, "updated": 0, "unchanged": 0}


def test_a_bad_file_reports_every_bad_line_and_saves_nothing(world):
    text = (f"{HEADER}\n"
            "https://github.com/psf/requests/pull/1,pkg:pypi/requests,Payments,pr,merged,"
            "2024-05-02,2024-05-20,fine\n"
            "https://github.com/psf/requests/issues/2,pkg:pypi/requests,Payments,issue,merged,"
            "2024-05-02,2024-05-20,a merged issue\n"
            "\n"
            "https://github.com/psf/requests/pull/3,pkg:pypi/requests,Payments,pr,closed,"
            "2024-05-02,2024-05-01,closed before opened\n"
            'https://github.com/psf/requests/pull/4,pkg:pypi/requests,Nobody,pr,open,'
            '2024-05-02,,"a title\non two lines"\n'
            "https://github.com/psf/requests/pull/5,pkg:pypi/requests,Payments,pr,open,"
            "05/02/2024,,Excel's day\n"
            "https://github.com/psf/requests/pull/1,pkg:pypi/requests,Payments,pr,open,"
            "2024-05-02,,the same URL again\n"
            "too,few,values\n")
    with pytest.raises(csv_file.CsvRejected) as caught:
        services.import_csv(world["office"], text, today=TODAY)
    errors = caught.value.errors
    assert list(errors) == ["line 3", "line 5", "line 6", "line 8", "line 9", "line 10"]
    assert errors["line 3"].startswith("state: An issue is closed, never merged")
    assert "before it was opened" in errors["line 5"]
    assert errors["line 6"] == "team: no team is named 'Nobody'"
    assert "write it as YYYY-MM-DD" in errors["line 8"]
    assert errors["line 9"] == "url: the same URL as line 2"
    assert errors["line 10"] == "3 values where the header has 8 columns"
    assert "6 bad line(s): nothing was imported" in caught.value.message
    db.session.rollback()
    assert db.session.query(Contribution).count() == 0


def test_importing_again_updates_the_rows_it_already_holds(world):
    _import(world["office"], GOOD)
    again = GOOD.replace("issue,open,2025-01-14,,", "issue,closed,2025-01-14,2025-02-01,")
    again += ("https://github.com/psf/requests/pull/6800,pkg:pypi/requests,Payments,pr,open,"
              "2025-06-01,,\n")
    result = _import(world["office"], again)
    assert result.to_dict() == {"read": 4, "new": 1, "updated": 1, "unchanged": 2}
    assert db.session.query(Contribution).count() == 4
    issue = db.session.query(Contribution).filter_by(
        url="https://github.com/psf/requests/issues/6711").one()
    assert (issue.state, issue.closed_on) == ("closed", date(2025, 2, 1))


def test_excels_byte_order_mark_and_crlf_are_read(world):
    data = ("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8")
    assert _import(world["office"], csv_file.decode(data, "export.csv")).new == 3


def test_columns_may_come_in_another_order_and_optional_ones_left_out(world):
    text = ("team,kind,state,opened_on,url,project\n"
            "Platform,issue,open,2020-02-02,https://github.com/lodash/lodash/issues/1,lodash\n")
    assert _import(world["office"], text).new == 1


@pytest.mark.parametrize("data,filename,message", [
    (b"PK\x03\x04\x00\x00binary", "ledger.csv", "not a CSV file (it holds binary data)"),
    (b"url,project\n", "ledger.xlsx", "ledger.xlsx is not a CSV file"),
    ("url,project,team\n\xe9".encode("latin-1"), "ledger.csv", "is not UTF-8 text"),
    (b"x" * (csv_file.MAX_BYTES + 1), "ledger.csv", "larger than 2 MB"),
])
def test_files_that_are_not_csv_or_too_large_are_refused_with_the_reason(data, filename,
                                                                           message):
    with pytest.raises(csv_file.CsvRejected) as caught:
        csv_file.decode(data, filename)
    assert message in caught.value.errors["file"]


@pytest.mark.parametrize("text,message", [
    ("", "The file is empty"),
    ("url;project;team;kind;state;opened_on\n", "separated by semicolons"),
    ("url,project,team,kind,state,opened,extra\n", "unknown column(s) opened, extra"),
    (f"{HEADER}\n", "a header but no rows"),
])
def test_a_file_without_the_documented_header_or_rows_is_refused(world, text, message):
    with pytest.raises(csv_file.CsvRejected) as caught:
        services.import_csv(world["office"], text, today=TODAY)
    assert message in caught.value.errors["file"]


def test_only_the_office_and_admins_import(world):
    with pytest.raises(NotAllowed):
        services.import_csv(world["engineer"], GOOD, today=TODAY)
    assert _import(world["admin"], GOOD).new == 3
