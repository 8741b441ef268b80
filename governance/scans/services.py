"""Scans: attaching a source to a request, running a scan as a job, recovering dead ones,
and reading the findings. Services flush or commit through the caller; run_scan is a job and
commits its own progress so that the page can follow it."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from blinker import Namespace
from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import User
from governance.database import db, get_by_id, utcnow
from governance.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from governance.scanning import fetch, outcomes
from governance.scanning.extraction import ExtractionLimits
from governance.scanning.runner import ScanFailed, ScanOutcome, ScanSettings, scan_archive
from governance.scanning.scancode_adapter import options_digest, scancode_version
from governance.scanning.summary import SUMMARY_VERSION
from governance.scans.models import Archive, FileResult, Scan, ScanFile, ScanState
from governance.workflow import kinds
from governance.workflow.models import Request

HEARTBEAT_SECONDS = 5  # how often a long fetch tells the database it is alive

# Sent with the scan when it succeeded, inside the transaction that records it, so what a
# listener stores (license_review stores the scan's verdict) commits with it.
scan_succeeded = Namespace().signal("scan-succeeded")


@dataclass(frozen=True)
class ScanConfig:
    """What the scan services need from the app's configuration, as plain values."""

    scans_dir: Path
    settings: ScanSettings
    fetch_max_bytes: int
    fetch_timeout: float
    registries: fetch.Registries
    stale_seconds: int
    max_attempts: int
    fetch_public_only: bool = True

    @property
    def archives_dir(self) -> Path:
        return self.scans_dir / "archives"

    @property
    def work_root(self) -> Path:
        return self.scans_dir / "work"

    @classmethod
    def from_mapping(cls, config) -> "ScanConfig":
        limits = ExtractionLimits(
            max_archive_bytes=config["EXTRACT_MAX_ARCHIVE_BYTES"],
            max_total_bytes=config["EXTRACT_MAX_TOTAL_BYTES"],
            max_files=config["EXTRACT_MAX_FILES"], max_ratio=config["EXTRACT_MAX_RATIO"],
            max_depth=config["EXTRACT_MAX_DEPTH"])
        return cls(
            scans_dir=Path(config["SCANS_DIR"]),
            settings=ScanSettings(processes=config["SCAN_PROCESSES"],
                                  file_timeout=config["SCAN_FILE_TIMEOUT"],
                                  max_file_bytes=config["SCAN_MAX_FILE_BYTES"], limits=limits),
            fetch_max_bytes=config["EXTRACT_MAX_ARCHIVE_BYTES"],
            fetch_timeout=config["FETCH_TIMEOUT"],
            registries=fetch.Registries(pypi=config["PYPI_URL"], npm=config["NPM_REGISTRY_URL"]),
            stale_seconds=config["SCAN_STALE_SECONDS"], max_attempts=config["SCAN_MAX_ATTEMPTS"],
            fetch_public_only=config["FETCH_PUBLIC_ONLY"])


# --- starting a scan ------------------------------------------------------------------------

def _archive_for(stored: fetch.StoredArchive) -> Archive:
    archive = db.session.scalar(select(Archive).where(Archive.sha256 == stored.sha256))
    if archive is None:
        archive = Archive(sha256=stored.sha256, size=stored.size, filename=stored.filename)
        db.session.add(archive)
        db.session.flush()
    return archive


def start_scan(request: Request | None, actor: User | None, config: ScanConfig, *,
               source: str = "", upload=None, upload_name: str = "") -> Scan:
    """A queued scan of an uploaded archive, or of a purl / URL fetched by the job.
    The caller commits, then enqueues scan.id."""
    if request is not None and (actor is None or not may.start_scan(actor, request)):
        raise NotAllowed("Only the requester's team and the OSS office can scan this request.")
    source = (source or "").strip()
    if upload is None and not source:
        raise ValidationFailed({"source": "Upload an archive or give a package URL (purl) or "
                                          "a download address."})
    archive = None
    if upload is not None:
        try:
            stored = fetch.store_file(upload, upload_name or "upload", config.archives_dir,
                                      max_bytes=config.fetch_max_bytes)
        except fetch.FetchError as exc:
            raise ValidationFailed({"archive": exc.reason}) from exc
        if stored.size == 0:
            raise ValidationFailed({"archive": "The uploaded file is empty."})
        archive, source = _archive_for(stored), ""
    elif not (source.startswith("pkg:") or source.startswith(("https://", "http://"))):
        raise ValidationFailed({"source": "Give a purl such as pkg:pypi/flask@3.1.3 or an "
                                          "https:// download address."})
    scan = Scan(request=request, archive=archive, source=source, state=ScanState.QUEUED,
                created_by=actor)
    db.session.add(scan)
    db.session.flush()
    if request is not None:
        what = archive.filename if archive else source
        audit.record(actor, "request", request.id, "scan_queued", summary=f"Scan #{scan.id} "
                     f"of {what}", after={"scan_id": scan.id, "source": what})
    return scan


