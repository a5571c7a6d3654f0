"""The index built in the background, so the server is up at once.

`start_background_build(settings)` runs `ensure_index` (build from the shipped corpus when
missing, upgrade an older one) in a daemon thread and returns at once; `build_progress(settings)`
tells anyone in the process how far it got. While a first index is being built there is
nothing to search: the assistant answers "building" and the API says 503 with Retry-After.
An index that is only being upgraded keeps answering from its current version meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Literal

from inkoopwijzer.settings import Settings

from .store import ensure_index

__all__ = ["BuildProgress", "build_progress", "start_background_build"]

log = logging.getLogger(__name__)

BuildState = Literal["building", "done", "failed"]


@dataclass(frozen=True)
class BuildProgress:
    """A snapshot of a background build. `stage` is the store's progress stage, in order: start,
    parse (files), facts, embed (passages), lexicon, index (passages); `done` of `total` counts
    within it."""

    state: BuildState
    stage: str = "start"
    done: int = 0
    total: int = 0
    started: float = 0.0
    ended: float | None = None
    error: str | None = None
    index_version: str | None = None

    @property
    def running(self) -> bool:
        return self.state == "building"

    @property
    def seconds(self) -> float:
        """How long it ran (so far)."""
        return round((self.ended or time.monotonic()) - self.started, 1)


class _Build:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._progress = BuildProgress("building", started=time.monotonic())
        self.thread = threading.Thread(target=self._run, name="inkoopwijzer-index-build", daemon=True)

    def progress(self) -> BuildProgress:
        with self._lock:
            return self._progress

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._progress = replace(self._progress, **changes)  # type: ignore[arg-type]

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self._update(stage=stage, done=done, total=total)

    def _run(self) -> None:
        try:
            report = ensure_index(self.settings, progress=self._on_progress)
        except Exception as exc:  # noqa: BLE001 - reported through the progress, never lost
            log.exception("building the index failed")
            self._update(state="failed", error=str(exc) or exc.__class__.__name__, ended=time.monotonic())
            return
        version = report.index_version if report else None
        if report is not None and report.failed:
            log.warning("index built; %d file(s) failed: %s", len(report.failed), "; ".join(f.error for f in report.failed))
        log.info("index ready (%s) after %.1f s", version or "already up to date", self.progress().seconds)
        self._update(state="done", index_version=version, ended=time.monotonic())


_builds: dict[str, _Build] = {}
_builds_lock = threading.Lock()


def _key(settings: Settings) -> str:
    return str(settings.index_dir.resolve())


def start_background_build(settings: Settings) -> BuildProgress:
    """Start building (or upgrading) the index in a background thread, unless one runs already."""
    with _builds_lock:
        build = _builds.get(_key(settings))
        if build is None or not build.progress().running:
            build = _builds[_key(settings)] = _Build(settings)
            build.thread.start()
        return build.progress()


def build_progress(settings: Settings) -> BuildProgress | None:
    """How the background build of this index is doing; None when none was started."""
    with _builds_lock:
        build = _builds.get(_key(settings))
    return build.progress() if build else None
