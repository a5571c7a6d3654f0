"""The one error tree of Inkoopwijzer.

    InkoopwijzerError                 base; its message says what to do next
    ├── ConfigError                   a setting is missing or wrong
    ├── IngestError                   one file could not be ingested (reason in `.reason`)
    ├── IndexMissingError             no index built yet: run `inkoopwijzer ingest`
    │   └── IndexBuildingError        the first index is being built in the background: ask again soon
    ├── IndexBusyError                another ingest holds the index lock
    ├── StoreUnavailableError         the vector store (e.g. a Chroma server) cannot be reached
    ├── BadRequestError               a question or request that cannot be served as given
    └── RequestCancelledError         the client went away; the rest of its work is skipped

Boundaries translate these: the CLI prints the message and exits non-zero, the API
answers with a 4xx/5xx JSON body, the UI shows a `gr.Error`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BadRequestError",
    "ConfigError",
    "IndexBusyError",
    "IndexBuildingError",
    "IndexMissingError",
    "IngestError",
    "InkoopwijzerError",
    "RequestCancelledError",
    "StoreUnavailableError",
]


class InkoopwijzerError(Exception):
    """Base class: every expected failure of the product."""


class ConfigError(InkoopwijzerError):
    """A setting is missing or invalid."""


class IngestError(InkoopwijzerError):
    """One file could not be ingested; `reason` is a short machine-readable code."""

    def __init__(self, message: str, reason: str = "error") -> None:
        super().__init__(message)
        self.reason = reason


class IndexMissingError(InkoopwijzerError):
    """There is no index to search yet."""

    def __init__(self, message: str = "Er is nog geen index. Run `inkoopwijzer ingest` first.") -> None:
        super().__init__(message)


class IndexBuildingError(IndexMissingError):
    """There is no index yet, but the server is building the first one in the background;
    `progress` is that build's snapshot (an `index.build.BuildProgress`)."""

    def __init__(
        self, progress: Any, message: str = "The index is being built; ask again in a few seconds."
    ) -> None:
        super().__init__(message)
        self.progress = progress


class IndexBusyError(InkoopwijzerError):
    """Another ingest is running."""


class StoreUnavailableError(InkoopwijzerError):
    """The vector store cannot be reached."""


class BadRequestError(InkoopwijzerError):
    """A request that cannot be served as given (too long, empty, unknown filter...)."""


class RequestCancelledError(InkoopwijzerError):
    """The client of this request disconnected; work not yet started is skipped."""

    def __init__(self, message: str = "The client disconnected; the request was not finished.") -> None:
        super().__init__(message)
