"""Background tasks beside the scans: named work on one row (a request's code checks, its
GitHub provisioning), run by the app's job backend (the embedded runner's task thread, or the
Celery task `governance.run_task`).

A domain registers its tasks from its init_app(): the function that runs one (given the row's
id, idempotent: it claims the row by its state) and the function that lists the rows waiting
for it (so that work whose process died is found and run again). Services never call a job
backend: they ask for a task after the commit with enqueue_after_commit(), and a task asked
for before the commit that holds its row would find nothing to claim.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from governance.database import db

TASKS = "governance.background.tasks"
BACKEND = "governance.background.backend"
_AFTER_COMMIT = "governance.background.after_commit"
_DEFERRED = "governance.background.deferred"


@dataclass(frozen=True)
class Task:
    name: str
    run: Callable[[int], None]
    waiting: Callable[[], list[int]]


def register(app: Flask, name: str, run: Callable[[int], None],
             waiting: Callable[[], list[int]]) -> None:
    tasks = app.extensions.setdefault(TASKS, {})
    if name in tasks:
        raise ValueError(f"task {name!r} is registered twice")
    tasks[name] = Task(name, run, waiting)


def install(app: Flask, enqueue: Callable[[str, int], None]) -> None:
    """The job backend's enqueue(name, object_id)."""
    app.extensions[BACKEND] = enqueue


def run(name: str, object_id: int) -> None:
    """Run one task in the current app context (the backends call this)."""
    task = current_app.extensions.get(TASKS, {}).get(name)
    if task is None:
        raise LookupError(f"No background task {name!r} is registered.")
    task.run(object_id)


def waiting() -> list[tuple[str, int]]:
    """Every task's waiting rows, for recovery."""
    return [(task.name, object_id) for task in current_app.extensions.get(TASKS, {}).values()
            for object_id in task.waiting()]


def enqueue_after_commit(name: str, object_id: int) -> None:
    """Ask for the task once the current transaction commits (never if it rolls back)."""
    if current_app.extensions.get(_DEFERRED):
        return  # (deferred: the serving app's recovery finds the row waiting)
    db.session.info.setdefault(_AFTER_COMMIT, []).append(
        (current_app._get_current_object(), name, object_id))


@contextmanager
def deferred(app: Flask):
    """Ask for no task while the block runs: for commands that are not the serving app (the
    demo loader), whose process would end before a task does. Every task's waiting rows are
    found by the runner's recovery once the app serves."""
    app.extensions[_DEFERRED] = True
    try:
        yield
    finally:
        app.extensions.pop(_DEFERRED, None)


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    for app, name, object_id in session.info.pop(_AFTER_COMMIT, []):
        with app.app_context():
            app.extensions[BACKEND](name, object_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing will commit
        session.info.pop(_AFTER_COMMIT, None)
