"""Checks a file must pass before a parser opens it, and the budget a parser runs under.

A zip-based format (DOCX, and any other file that is a zip archive) says in its central
directory how large each member unpacks to. A "zip bomb" is small on disk and huge unpacked:
a 388 KB DOCX whose XML inflates to 100 MB took +1 GB of memory and over a minute of parsing
while holding the ingest lock. `check_archive` reads only the directory and refuses such a
file before anything is inflated. The declared sizes can be trusted as an upper bound:
Python's `zipfile` (which python-docx uses) never inflates a member past its declared size
and fails on a CRC mismatch, so an archive that lies about its sizes fails, it does not grow.

What passes can still be costly: a few MB of text take the parser minutes. `ParseBudget`
parses each file in a child process with a time limit and an address-space limit; a file
that needs more is refused (`too_slow`, `too_large`) and the ingest goes on with the others,
instead of one upload holding the ingest lock and the server's memory.

A scanned page is read by Tesseract (`ingest.ocr`), seconds a page: the child says when it starts
OCR on a page, and each such page adds its own allowance (`ocr_page_s`) to the file's time, up to
`ocr_max_s` in all. The child runs in a session (process group) of its own, with its own temporary
folder: a child that ran out of time is killed with everything it started (a Tesseract run
included), and its temporary files are removed.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from inkoopwijzer.errors import IngestError

__all__ = ["MAX_ENTRIES", "RATIO_FLOOR", "ParseBudget", "check_archive", "is_zip"]

MAX_ENTRIES = 10_000  # a DOCX has tens of members; thousands are a sign of abuse
STARTUP_S = 120.0  # for the parser process to start (not counted in the parse time-out)
RATIO_FLOOR = 1024 * 1024  # members smaller than this unpacked are not judged by their ratio


def is_zip(path: Path) -> bool:
    """True when the file starts as a zip archive does (whatever its suffix says)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def check_archive(path: Path, max_inflated_mb: float, max_ratio: float) -> None:
    """Refuse (`IngestError`, reason `zip_bomb` or `corrupt`) a zip archive that would unpack
    to more than `max_inflated_mb` in all, or whose member unpacks to more than `max_ratio`
    times its packed size; a file that is no zip archive passes."""
    if not is_zip(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"{path.name}: corrupt archive ({exc}).", "corrupt") from exc
    if len(members) > MAX_ENTRIES:
        raise IngestError(
            f"{path.name}: the archive holds {len(members):,} files (at most {MAX_ENTRIES:,}); refused unread.", "zip_bomb"
        )
    total = sum(m.file_size for m in members)
    limit = max_inflated_mb * 1024 * 1024
    if total > limit:
        raise IngestError(
            f"{path.name}: unpacks to {total / 1024 / 1024:,.0f} MB, over the limit of {max_inflated_mb:g} MB "
            "(INKOOPWIJZER_MAX_INFLATED_MB); refused unread.",
            "zip_bomb",
        )
    for m in members:
        if m.file_size >= RATIO_FLOOR and m.file_size > max_ratio * max(m.compress_size, 1):
            ratio = m.file_size / max(m.compress_size, 1)
            raise IngestError(
                f"{path.name}: its part {m.filename!r} unpacks {ratio:,.0f} times its size "
                f"(at most {max_ratio:g}, INKOOPWIJZER_MAX_ZIP_RATIO): a zip bomb; refused unread.",
                "zip_bomb",
            )


def _send(stream: IO[bytes], payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack(">Q", len(data)) + data)
    while view:  # an unbuffered pipe may take part of it at a time
        view = view[stream.write(view) or 0 :]
    stream.flush()


