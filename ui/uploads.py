"""New policy documents from the desk: stored under `data_dir/uploads` with generated
names, then ingested in a background thread whose progress and per-file result can be polled.
"""

from __future__ import annotations

import logging
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

__all__ = ["ALLOWED_SUFFIXES", "IngestJob", "UploadManager", "UploadedFile"]

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


def _default_ingest(paths: list[Path], settings: Settings, **kwargs: Any) -> IngestReport:
    from index.store import ingest_paths  # lazy: the index stack loads models and Chroma

    return ingest_paths(paths, settings, **kwargs)


def _safe_original(name: str) -> str:
    # Only for display: the last path component, no control characters, bounded.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:200] or "(naamloos)"


class UploadManager:
    """Saves uploads and runs one ingest at a time in a background thread."""

    def __init__(self, settings: Settings, ingest: IngestFn | None = None, wait_s: float = 600.0) -> None:
        self.settings = settings
        self.dir = settings.data_dir / "uploads"
        self._ingest = ingest or _default_ingest
        self._wait_s = wait_s
        self._jobs: dict[str, IngestJob] = {}
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()

    def save(self, original_name: str, source: IO[bytes]) -> UploadedFile:
        """Copy one upload to a new generated name; BadRequestError for an unsupported type."""
        original = _safe_original(original_name)
        suffix = Path(original).suffix.lower()
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

    def start(self, files: list[UploadedFile]) -> IngestJob:
        """Queue an ingest of saved files; returns at once with the job to poll."""
        job = IngestJob(
            id=secrets.token_hex(8),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            files=[f.model_copy() for f in files],
        )
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job.id,), name=f"ingest-{job.id}", daemon=True).start()
        return self.job(job.id) or job

    def job(self, job_id: str) -> IngestJob | None:
        """A snapshot of one job (safe to hand out while the worker updates it)."""
        with self._lock:
            job = self._jobs.get(job_id)
            return job.model_copy(deep=True) if job else None

    def jobs(self) -> list[IngestJob]:
        with self._lock:
            return [j.model_copy(deep=True) for j in self._jobs.values()]

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

    def _set_files(self, job_id: str, status: str, message: str = "") -> None:
        with self._lock:
            for f in self._jobs[job_id].files:
                if f.status not in ("done", "failed"):
                    f.status = status  # type: ignore[assignment]
                    f.message = message or f.message

    def _run(self, job_id: str) -> None:
        with self._run_lock:  # one ingest at a time from this process; the index has its own lock too
            self._update(job_id, state="running", stage="start")
            self._set_files(job_id, "ingesting")
            job = self.job(job_id)
            assert job is not None
            paths = [self.dir / f.stored for f in job.files]

            def progress(stage: str, done: int, total: int) -> None:
                self._update(job_id, stage=stage, progress=(done / total) if total else 0.0)

            try:
                report = self._ingest(paths, self.settings, progress=progress, wait=self._wait_s)
            except InkoopwijzerError as exc:
                self._update(job_id, state="failed", error=str(exc), progress=1.0)
                self._set_files(job_id, "failed", str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - a background thread must report, not die silently
                log.exception("ingest job %s failed", job_id)
                message = f"Onverwachte fout bij het verwerken ({exc.__class__.__name__})."
                self._update(job_id, state="failed", error=message, progress=1.0)
                self._set_files(job_id, "failed", message)
                return
            failed = {Path(f.path).name: f.error for f in report.failed}
            with self._lock:
                live = self._jobs[job_id]
                for f in live.files:
                    if f.stored in failed:
                        f.status, f.message = "failed", failed[f.stored]
                    else:
                        f.status, f.message = "done", "Opgenomen in de index."
                live.report = report
                live.state = "done"
                live.stage = "klaar"
                live.progress = 1.0