# --- running a scan (a job) -----------------------------------------------------------------

class DbResultCache:
    """The per-file result cache in the file_results table, shared by every scan."""

    def __init__(self):
        self.pending: list[dict] = []

    def get_many(self, keys: list[str]) -> dict[str, dict]:
        found = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found.update(db.session.execute(
                select(FileResult.key, FileResult.results).where(FileResult.key.in_(chunk))
            ).all())
        return found

    def put(self, key: str, results: dict) -> None:
        self.pending.append({"key": key, "results": results, "created_at": utcnow()})

    def flush(self) -> None:
        """Write what was added, ignoring keys another scan wrote meanwhile."""
        if not self.pending:
            return
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        db.session.execute(insert(FileResult).on_conflict_do_nothing(index_elements=["key"]),
                           self.pending)
        self.pending = []


def _claim(scan_id: int, *, phase: str = "", without_archive: bool = False) -> bool:
    now = utcnow()
    claim = update(Scan).where(Scan.id == scan_id, Scan.state == ScanState.QUEUED)
    if without_archive:
        claim = claim.where(Scan.archive_id.is_(None))
    claimed = db.session.execute(
        claim.values(state=ScanState.RUNNING, attempts=Scan.attempts + 1, started_at=now,
                     heartbeat_at=now, phase=phase, error="", files_done=0, files_total=0)
    ).rowcount
    db.session.commit()
    return claimed == 1


def needs_fetch(scan_id: int) -> bool:
    """A queued scan whose source is still to be downloaded (a purl or a URL)."""
    return db.session.scalar(select(Scan.id).where(
        Scan.id == scan_id, Scan.state == ScanState.QUEUED, Scan.archive_id.is_(None))) is not None


def fetch_source(scan_id: int, config: ScanConfig) -> bool:
    """The fetch stage, run apart from scanning so that a slow server holds up no other scan:
    claim a queued scan with no archive yet, download its source and put it back in the queue
    with its archive. True when it is ready for run_scan; False when it was not this stage's
    to take, or when the fetch failed (the scan is then failed with the reason)."""
    if not _claim(scan_id, phase="fetching", without_archive=True):
        return False
    scan = db.session.get(Scan, scan_id)
    try:
        _fetch(scan, config)
    except ScanFailed as exc:
        db.session.rollback()
        _finish(db.session.get(Scan, scan_id), ScanState.FAILED, exc.reason)
        return False
    # A fetch that worked does not use up one of the attempts the scan itself is allowed.
    scan.state, scan.phase, scan.attempts = ScanState.QUEUED, "", scan.attempts - 1
    db.session.commit()
    return True


def _reusable(archive: Archive) -> Scan | None:
    """A finished scan of the identical archive with the same scancode and options."""
    earlier = db.session.scalar(
        select(Scan).where(Scan.archive_id == archive.id, Scan.state == ScanState.SUCCEEDED,
                           Scan.reused_from_id.is_(None),
                           Scan.scancode_version == scancode_version(),
                           Scan.options_digest == options_digest())
        .order_by(Scan.id.desc()).limit(1))
    # A summary of an older shape (before the declared license was the manifest's own
    # statement) is scanned afresh; the per-file results still come from the cache.
    if earlier is None or (earlier.summary or {}).get("summary_version") != SUMMARY_VERSION:
        return None
    return earlier


def _finish(scan: Scan, state: ScanState, error: str = "") -> None:
    scan.state, scan.error, scan.phase = state, error, ""
    scan.finished_at = scan.heartbeat_at = utcnow()
    if scan.request_id:
        action = "scan_succeeded" if state == ScanState.SUCCEEDED else "scan_failed"
        audit.record(None, "request", scan.request_id, action,
                     summary=error or f"Scan #{scan.id}: {(scan.summary or {}).get('files', 0)}"
                                      " files", after={"scan_id": scan.id})
    if state == ScanState.SUCCEEDED:
        scan_succeeded.send(scan)
    db.session.commit()


