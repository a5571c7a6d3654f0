"""Web chat (Gradio) and JSON API (FastAPI) over the assistant.

Importing `ui` is cheap; Gradio is loaded when an app is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import create_app, serve

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
