"""Files the desk exports (conversations, feedback as gold questions), kept out of Gradio's
file cache: the public app serves anything in that cache to anyone who has the path.

An export is written to `data_dir/exports/<random id>/<name>`, offered at
`/desk/exports/<id>/<name>` to a logged-in desk user only (see `ui.server`), and deleted once
it has been downloaded, or `ttl_s` after it was made, whichever comes first.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import time
from pathlib import Path

__all__ = ["EXPORT_ROUTE", "ExportStore"]

log = logging.getLogger(__name__)

EXPORT_ROUTE = "/desk/exports"
_ID = re.compile(r"^[0-9a-f]{32}$")
_NAME = re.compile(r"^[\w.-]{1,120}$")


class ExportStore:
    def __init__(self, folder: Path, ttl_s: float) -> None:
        self.folder = folder
        self.ttl_s = ttl_s

    def add(self, name: str, content: str) -> str:
        """Store one export; returns the path it is offered at."""
        if not _NAME.match(name):
            raise ValueError(f"not a plain file name: {name!r}")
        self.sweep()
        export_id = secrets.token_hex(16)
        folder = self.folder / export_id
        folder.mkdir(parents=True)
        (folder / name).write_text(content, encoding="utf-8")
        return f"{EXPORT_ROUTE}/{export_id}/{name}"

    def path(self, export_id: str, name: str) -> Path | None:
        """The file of an export that exists and has not expired."""
        if not _ID.match(export_id) or not _NAME.match(name):
            return None
        path = self.folder / export_id / name
        try:
            made = path.stat().st_mtime
        except OSError:
            return None
        if time.time() - made > self.ttl_s:
            self.remove(export_id)
            return None
        return path

    def take(self, export_id: str, name: str) -> bytes | None:
        """The content of an export, removed as it is read: only one download gets it."""
        path = self.path(export_id, name)
        if path is None:
            return None
        taken = self.folder / f".taken-{export_id}-{secrets.token_hex(4)}"
        try:
            os.rename(path.parent, taken)  # atomic: of two downloads at once, one wins
        except OSError:
            return None
        try:
            return (taken / name).read_bytes()
        finally:
            shutil.rmtree(taken, ignore_errors=True)

    def remove(self, export_id: str) -> None:
        if _ID.match(export_id):
            shutil.rmtree(self.folder / export_id, ignore_errors=True)

    def sweep(self) -> int:
        """Delete every export older than the time-to-live; returns how many."""
        if not self.folder.is_dir():
            return 0
        now, removed = time.time(), 0
        for folder in self.folder.iterdir():
            try:
                old = now - folder.stat().st_mtime > self.ttl_s
            except OSError:
                continue
            if old:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        if removed:
            log.info("removed %d expired desk export(s)", removed)
        return removed

    def count(self) -> int:
        return sum(1 for _ in self.folder.iterdir()) if self.folder.is_dir() else 0
