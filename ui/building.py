"""What the JSON API says about the background build of the first index: the build's progress
(`BuildOut`, also in `/healthz`) and the 503 a route that needs the index answers meanwhile.

    build_out(progress) -> BuildOut
    building_response(exc) -> JSONResponse   503, Retry-After, {"error": …, "build": BuildOut}
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.service import BuildProgress
from inkoopwijzer.errors import IndexBuildingError

from .render import build_message

__all__ = ["BUILDING_RESPONSE", "BUILDING_RETRY_AFTER", "BuildOut", "BuildingOut", "build_out", "building_response"]

# Seconds a client is asked to wait while the first index is being built.
BUILDING_RETRY_AFTER = 10


class BuildOut(BaseModel):
    state: Literal["building", "done", "failed"]
    stage: str = Field(description="start, parse (files), facts, embed (passages), lexicon, index (passages): in that order")
    done: int
    total: int
    seconds: float = Field(description="Since the build started")
    message: str = Field(description="For people, e.g. 'index wordt gebouwd: 212 van 508 passages'")
    error: str | None = None


class BuildingOut(BaseModel):
    error: str = Field(description="What to do: ask again after Retry-After seconds")
    build: BuildOut


# the `responses` entry of a route that needs the index
BUILDING_RESPONSE: dict[int | str, dict[str, Any]] = {
    503: {"model": BuildingOut, "description": "No index yet: the first one is being built (Retry-After, progress)"}
}


def build_out(progress: BuildProgress) -> BuildOut:
    return BuildOut(state=progress.state, stage=progress.stage, done=progress.done, total=progress.total,
                    seconds=progress.seconds, message=build_message(progress), error=progress.error)


def building_response(exc: IndexBuildingError) -> JSONResponse:
    """503 with Retry-After and the build's progress, for a request that needs the index."""
    body = BuildingOut(error=str(exc), build=build_out(exc.progress))
    return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": str(BUILDING_RETRY_AFTER)})
