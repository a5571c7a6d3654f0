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
`ocr_max_s` in all. The child (`inkoopwijzer.child.Worker`) runs in a process group of its own, with
its own temporary folder: a child that ran out of time is killed with everything it started (a
Tesseract run included), and its temporary files are removed.
"""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path
from types import TracebackType
from typing import Any

from inkoopwijzer.child import Worker, serve
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


def _serve(memory_mb: int) -> None:
    """The child: parse the files it is sent, one at a time. Before it reads a page by OCR it says
    so (`("ocr", page)`), so that page's time is allowed for."""
    from .pipeline import parse_file

    def handle(request: tuple[Path, dict[str, Any]], tell: Any) -> tuple[Any, ...]:
        path, kwargs = request
        try:
            return ("ok", parse_file(path, on_ocr_page=lambda page: tell(("ocr", page)), **kwargs))
        except IngestError as exc:
            return ("error", str(exc), exc.reason)
        except MemoryError:
            return ("error", f"{path.name}: parsing needs more memory than INKOOPWIJZER_PARSE_MEMORY_MB allows.", "too_large")
        except Exception as exc:  # noqa: BLE001 - reported like any parser crash: this file's problem only
            return ("crash", f"{exc.__class__.__name__}: {exc}", "corrupt")

    serve(memory_mb, handle)  # the parse time-out counts from its "ready", not from the interpreter's start


class ParseBudget:
    """Parse files one at a time in a child process, each within `timeout_s` seconds and
    `memory_mb` of address space, plus `ocr_page_s` seconds for each page read by OCR (at most
    `ocr_max_s` in all). Use as a context manager around one ingest:

        with ParseBudget(120, 2048, ocr_page_s=60, ocr_max_s=1800) as budget:
            doc = budget.parse(path, max_file_mb=50, ...)   # `ingest.pipeline.parse_file`'s keywords

    The child (`python -m ingest.safety`, an `inkoopwijzer.child.Worker`) is reused for the next
    file. One that ran out of time is killed with its whole process group (an OCR run it started
    included), its temporary folder removed, and a fresh one started for the next file.
    A parser crash becomes an `IngestError` (reason `corrupt`) naming the crash.
    """

    def __init__(self, timeout_s: float, memory_mb: int, ocr_page_s: float = 0.0, ocr_max_s: float = 0.0) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.ocr_page_s = ocr_page_s
        self.ocr_max_s = ocr_max_s
        self._worker = Worker("ingest.safety", memory_mb)

    def __enter__(self) -> ParseBudget:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _start(self) -> None:
        if not self._worker.start(STARTUP_S):
            raise IngestError(
                f"The parser process (python -m ingest.safety) did not start within {STARTUP_S:g} s; "
                "see the server log, and try again.",
                "error",
            )

    def ocr_allowance(self, pages: int) -> float:
        """Seconds added to a file's parse time when `pages` of its pages are read by OCR."""
        return min(pages * self.ocr_page_s, self.ocr_max_s)

    def parse(self, path: Path, **kwargs: Any) -> Any:
        """`parse_file(path, **kwargs)` within the budget; `IngestError` when it is exceeded."""
        self._start()
        try:
            self._worker.send((path, {"ocr_page_timeout_s": self.ocr_page_s or None, **kwargs}))
            started = time.monotonic()
            ocr_pages = 0
            while True:
                reply = self._worker.reply(started + self.timeout_s + self.ocr_allowance(ocr_pages) - time.monotonic())
                if reply is None:
                    self.close()
                    raise IngestError(self._too_slow(path, ocr_pages), "too_slow")
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
        self._worker.stop()


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
