"""The planning routes of the JSON API: dated events, thresholds and the iCalendar feed.

    GET /api/deadlines        events by date (JSON)
    GET /api/deadlines.ics    the same events with days, as a subscribable calendar
    GET /api/thresholds       amounts, percentages, counts and durations

They take the filters `insurer`, `care_type`, `year` and `include_outdated`, as `inkoopwijzer
deadlines` does; the two event routes also `from`, `/api/deadlines` and `/api/thresholds` also
`kind` (event kinds, threshold kinds). While the first index is being built they answer 503 with
Retry-After and the build's progress (`ui.building`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assistant.planning import FactQuery
from inkoopwijzer.types import DatedEvent, EventKind, Threshold, ThresholdKind

from .building import BUILDING_RESPONSE
from .services import Services

__all__ = ["add_planning_routes"]

Insurer = Annotated[list[str] | None, Query(description="Only this insurer (repeatable), e.g. Salland")]
CareType = Annotated[list[str] | None, Query(description="Only this care type (repeatable), e.g. MSZ")]
Year = Annotated[int | None, Query(ge=1900, le=2200, description="Only events on a day of this calendar year (thresholds: of policies covering it)")]
From = Annotated[date | None, Query(alias="from", description="Only events that have not ended before this day (YYYY-MM-DD)")]
Outdated = Annotated[bool, Query(description="Also outdated or superseded policies")]


def _query(insurer: list[str] | None, care_type: list[str] | None, year: int | None, start: date | None,
           include_outdated: bool, kinds: list[str] | None = None) -> FactQuery:
    return FactQuery(insurers=insurer or [], care_types=care_type or [], year=year, from_date=start,
                     include_outdated=include_outdated, kinds=kinds or [])


def add_planning_routes(router: APIRouter, services: Services) -> None:
    """Add the planning routes to the `/api` router (before its catch-all route)."""

    @router.get("/deadlines", response_model=list[DatedEvent], tags=["planning"], responses=BUILDING_RESPONSE)
    def deadlines(
        insurer: Insurer = None,
        care_type: CareType = None,
        year: Year = None,
        start: From = None,
        include_outdated: Outdated = False,
        kind: Annotated[list[EventKind] | None, Query(description="deadline, event, start or window (repeatable)")] = None,
    ) -> list[DatedEvent]:
        """The dated events of the indexed policies, by date: each with its kind, who it concerns, what
        happens, and the verbatim unit(s) it comes from with section and page. A year the text leaves
        out and that was inferred from the planning table or the sentence has `year_inferred`."""
        return services.assistant().events(_query(insurer, care_type, year, start, include_outdated, list(kind or [])))

    @router.get(
        "/deadlines.ics",
        tags=["planning"],
        response_class=Response,
        responses={200: {"content": {"text/calendar": {}}, "description": "An iCalendar (RFC 5545) feed"}, **BUILDING_RESPONSE},
    )
    def deadlines_ics(
        insurer: Insurer = None,
        care_type: CareType = None,
        year: Year = None,
        start: From = None,
        include_outdated: Outdated = False,
    ) -> Response:
        """The events that fall on days, as a calendar to subscribe to: all-day, a UID that stays the same
        while the policy's text does, the quote, policy and page in the description, and the cited page as
        URL (under `INKOOPWIJZER_PUBLIC_BASE_URL`). Events known only by month or quarter are left out."""
        body = services.assistant().calendar(_query(insurer, care_type, year, start, include_outdated))
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'inline; filename="inkoopwijzer-planning.ics"'},
        )

    @router.get("/thresholds", response_model=list[Threshold], tags=["planning"], responses=BUILDING_RESPONSE)
    def thresholds(
        insurer: Insurer = None,
        care_type: CareType = None,
        year: Year = None,
        include_outdated: Outdated = False,
        kind: Annotated[list[ThresholdKind] | None, Query(description="amount, percentage, count or duration (repeatable)")] = None,
    ) -> list[Threshold]:
        """Amounts, percentages, counts and durations the policies set, each with what it is a threshold
        of, its comparator (min, max, less, more) and the unit it comes from."""
        return services.assistant().thresholds(_query(insurer, care_type, year, None, include_outdated, list(kind or [])))
