"""What one request may make the embedder do.

The embedding engine is not re-entrant: every embedding of every request waits for one lock.
So the work a single request causes inside it must be small and bounded, whatever the request
holds. The limits on text length live where the text is embedded (`embeddings.CachedEmbedder`);
this module counts what is per request:

- how many unknown words it may look up in the lexicon (one embedding each), and
- whether its client is still there (a request whose client left starts no new embedding).

The assistant opens a budget around each question (`request_budget`); code that embeds asks it
(`take_lookup`, `raise_if_cancelled`). Outside a budget (ingest, benchmarks, the CLI's own
calls) nothing is limited. The budget is a context variable, so each thread and each request
has its own.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from inkoopwijzer.errors import RequestCancelledError

__all__ = ["RequestBudget", "cancellable", "current_budget", "raise_if_cancelled", "request_budget", "take_lookup"]


@dataclass
class RequestBudget:
    lookups_left: int
    cancelled: threading.Event = field(default_factory=threading.Event)
    lookups_refused: int = 0


_current: ContextVar[RequestBudget | None] = ContextVar("inkoopwijzer_request_budget", default=None)


@contextmanager
def request_budget(lookups: int, cancelled: threading.Event | None = None) -> Iterator[RequestBudget]:
    """A fresh budget for the work of one request. An enclosing budget's cancel event is kept:
    the API opens one to say "the client left", the assistant one to count its lookups."""
    outer = _current.get()
    event = cancelled or (outer.cancelled if outer is not None else threading.Event())
    budget = RequestBudget(lookups_left=lookups, cancelled=event)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def current_budget() -> RequestBudget | None:
    return _current.get()


def take_lookup() -> bool:
    """One lexicon lookup: True when the request may still embed a word (always outside a budget)."""
    budget = _current.get()
    if budget is None:
        return True
    if budget.lookups_left <= 0:
        budget.lookups_refused += 1
        return False
    budget.lookups_left -= 1
    return True


def raise_if_cancelled() -> None:
    """Stop before new embedding work when the request's client has gone."""
    budget = _current.get()
    if budget is not None and budget.cancelled.is_set():
        raise RequestCancelledError()


def cancellable(cancelled: threading.Event) -> AbstractContextManager[RequestBudget]:
    """A budget that only carries "the client left" (the assistant opens the counting one inside it)."""
    return request_budget(sys.maxsize, cancelled)
