"""`flask scan PATH_OR_PURL` (outside any request) and `flask scans recover`."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect

from governance.database import db, unit_of_work
from governance.scanning import fetch, outcomes
from governance.scanning.runner import MemoryCache, ScanFailed, scan_archive
from governance.scanning.workers import ScanWorkerPool
from governance.scans import services
from governance.scans.queue import enqueue, scan_config
from governance.scans.services import DbResultCache

scans_cli = AppGroup("scans", help="Background scans.")


def _progress_bar():
    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else 0
        click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files",
                   err=True, nl=False)
    return show


def _human(summary: dict) -> str:
    lines = [f"Declared license: {summary['declared_license_expression_spdx'] or 'none found'}",
             f"License clarity:  {summary['clarity_score']}/100",
             f"Files: {summary['files']}  errors: {summary['errors']}  "
             f"skipped: {summary.get('skipped', 0)}",
             "Detected licenses:"]
    lines += [f"  {d['files']:5}  {d['license_expression_spdx']}  ({d['category']})"
              for d in summary["detected"]]
    lines.append("Copyright holders:")
    lines += [f"  {h['files']:5}  {h['holder']}" for h in summary["holders"][:20]]
    return "\n".join(lines)


@click.command("scan")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: SCAN_PROCESSES, the number of cores).")
def scan_command(target: str, as_json: bool, processes: int | None):
    """Scan an archive file, a purl or a download URL, outside any request."""
    config = scan_config()
    path = Path(target)
    if path.is_file():
        archive, name = path, path.name
    else:
        try:
            click.echo(f"Fetching {target}…", err=True)
            location = fetch.resolve(target, config.registries, timeout=config.fetch_timeout)
            stored = fetch.download(location, config.archives_dir,
                                    max_bytes=config.fetch_max_bytes,
                                    timeout=config.fetch_timeout)
        except fetch.FetchError as exc:
            raise click.ClickException(exc.reason) from exc
        archive, name = stored.path, stored.filename
    # Reuse earlier per-file results when the database is set up; otherwise scan afresh.
    has_cache = inspect(db.engine).has_table("file_results")
    cache = DbResultCache() if has_cache else MemoryCache()
    work_dir = Path(tempfile.mkdtemp(prefix="scan-", dir=_ensure(config.scans_dir / "work")))
    settings = config.settings
    if processes:
        from dataclasses import replace

        settings = replace(settings, processes=processes)
    click.echo(f"Starting {settings.processes} scan workers (loading the license index)…",
               err=True)
    try:
        with ScanWorkerPool(settings.processes, file_timeout=settings.file_timeout,
                            temp_dir=str(config.scans_dir / "tmp")) as pool:
            outcome = scan_archive(archive, work_dir, settings, pool, cache, original_name=name,
                                   progress=_progress_bar())
    except ScanFailed as exc:
        raise click.ClickException(exc.reason) from exc
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
        click.echo("", err=True)
    if has_cache:
        with unit_of_work():
            cache.flush()
    if as_json:
        click.echo(json.dumps(outcome.summary, indent=2, sort_keys=True))
    else:
        click.echo(_human(outcome.summary))
    errors = [f for f in outcome.files if f.status in outcomes.FAILED]
    for record in errors[:20]:
        click.echo(f"error: {record.path}: {'; '.join(record.errors)}", err=True)


def _ensure(path: Path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


@scans_cli.command("recover")
def recover_command():
    """Re-queue scans whose worker died (run it from cron with the Celery backend)."""
    ids = services.scans_to_run(scan_config())
    if current_app.config["SCAN_BACKEND"] == "celery":
        for scan_id in ids:
            enqueue(scan_id)
    # The embedded runner lives in the serving app, which picks queued scans up by itself.
    click.echo(f"Queued again: {', '.join(map(str, ids)) or 'nothing'}.")
