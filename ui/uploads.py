"""New policy documents from the desk: stored under `data_dir/uploads` with generated
names, then ingested in a background thread whose progress and per-file result can be polled.

Jobs are written to `data_dir/upload-jobs/<id>.json` as they change, so a job outlives the
process: after a restart (or a killed process) `recover()` starts again every job that had
not finished, and ingests uploaded files that no job and no index version knows of; the
desk lists these jobs with a note saying so. A file whose ingest failed is deleted (it is in
no index, and would only fill the disk).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, Field

from inkoopwijzer.errors import BadRequestError, InkoopwijzerError
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import IngestReport

__all__ = ["ALLOWED_SUFFIXES", "MISSING", "ORPHANED", "RESUMED", "IngestJob", "UploadManager", "UploadedFile"]

log = logging.getLogger(__name__)

ALLOWED_SUFFIXES = (".pdf", ".txt", ".md", ".docx", ".html", ".htm")

IngestFn = Callable[..., IngestReport]


class UploadedFile(BaseModel):
    original: str = Field(description="The name the client gave (shown, never used as a path)")
    stored: str = Field(description="Generated file name under data_dir/uploads; the document name in the index")
    size: int
    status: Literal["queued", "ingesting", "done", "failed"] = "queued"
    message: str = ""


class IngestJob(BaseModel):
    id: str
    created_at: str
    state: Literal["queued", "running", "done", "failed"] = "queued"
    stage: str = ""
    progress: float = Field(default=0.0, description="0.0 … 1.0")
    files: list[UploadedFile]
    report: IngestReport | None = None
    error: str | None = None
    note: str = Field(default="", description="Set when the job was resumed after a restart of the server")


RESUMED = "De server is herstart voordat deze upload klaar was; de verwerking is opnieuw gestart."
ORPHANED = "Gevonden na een herstart van de server zonder bijbehorende upload-taak; opnieuw verwerkt."
MISSING = "Het bestand ontbrak na een herstart van de server."
KEEP_JOBS = 200


def _default_ingest(paths: list[Path], settings: Settings, **kwargs: Any) -> IngestReport:
    from index.store import ingest_paths  # lazy: the index stack loads models and Chroma

    return ingest_paths(paths, settings, **kwargs)


def _indexed_documents(settings: Settings) -> set[str]:
    from index.store import current_version  # lazy, as above

    version = current_version(settings)
    return {d.document for d in version.documents} if version else set()


def _safe_original(name: str) -> str:
    # Only for display: the last path component, no control characters, bounded; a long name
    # is shortened in its middle, so its suffix (the file type) stays.
    base = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())
    if len(base) > 200:
        suffix = Path(base).suffix[:16]
        base = base[: 199 - len(suffix)] + "…" + suffix
    return base or "(naamloos)"


class UploadManager:
    """Saves uploads and runs one ingest at a time in a background thread."""

    def __init__(self, settings: Settings, ingest: IngestFn | None = None, wait_s: float = 600.0) -> None:
        self.settings = settings
        self.dir = settings.data_dir / "uploads"
        self.jobs_dir = settings.data_dir / "upload-jobs"
        self._ingest = ingest or _default_ingest
        self._wait_s = wait_s
        self._jobs: dict[str, IngestJob] = {}
        self._lock = threading.RLock()  # re-entered by `_failed`
        self._run_lock = threading.Lock()
        self._loaded = False

    def save(self, original_name: str, source: IO[bytes]) -> UploadedFile:
        """Copy one upload to a new generated name; BadRequestError for an unsupported type."""
        original = _safe_original(original_name)
        suffix = Path(original_name.replace("\\", "/").rsplit("/", 1)[-1]).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise BadRequestError(
                f"{original}: unsupported file type '{suffix or '(none)'}'; use {', '.join(ALLOWED_SUFFIXES)}."
            )
        self.dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        stored = f"upload-{stamp}-{secrets.token_hex(4)}{suffix}"
        target = self.dir / stored
        with target.open("xb") as out:
            shutil.copyfileobj(source, out, length=1024 * 1024)
        return UploadedFile(original=original, stored=stored, size=target.stat().st_size)

    def discard(self, files: list[UploadedFile]) -> None:
        for f in files:
            (self.dir / f.stored).unlink(missing_ok=True)

    def start(self, files: list[UploadedFile], note: str = "") -> IngestJob:
        """Queue an ingest of saved files; returns at once with the job to poll."""
        job = IngestJob(
            id=secrets.token_hex(8),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            files=[f.model_copy() for f in files],
            note=note,
        )
        self._load()
        with self._lock:
            self._jobs[job.id] = job
            self._save(job)
        self._launch(job.id)
        return self.job(job.id) or job

    def _launch(self, job_id: str) -> None:
        threading.Thread(target=self._run, args=(job_id,), name=f"ingest-{job_id}", daemon=True).start()

    def job(self, job_id: str) -> IngestJob | None:
        """A snapshot of one job (safe to hand out while the worker updates it)."""
        self._load()
        with self._lock:
            job = self._jobs.get(job_id)
            return job.model_copy(deep=True) if job else None

    def jobs(self) -> list[IngestJob]:
        """All known jobs, newest first."""
        self._load()
        with self._lock:
            return sorted((j.model_copy(deep=True) for j in self._jobs.values()), key=lambda j: j.created_at, reverse=True)

    # --- persistence and recovery ---------------------------------------------------------

    def _save(self, job: IngestJob) -> None:
        """Write a job's state (called with `_lock` held)."""
        self.jobs_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.jobs_dir / f".{job.id}.json.tmp"
        tmp.write_text(job.model_dump_json(), encoding="utf-8")
        os.replace(tmp, self.jobs_dir / f"{job.id}.json")

    def _load(self) -> None:
        """Read the jobs of earlier runs once (building the app reads nothing)."""
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            found: list[IngestJob] = []
            for path in self.jobs_dir.glob("*.json") if self.jobs_dir.is_dir() else []:
                try:
                    found.append(IngestJob.model_validate_json(path.read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    log.warning("unreadable upload job %s; ignored", path.name)
            found.sort(key=lambda j: j.created_at)
            for old in found[:-KEEP_JOBS]:
                (self.jobs_dir / f"{old.id}.json").unlink(missing_ok=True)
            self._jobs = {j.id: j for j in found[-KEEP_JOBS:]} | self._jobs
            self._loaded = True

    def recover(self) -> list[IngestJob]:
        """At start-up: resume every job a stopped process left unfinished, and ingest the
        uploaded files no job and no index knows of. Returns the jobs started."""
        self._load()
        started: list[str] = []
        with self._lock:
            interrupted = [j for j in self._jobs.values() if j.state in ("queued", "running")]
            for job in interrupted:
                job.state, job.stage, job.progress, job.note = "queued", "hervat", 0.0, RESUMED
                for f in job.files:
                    if not (self.dir / f.stored).is_file():
                        f.status, f.message = "failed", MISSING
                    elif f.status != "done":
                        f.status, f.message = "queued", ""
                if all(f.status == "failed" for f in job.files):
                    job.state, job.error, job.progress = "failed", MISSING, 1.0
                else:
                    started.append(job.id)
                self._save(job)
            known = {f.stored for j in self._jobs.values() for f in j.files}
        orphans = [p for p in sorted(self.dir.glob("upload-*")) if p.is_file() and p.name not in known]
        indexed = _indexed_documents(self.settings) if orphans else set()
        orphans = [p for p in orphans if p.name not in indexed]
        for job_id in started:
            log.warning("resuming upload job %s, left unfinished by a stopped server", job_id)
            self._launch(job_id)
        out = [j for j in (self.job(i) for i in started) if j is not None]
        if orphans:
            log.warning("ingesting %d uploaded file(s) left without a job by a stopped server", len(orphans))
            files = [UploadedFile(original=p.name, stored=p.name, size=p.stat().st_size) for p in orphans]
            out.append(self.start(files, note=ORPHANED))
        return out

    def wait(self, job_id: str, timeout: float = 30.0) -> IngestJob | None:
        """Block until the job is finished (tests and scripts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job is None or job.state in ("done", "failed"):
                return job
            time.sleep(0.05)
        return self.job(job_id)

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            job = self._jobs[job_id]
            for key, value in changes.items():
                setattr(job, key, value)
            if "progress" not in changes or "state" in changes:  # progress ticks are not worth a write
                self._save(job)

    def _set_files(self, job_id: str, status: str, message: str = "") -> None:
        with self._lock:
            job = self._jobs[job_id]
            for f in job.files:
                if f.status not in ("done", "failed"):
                    f.status = status  # type: ignore[assignment]
                    f.message = message or f.message
                if f.status == "failed":
                    (self.dir / f.stored).unlink(missing_ok=True)  # in no index: only fills the disk
            self._save(job)

    def _failed(self, job_id: str, message: str) -> None:
        """The job and its unfinished files failed, in one step: no reader sees a failed job whose
        files are still being ingested."""
        with self._lock:
            self._set_files(job_id, "failed", message)
            self._update(job_id, state="failed", error=message, progress=1.0)

    def _run(self, job_id: str) -> None:
        with self._run_lock:  # one ingest at a time from this process; the index has its own lock too
            self._update(job_id, state="running", stage="start")
            self._set_files(job_id, "ingesting")
            job = self.job(job_id)
            assert job is not None
            paths = [self.dir / f.stored for f in job.files if f.status != "failed"]

            def progress(stage: str, done: int, total: int) -> None:
                self._update(job_id, stage=stage, progress=(done / total) if total else 0.0)

            try:
                report = self._ingest(paths, self.settings, progress=progress, wait=self._wait_s)
            except InkoopwijzerError as exc:
                self._failed(job_id, str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - a background thread must report, not die silently
                log.exception("ingest job %s failed", job_id)
                self._failed(job_id, f"Onverwachte fout bij het verwerken ({exc.__class__.__name__}).")
                return
            failed = {Path(f.path).name: f.error for f in report.failed}
            with self._lock:
                live = self._jobs[job_id]
                for f in live.files:
                    if f.status == "failed":
                        continue
                    if f.stored in failed:
                        f.status, f.message = "failed", failed[f.stored]
                        (self.dir / f.stored).unlink(missing_ok=True)
                    else:
                        f.status, f.message = "done", "Opgenomen in de index."
                live.report = report
                live.state = "done"
                live.stage = "klaar"
                live.progress = 1.0
                self._save(live)
