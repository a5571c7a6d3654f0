"""What a question can be answered from: the insurers, care types and years the corpus covers,
and the filters a question implies (outdated policies only when asked for)."""

from __future__ import annotations

from index.search import HybridSearcher
from index.validity import is_outdated
from inkoopwijzer.types import Filters

from .query import Question

__all__ = ["Scope"]


class Scope:
    """The corpus's coverage, read from one index version's document metadata."""

    def __init__(self, searcher: HybridSearcher) -> None:
        self.searcher = searcher
        self.insurers = sorted({m.insurer for m in searcher.metas.values() if m.insurer})
        self.care_types = sorted({ct for m in searcher.metas.values() for ct in m.care_types})

    def problem(self, q: Question) -> str | None:
        """Why the corpus cannot answer this at all (uncovered insurer/care type/year)."""
        lang = q.language
        if q.insurers and not set(q.insurers) & set(self.insurers):
            names = ", ".join(q.insurers)
            have = ", ".join(self.insurers)
            return (
                f"there is no policy of {names} among the documents (available: {have})."
                if lang == "en"
                else f"er zit geen beleid van {names} in de documenten (beschikbaar: {have})."
            )
        if q.care_types and not set(q.care_types) & set(self.care_types):
            have = ", ".join(self.care_types)
            return (
                f"the documents do not cover that type of care (available: {have})."
                if lang == "en"
                else f"de documenten gaan niet over die zorgsoort (beschikbaar: {have})."
            )
        if q.years and q.care_types:
            docs = [
                m
                for m in self.searcher.metas.values()
                if (not q.insurers or m.insurer in q.insurers) and set(q.care_types) & set(m.care_types)
            ]
            latest = max((max(m.years) for m in docs if m.years), default=None)
            # only a year after the policies' range is surely not covered: an earlier one
            # may be history the current policy talks about ("sinds 2025")
            if latest is not None and min(q.years) > latest:
                covered = sorted({y for m in docs for y in m.years})
                span = (str(covered[0]) if covered[0] == covered[-1] else f"{covered[0]}–{covered[-1]}") if covered else "?"
                return (
                    f"the documents on that type of care cover {span}, not {', '.join(map(str, q.years))}."
                    if lang == "en"
                    else f"de documenten over die zorgsoort gelden voor {span}, niet voor {', '.join(map(str, q.years))}."
                )
        if q.years:
            docs = [m for m in self.searcher.metas.values() if not q.insurers or m.insurer in q.insurers]
            max_year = max((max(m.years) for m in docs if m.years), default=0)
            if max_year and min(q.years) > max_year:
                return (
                    f"there is no policy for {min(q.years)} yet (latest: {max_year})."
                    if lang == "en"
                    else f"er is nog geen beleid voor {min(q.years)} (meest recent: {max_year})."
                )
        return None

    def filters(self, q: Question, user: Filters | None) -> Filters:
        """The question's (and the user's) filters, with outdated policies in only when asked for."""
        f = user.model_copy() if user else Filters()
        if not f.insurers:
            f.insurers = [i for i in q.insurers if i in self.insurers]
        if not f.care_types:
            f.care_types = [c for c in q.care_types if c in self.care_types]
        candidates = [
            m
            for m in self.searcher.metas.values()
            if (not f.insurers or m.insurer in f.insurers)
            and (not f.care_types or set(f.care_types) & set(m.care_types))
        ]
        current = [m for m in candidates if not is_outdated(m, self.searcher.year)]
        outdated = [m for m in candidates if is_outdated(m, self.searcher.year)]
        # an outdated policy answers only when the question asks for its years, or when
        # nothing current covers what is asked (then with a notice)
        asks_old_year = (
            bool(q.years)
            and any(set(q.years) & set(m.years) for m in outdated)
            and not any(set(q.years) & set(m.years) for m in current)
        )
        # a kind of care the question names that only an outdated policy covers ("tussen GRZ en ZG")
        named_old = any(
            not any(c in m.care_types for m in current) and any(c in m.care_types for m in outdated) for c in f.care_types
        )
        if not current or asks_old_year or named_old:
            f.include_outdated = True
        if asks_old_year and not f.years:
            f.years = [y for y in q.years if any(y in m.years for m in outdated)]
        return f