def _read(stream: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    while size:
        part = stream.read(size)  # an unbuffered pipe returns what is there, at most `size`
        if not part:
            raise EOFError("the parser process ended")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _receive(stream: IO[bytes]) -> Any:
    (size,) = struct.unpack(">Q", _read(stream, 8))
    return pickle.loads(_read(stream, size))  # noqa: S301 - our own child process, over a pipe


def _serve(memory_mb: int) -> None:
    """The child: parse the files it is sent, one at a time, under an address-space limit. Before
    it reads a page by OCR it says so (`("ocr", page)`), so that page's time is allowed for."""
    from .pipeline import parse_file

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    _send(sink, ("ready",))  # the parse time-out counts from here, not from the interpreter's start

    def ocr_started(page: int) -> None:
        _send(sink, ("ocr", page))

    while True:
        try:
            path, kwargs = _receive(source)
        except EOFError:
            return
        try:
            _send(sink, ("ok", parse_file(path, on_ocr_page=ocr_started, **kwargs)))
        except IngestError as exc:
            _send(sink, ("error", str(exc), exc.reason))
        except MemoryError:
            _send(sink, ("error", f"{path.name}: parsing needs more memory than INKOOPWIJZER_PARSE_MEMORY_MB allows.", "too_large"))
        except Exception as exc:  # noqa: BLE001 - reported like any parser crash: this file's problem only
            _send(sink, ("crash", f"{exc.__class__.__name__}: {exc}", "corrupt"))


class ParseBudget:
    """Parse files one at a time in a child process, each within `timeout_s` seconds and
    `memory_mb` of address space, plus `ocr_page_s` seconds for each page read by OCR (at most
    `ocr_max_s` in all). Use as a context manager around one ingest:

        with ParseBudget(120, 2048, ocr_page_s=60, ocr_max_s=1800) as budget:
            doc = budget.parse(path, max_file_mb=50, ...)   # `ingest.pipeline.parse_file`'s keywords

    The child is a fresh interpreter (`python -m ingest.safety`), not a fork of a process with
    threads, in a process group of its own with `TMPDIR` set to a folder of its own; it is reused
    for the next file. One that ran out of time is killed with its whole group (an OCR run it
    started included), its folder removed, and a fresh one started for the next file.
    A parser crash becomes an `IngestError` (reason `corrupt`) naming the crash.
    """

    def __init__(self, timeout_s: float, memory_mb: int, ocr_page_s: float = 0.0, ocr_max_s: float = 0.0) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.ocr_page_s = ocr_page_s
        self.ocr_max_s = ocr_max_s
        self._child: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None

    def __enter__(self) -> ParseBudget:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _process(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self.close()  # a child that died on its own may have left its group and folder
            self._tmp = Path(tempfile.mkdtemp(prefix="inkoopwijzer-parse-"))
            env = {**os.environ, "TMPDIR": str(self._tmp)}  # what the parser (and OCR) write lands here
            child = subprocess.Popen(
                [sys.executable, "-m", "ingest.safety", str(self.memory_mb)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent,
                env=env, start_new_session=True,
                bufsize=0,  # unbuffered: a reply read must not take the next one into a buffer `select` cannot see
            )
            assert child.stdout is not None
            self._child = child
            ready, _, _ = select.select([child.stdout], [], [], STARTUP_S)
            try:
                started = bool(ready) and _receive(child.stdout) == ("ready",)
            except EOFError:
                started = False
            if not started:
                self.close()
                raise IngestError(
                    f"The parser process (python -m ingest.safety) did not start within {STARTUP_S:g} s; "
                    "see the server log, and try again.",
                    "error",
                )
        return self._child

    def ocr_allowance(self, pages: int) -> float:
        """Seconds added to a file's parse time when `pages` of its pages are read by OCR."""
        return min(pages * self.ocr_page_s, self.ocr_max_s)

    def parse(self, path: Path, **kwargs: Any) -> Any:
        """`parse_file(path, **kwargs)` within the budget; `IngestError` when it is exceeded."""
        try:
            child = self._process()
            assert child.stdin is not None and child.stdout is not None
            _send(child.stdin, (path, {"ocr_page_timeout_s": self.ocr_page_s or None, **kwargs}))
            started = time.monotonic()
            ocr_pages = 0
            while True:
                left = started + self.timeout_s + self.ocr_allowance(ocr_pages) - time.monotonic()
                ready, _, _ = select.select([child.stdout], [], [], max(0.0, left))
                if not ready:
                    self.close()
                    raise IngestError(self._too_slow(path, ocr_pages), "too_slow")
                reply = _receive(child.stdout)
                if reply[0] != "ocr":
                    break
                ocr_pages += 1
        except (EOFError, BrokenPipeError, OSError) as exc:
            self.close()
            raise IngestError(
                f"{path.name}: the parser ran out of memory (INKOOPWIJZER_PARSE_MEMORY_MB={self.memory_mb}) or crashed.",
                "too_large",
            ) from exc
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "crash":  # worded as `index.store` words a parser crash in-process
            raise IngestError(f"{path.name}: could not be read ({reply[1]}).", "corrupt")
        raise IngestError(reply[1], reply[2])

    def _too_slow(self, path: Path, ocr_pages: int) -> str:
        if not ocr_pages:
            return f"{path.name}: parsing took longer than {self.timeout_s:g} s (INKOOPWIJZER_PARSE_TIMEOUT_S); refused."
        allowance = self.ocr_allowance(ocr_pages)
        capped = allowance < ocr_pages * self.ocr_page_s
        raise_what = (
            f"at most INKOOPWIJZER_OCR_MAX_S={self.ocr_max_s:g} s for OCR in all; raise it to read longer scans"
            if capped
            else f"INKOOPWIJZER_OCR_PAGE_TIMEOUT_S={self.ocr_page_s:g} s a scanned page; raise it on a slow machine"
        )
        return (
            f"{path.name}: parsing took longer than {self.timeout_s + allowance:g} s while reading scanned page(s) by OCR "
            f"({ocr_pages} page(s) so far; INKOOPWIJZER_PARSE_TIMEOUT_S={self.timeout_s:g} s, plus {raise_what}); "
            "refused. A PDF with a text layer needs no OCR."
        )

    def close(self) -> None:
        """Stop the child and everything it started (its process group), and remove its temporary folder."""
        child, self._child = self._child, None
        tmp, self._tmp = self._tmp, None
        if child is not None:
            if child.returncode is None:  # not reaped yet, so its group id cannot have been reused
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    stream.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