def _fetch(scan: Scan, config: ScanConfig) -> None:
    scan.phase = "fetching"
    db.session.commit()
    last_beat = time.monotonic()

    def heartbeat(received: int) -> None:
        # A download may take minutes: the heartbeat says it is alive, not stale.
        nonlocal last_beat
        if time.monotonic() - last_beat > HEARTBEAT_SECONDS:
            scan.heartbeat_at = utcnow()
            db.session.commit()
            last_beat = time.monotonic()

    try:
        location = fetch.resolve(scan.source, config.registries, timeout=config.fetch_timeout)
        stored = fetch.download(location, config.archives_dir, max_bytes=config.fetch_max_bytes,
                                timeout=config.fetch_timeout,
                                public_only=config.fetch_public_only, progress=heartbeat)
    except fetch.FetchError as exc:
        raise ScanFailed(exc.reason) from exc
    scan.archive = _archive_for(stored)
    db.session.commit()


def _save(scan: Scan, outcome: ScanOutcome) -> None:
    rows = []
    for record in outcome.files:
        results = outcome.results.get(record.key) or {}
        expression, spdx = outcome.license_of(record)
        rows.append({
            "scan_id": scan.id, "path": record.path, "size": record.size,
            "sha256": record.sha256, "status": record.status,
            "seconds": round(record.seconds, 3), "close_call": record.close_call,
            "errors": record.errors or None, "reason": record.reason,
            "result_key": record.key if results else "",
            "license_expression": expression or "",
            "license_expression_spdx": spdx or "",
            "holders": "\n".join(sorted({h["holder"] for h in results.get("holders") or []})),
            "license_detections": outcome.detection_overrides.get(record.path),
        })
    if rows:
        db.session.execute(ScanFile.__table__.insert(), rows)
    scan.summary = outcome.summary
    scan.notes = [{"path": n.path, "kind": n.kind, "detail": n.detail} for n in outcome.notes]
    scan.scancode_version = outcome.scancode_version
    scan.options_digest = options_digest()
    scan.files_total = scan.files_done = len(outcome.files)


def run_scan(scan_id: int, config: ScanConfig, pool) -> Scan | None:
    """The job: claim a queued scan and take it to succeeded or failed. Running it again on
    a scan that is not queued does nothing; a re-queued scan starts from a clean slate."""
    if not _claim(scan_id):
        return None
    scan = db.session.get(Scan, scan_id)
    db.session.execute(ScanFile.__table__.delete().where(ScanFile.scan_id == scan.id))
    db.session.commit()
    cache = DbResultCache()
    last_commit = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_commit
        scan.files_done, scan.files_total = done, total
        scan.phase = "scanning"
        if time.monotonic() - last_commit > 0.5 or done == total:
            heartbeat()

    def heartbeat() -> None:
        nonlocal last_commit
        scan.heartbeat_at = utcnow()
        cache.flush()
        db.session.commit()
        last_commit = time.monotonic()

    try:
        if scan.archive is None:
            _fetch(scan, config)
        earlier = _reusable(scan.archive)
        if earlier is not None:
            scan.reused_from = earlier
            scan.summary, scan.notes = earlier.summary, earlier.notes
            scan.scancode_version, scan.options_digest = (earlier.scancode_version,
                                                          earlier.options_digest)
            scan.files_total = scan.files_done = earlier.files_total
            _finish(scan, ScanState.SUCCEEDED)
            return scan
        scan.phase = "extracting"
        db.session.commit()
        archive_path = fetch.stored_path(config.archives_dir, scan.archive.sha256)
        outcome = scan_archive(archive_path, config.work_root / str(scan.id), config.settings,
                               pool, cache, original_name=scan.archive.filename,
                               progress=progress, tick=heartbeat)
        cache.flush()
        _save(scan, outcome)
        _finish(scan, ScanState.SUCCEEDED)
    except ScanFailed as exc:
        db.session.rollback()
        scan = db.session.get(Scan, scan_id)
        _finish(scan, ScanState.FAILED, exc.reason)
    return scan


