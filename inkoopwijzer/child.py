"""A worker child process that can be stopped whatever it is doing: what the parser
(`ingest.safety.ParseBudget`) and the page renderer (`ui.pagedraw.PageDrawer`) run their work in,
so that a file or a page that needs too much time or memory costs only the child.

The child is a fresh interpreter (`python -m <module> <memory_mb>`, not a fork of a process with
threads) under an address-space limit, in a process group of its own and with a temporary folder
of its own (`TMPDIR`). Requests and replies are pickles, each after its length, over the child's
stdin and stdout:

    worker = Worker("ingest.safety", memory_mb=2048)     # the parent's side
    if not worker.start(startup_s=120): ...              # the child said ("ready",) in time, or not
    worker.send(request)
    reply = worker.reply(timeout_s=5)                    # None: nothing came in time
    worker.stop()                                        # the group killed, the folder removed

    serve(memory_mb, handle)                             # the child's side (its `__main__`)
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
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

__all__ = ["Worker", "serve"]

REPO_ROOT = Path(__file__).resolve().parent.parent


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
            raise EOFError("the worker process ended")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _receive(stream: IO[bytes]) -> Any:
    (size,) = struct.unpack(">Q", _read(stream, 8))
    return pickle.loads(_read(stream, size))  # noqa: S301 - our own child process, over a pipe


class Worker:
    """The parent's handle on one child process running `python -m <module> <memory_mb>`."""

    def __init__(self, module: str, memory_mb: int) -> None:
        self.module = module
        self.memory_mb = memory_mb
        self._child: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def start(self, startup_s: float) -> bool:
        """Start the child unless it runs; False when it did not say it was ready within `startup_s`
        (its start-up is not counted in any request's time)."""
        if self.running:
            return True
        self.stop()  # a child that died on its own may have left its group and folder
        self._tmp = Path(tempfile.mkdtemp(prefix=f"inkoopwijzer-{self.module.rsplit('.', 1)[-1]}-"))
        child = subprocess.Popen(
            [sys.executable, "-m", self.module, str(self.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=REPO_ROOT,
            env={**os.environ, "TMPDIR": str(self._tmp)},  # what the child (and what it runs) writes lands here
            start_new_session=True,
            bufsize=0,  # unbuffered: a reply read must not take the next one into a buffer `select` cannot see
        )
        self._child = child
        try:
            started = self.reply(startup_s) == ("ready",)
        except (EOFError, OSError):
            started = False
        if not started:
            self.stop()
        return started

    def send(self, request: Any) -> None:
        """Send a request (raises `BrokenPipeError` / `OSError` when the child is gone)."""
        assert self._child is not None and self._child.stdin is not None, "start the worker first"
        _send(self._child.stdin, request)

    def reply(self, timeout_s: float) -> Any | None:
        """The child's next message, or None when none came within `timeout_s` (raises
        `EOFError` when the child ended)."""
        assert self._child is not None and self._child.stdout is not None, "start the worker first"
        ready, _, _ = select.select([self._child.stdout], [], [], max(0.0, timeout_s))
        return _receive(self._child.stdout) if ready else None

    def stop(self) -> None:
        """Stop the child and everything it started (its process group), and remove its folder."""
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


def serve(memory_mb: int, handle: Callable[[Any, Callable[[Any], None]], Any]) -> None:
    """The child's loop: under an address-space limit of `memory_mb`, say ("ready",), then for each
    request send what `handle(request, tell)` returns (`tell` sends a message before the reply)."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies

    def tell(message: Any) -> None:
        _send(sink, message)

    tell(("ready",))
    while True:
        try:
            request = _receive(source)
        except EOFError:
            return
        tell(handle(request, tell))
