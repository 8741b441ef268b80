"""The audit trail is a hash chain: changes made behind the app's back show, and two
transactions recording at once never fork it."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from governance import create_app
from governance.audit import chain
from governance.audit import services as audit
from governance.audit.models import AuditEvent
from governance.auth.roles import Role
from governance.database import UTCDateTime, db, utcnow
from tests import factories as f

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def _backend() -> str:
    return db.engine.dialect.name


@pytest.fixture
def on_sqlite(app):
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        pytest.skip("on PostgreSQL the trigger refuses the raw change itself")


@pytest.fixture
def on_postgresql(app):
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")


def _three_events() -> list[AuditEvent]:
    events = [audit.record(None, "request", 1, "created", "Filed.", after={"state": "draft"}),
              audit.record(None, "request", 1, "submitted", "Sent.",
                           before={"state": "draft"}, after={"state": "submitted"}),
              audit.record(None, "team", 2, "renamed", "Ünïcode → fine", before={"n": [1, 2.5]})]
    db.session.commit()
    return events


def test_events_are_chained_in_id_order_as_they_are_recorded():
    first, second, third = _three_events()
    assert first.id < second.id < third.id
    assert first.prev_hash is None
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert all(len(e.hash) == 64 for e in (first, second, third))
    later = audit.record(None, "request", 1, "approved")
    db.session.commit()
    assert later.prev_hash == third.hash
    assert chain.verify() == chain.ChainState(4)


def test_the_hash_covers_every_field_and_the_previous_hash():
    first, second, _ = _three_events()
    fields = {name: getattr(second, name) for name in chain.FIELDS}
    assert chain.event_hash(fields, first.hash) == second.hash
    assert chain.event_hash(fields, None) != second.hash
    for name, other in (("summary", "x"), ("actor_id", 7), ("at", utcnow()),
                        ("after", {"state": "approved"}), ("id", 99)):
        assert chain.event_hash({**fields, name: other}, first.hash) != second.hash, name


def test_the_caller_does_not_choose_an_event_id():
    db.session.add(AuditEvent(id=500, object_type="request", object_id=1, action="created"))
    with pytest.raises(chain.AuditChainError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_two_events_after_the_same_one():
    """The backstop behind the lock: prev_hash is unique."""
    first = audit.record(None, "request", 1, "created")
    db.session.commit()
    fork = {"at": utcnow(), "object_type": "request", "object_id": 1, "action": "forked",
            "summary": "", "prev_hash": first.hash}
    with db.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(sa.insert(AuditEvent.__table__).values(**fork, hash="0" * 64))
        conn.execute(sa.insert(AuditEvent.__table__).values(**fork, hash="1" * 64))


def test_the_chain_is_walked_in_batches():
    events = _three_events() + _three_events()
    assert chain.verify(batch_size=2) == chain.ChainState(6)
    assert chain.verify(batch_size=6) == chain.ChainState(6)
    if _backend() == "sqlite":
        db.session.execute(text("UPDATE audit_events SET action = 'x' WHERE id = :id"),
                           {"id": events[4].id})
        db.session.commit()
        state = chain.verify(batch_size=2)
        assert (state.count, state.broken_at) == (4, events[4].id)


def test_a_raw_update_is_named_by_its_event(on_sqlite, flask_cli):
    events = _three_events()
    db.session.execute(text("UPDATE audit_events SET summary = 'x' WHERE id = :id"),
                       {"id": events[1].id})
    db.session.commit()
    state = chain.verify()
    assert not state.intact and state.broken_at == events[1].id and state.count == 1
    result = flask_cli("audit", "verify")
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip() == (f"Event #{events[1].id} was changed after it was recorded:"
                                     " its contents no longer match its hash.")


def test_a_raw_delete_breaks_the_next_link(on_sqlite, flask_cli):
    events = _three_events()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[1].id})
    db.session.commit()
    state = chain.verify()
    assert state.broken_at == events[2].id
    assert f"no longer follows event #{events[0].id}" in state.reason
    result = flask_cli("audit", "verify")
    assert result.returncode == 1 and f"Event #{events[2].id}" in result.stdout


def test_removing_the_first_events_shows(on_sqlite):
    events = _three_events()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[0].id})
    db.session.commit()
    assert chain.verify().broken_at == events[1].id


def test_verify_in_a_fresh_process_says_the_trail_is_intact(flask_cli):
    result = flask_cli("audit", "verify")
    assert (result.returncode, result.stdout) == (0, "The audit trail is intact: 0 events.\n")
    _three_events()
    result = flask_cli("audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "The audit trail is intact: 3 events.\n"


def test_postgresql_refuses_raw_updates_and_deletes(on_postgresql):
    events = _three_events()
    for statement in ("UPDATE audit_events SET summary = 'x' WHERE id = :id",
                      "DELETE FROM audit_events WHERE id = :id"):
        with pytest.raises(DBAPIError, match="never changed or deleted"):
            db.session.execute(text(statement), {"id": events[1].id})
        db.session.rollback()
    assert chain.verify() == chain.ChainState(3)


def test_the_audit_page_shows_the_chain(client):
    f.user(Role.OSS_OFFICE, username="olga")
    db.session.commit()
    f.login(client, "olga")
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    listing = client.get("/audit/").get_data(as_text=True)
    assert "Verify the chain" in listing and "Chain intact" not in listing  # only when asked
    page = client.get("/audit/?verify=chain").get_data(as_text=True)
    noun = "event" if count == 1 else "events"
    assert f"Chain intact: {count} {noun}" in page
    if _backend() == "sqlite":
        first = db.session.scalar(select(func.min(AuditEvent.id)))
        db.session.execute(text("UPDATE audit_events SET action = 'x' WHERE id = :id"),
                           {"id": first})
        db.session.commit()
        page = client.get("/audit/?verify=chain").get_data(as_text=True)
        assert f"Chain broken at event #{first}" in page


# Concurrency: each thread works in an app context (and so a session and transaction) of its own.

def _record_in_own_transaction(app, action, after_flush=None, results=None):
    with app.app_context():
        try:
            audit.record(None, "request", 1, action)
            db.session.flush()
            if after_flush:
                after_flush()
            db.session.commit()
            results[action] = "ok"
        except Exception as exc:  # noqa: BLE001 - kept, so the assertion names what went wrong
            db.session.rollback()
            results[action] = exc
        finally:
            db.session.remove()


def test_a_second_transaction_waits_for_the_first_and_chains_after_it(app):
    audit.record(None, "request", 1, "created")
    db.session.commit()
    first_flushed, results = threading.Event(), {}

    def hold_the_lock():
        first_flushed.set()
        time.sleep(0.5)  # the second transaction tries to record meanwhile

    first = threading.Thread(target=_record_in_own_transaction,
                             args=(app, "first", hold_the_lock, results))
    second = threading.Thread(target=_record_in_own_transaction,
                              kwargs={"app": app, "action": "second", "results": results})
    first.start()
    assert first_flushed.wait(10)
    second.start()
    for thread in (first, second):
        thread.join(timeout=30)
    assert results == {"first": "ok", "second": "ok"}
    events = {e.action: e for e in db.session.scalars(select(AuditEvent))}
    assert events["second"].id > events["first"].id
    assert events["second"].prev_hash == events["first"].hash
    assert events["first"].prev_hash == events["created"].hash
    assert chain.verify() == chain.ChainState(3)


def test_many_transactions_recording_at_once_leave_one_chain(app):
    barrier, results = threading.Barrier(4), {}

    def record_several(worker):
        for n in range(5):
            _record_in_own_transaction(app, f"w{worker}-{n}", results=results)

    def start(worker):
        barrier.wait()
        record_several(worker)

    threads = [threading.Thread(target=start, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(results.values()) == {"ok"}, results
    assert chain.verify() == chain.ChainState(20)


# The migration seals the events recorded before it.

def test_migration_0006_chains_existing_events_and_guards_them(empty_database_url, tmp_path):
    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url,
                        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    old_table = sa.table(  # the table as 0005 left it
        "audit_events", sa.column("at", UTCDateTime()), sa.column("object_type", sa.String()),
        sa.column("object_id", sa.Integer()), sa.column("action", sa.String()),
        sa.column("summary", sa.Text()), sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()))
    with fresh.app_context():
        upgrade(directory=MIGRATIONS, revision="0005")
        with db.engine.begin() as conn:
            for n in range(5):
                conn.execute(old_table.insert().values(
                    at=utcnow(), object_type="request", object_id=n, action="created",
                    summary=f"#{n}", before=None if n % 2 else {"n": n}, after={"k": [n]}))
        upgrade(directory=MIGRATIONS, revision="0006")
        assert chain.verify() == chain.ChainState(5)
        audit.record(None, "request", 9, "created")
        db.session.commit()
        assert chain.verify() == chain.ChainState(6)
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="never changed or deleted"):
                db.session.execute(text("UPDATE audit_events SET summary = 'x'"))
            db.session.rollback()
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision="0005")
        with db.engine.connect() as conn:
            assert "hash" not in {c["name"] for c in sa.inspect(conn).get_columns("audit_events")}
            conn.execute(text("UPDATE audit_events SET summary = 'editable again'"))
        db.engine.dispose()