def recover_stale(config: ScanConfig) -> list[int]:
    """Running scans whose heartbeat stopped (their worker died) go back to the queue, or
    fail once they have used their attempts. Returns the ids to enqueue again."""
    limit = utcnow() - timedelta(seconds=config.stale_seconds)
    requeued = []
    stale = db.session.scalars(select(Scan).where(
        Scan.state == ScanState.RUNNING, Scan.heartbeat_at < limit)).all()
    for scan in stale:
        if scan.attempts >= config.max_attempts:
            _finish(scan, ScanState.FAILED, f"The scan stopped {scan.attempts} times without "
                                            "finishing; giving up.")
            continue
        scan.state, scan.phase = ScanState.QUEUED, ""
        if scan.request_id:
            audit.record(None, "request", scan.request_id, "scan_requeued",
                         summary=f"Scan #{scan.id} had stopped; queued again",
                         after={"scan_id": scan.id})
        requeued.append(scan.id)
    db.session.commit()
    return requeued


def scans_to_run(config: "ScanConfig") -> list[int]:
    """Stale scans re-queued, then every queued scan, each once."""
    return list(dict.fromkeys(recover_stale(config) + queued_scan_ids()))


def queued_scan_ids() -> list[int]:
    return list(db.session.scalars(select(Scan.id).where(Scan.state == ScanState.QUEUED)
                                   .order_by(Scan.id)))


# --- reading findings -----------------------------------------------------------------------

def get_scan_for(user: User, scan_id: int) -> Scan:
    scan = get_by_id(Scan, scan_id)
    if scan is None or (scan.request is not None and not may.view_request(user, scan.request)):
        raise NotFound("No such scan, or you cannot see it.")
    return scan


def latest_scan(request: Request) -> Scan | None:
    return request.scans[-1] if request.scans else None


def latest_finished_scan(request: Request) -> Scan | None:
    """The newest scan that succeeded: what verdicts, reviews and exports are based on."""
    return next((s for s in reversed(getattr(request, "scans", None) or [])
                 if s.state == ScanState.SUCCEEDED and s.summary), None)


def files_query(scan: Scan, *, license_expression: str = "", path: str = "",
                status: str = ""):
    query = (select(ScanFile).where(ScanFile.scan_id == scan.findings_scan_id)
             .order_by(ScanFile.path))
    if license_expression == "none":
        query = query.where(ScanFile.license_expression == "")
    elif license_expression:
        # scancode keys (the findings table) or SPDX ids (the verdict card) alike
        query = query.where(or_(ScanFile.license_expression == license_expression,
                                ScanFile.license_expression_spdx == license_expression))
    if path:
        query = query.where(func.lower(ScanFile.path).contains(path.lower(), autoescape=True))
    if status:
        query = query.where(ScanFile.status == status)
    return query


def file_with_results(scan: Scan, file_id: int) -> tuple[ScanFile, dict]:
    record = get_by_id(ScanFile, file_id)
    if record is None or record.scan_id != scan.findings_scan_id:
        raise NotFound("No such file in this scan.")
    results = db.session.get(FileResult, record.result_key) if record.result_key else None
    return record, (results.results if results else {})


def problem_files(scan: Scan, limit: int = 50) -> list[ScanFile]:
    """Files that failed, timed out, came close to their time limit, or were skipped."""
    return list(db.session.scalars(
        select(ScanFile).where(ScanFile.scan_id == scan.findings_scan_id,
                               (ScanFile.status.in_(sorted(outcomes.NOT_ANALYSED)))
                               | ScanFile.close_call.is_(True))
        .order_by(ScanFile.status, ScanFile.path).limit(limit)))


def status_counts(scan: Scan) -> dict[str, int]:
    return dict(db.session.execute(
        select(ScanFile.status, func.count(ScanFile.id))
        .where(ScanFile.scan_id == scan.findings_scan_id).group_by(ScanFile.status)).all())


def ensure_scannable(request: Request, user: User) -> None:
    may.start_scan.require(user, request)
    running = next((s for s in request.scans if not s.is_finished), None)
    if running is not None:
        raise IllegalTransition(f"Scan #{running.id} is still {running.state.value}; wait "
                                "for it to finish.")


def ensure_source_scan(request: Request, user: User) -> None:
    """"Scan the source" (the scan pages and POST /requests/{id}/scans): only for the kinds
    that take it, and only when no scan is running."""
    if not kinds.kind_of(request.kind).scans_source:
        raise IllegalTransition("This request takes its code as an upload under “Checks on "
                                "the code”, where it is scanned and checked.")
    ensure_scannable(request, user)


def fail_unexpectedly(scan_id: int) -> None:
    """A bug, not bad input: the scan fails with a message that says so (details are logged)."""
    scan = db.session.get(Scan, scan_id)
    if scan is not None and not scan.is_finished:
        _finish(scan, ScanState.FAILED, "The scan stopped on an internal error; it has been "
                                        "logged. Try again, or tell the administrators.")
