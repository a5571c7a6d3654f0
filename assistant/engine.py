"""The extractive answering pipeline over one index version: a question passes through
understanding (`understanding`), retrieval (`retrieval`), the unit model's scores
(`extractive.best_units`), selection (`selection`) and composition (`_compose`, `compose`), in that order."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from index.search import Hit, HybridSearcher
from index.validity import is_outdated, validity_notice
from inkoopwijzer.language import detect_language
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import (
    Answer,
    Citation,
    DocumentMeta,
    FeatureContribution,
    Filters,
    QuoteExplanation,
    RetrievedPassage,
    Turn,
)

from . import compose
from .compare import compare_insurers
from .extractive import (
    REQUIRED_PATTERN,
    VALUE_PATTERN,
    Terms,
    Unit,
    UnitScorer,
    best_units,
    count_pattern,
    other_provider,
    split_units,
)
from .query import FactKind, Question, asked_noun, asked_providers, strip_care, strip_names, understand
from .retrieval import Retrieval
from .scope import Scope
from .selection import MIN_SCORE, Selection
from .understanding import Understanding
from .unit_model import UnitModel, load_unit_model
from .validity import MAX_POLICIES, asks_validity, asks_version, status_line, title_unit


@dataclass
class Candidates:
    """A question understood and retrieved for: its filters, weighted terms, passages and units."""

    q: Question
    filters: Filters
    terms: Terms
    hits: list[Hit]
    units: list[Unit]


class Engine:
    def __init__(self, searcher: HybridSearcher, settings: Settings, unit_model: UnitModel | None = None) -> None:
        """`unit_model`: the weights units are scored with (default: the fitted model shipped)."""
        self.searcher = searcher
        self.settings = settings
        df: Counter[str] = Counter(searcher.keyword.doc_freq())
        model = unit_model or load_unit_model()
        self.scorer = UnitScorer(searcher.keyword.tokenizer, df, len(searcher.chunks), model)
        self.scope = Scope(searcher)
        # the stages a question passes through, in order: understanding → retrieval → the unit
        # model's scores (`extractive.best_units`) → selection → composition (`_compose`, `compose`)
        self.understanding = Understanding(searcher, self.scorer)
        self.retrieval = Retrieval(searcher, self.scorer, settings)
        self.selection = Selection(searcher, self.scorer, self.understanding, self.retrieval)

    # ------------------------------------------------------------------ answer
    def answer(self, question: str, history: Sequence[Turn], user_filters: Filters | None, debug: bool) -> Answer:
        """The answer, with the question (and earlier questions) read with misspelt insurer and care
        names and misspelt words corrected (`assistant.names`, `assistant.typos`); the answer says
        how it read them."""
        fixed, turns = self.understanding.corrected(question, history)
        answer = self._answer(fixed.text, turns, user_filters, debug)
        if fixed.read_as:
            answer.question = question
            note = compose.read_as(detect_language(question), fixed.read_as)
            answer.notices = [note, *answer.notices]
        return answer

    def care_groups(self, filters: Filters) -> list[list[str]]:
        """The kinds of care the filters name, grouped by the policies they select (`Retrieval.care_groups`)."""
        return self.retrieval.care_groups(filters)

    def scored_units(self, question: str, history: Sequence[Turn] = ()) -> list[Unit]:
        """The candidate units of a question as the answerer ranks them, each with its features
        (`Unit.features`), best first; none when it is answered without them (out of scope,
        nothing asked…). What `inkoopwijzer tune` fits the unit model on."""
        fixed, turns = self.understanding.corrected(question, history)
        found = self.candidates(fixed.text, turns, None)
        if isinstance(found, Answer):
            return []
        return best_units(found.units, self.scorer, found.q, found.terms)

    def _answer(self, question: str, history: Sequence[Turn], user_filters: Filters | None, debug: bool) -> Answer:
        t0 = time.perf_counter()
        if (compared := compare_insurers(self, question, history, user_filters, debug)) is not None:
            compared.timings = {"total_ms": _ms(t0)}
            return compared
        found = self.candidates(question, history, user_filters, debug)
        if isinstance(found, Answer):
            found.timings = {**found.timings, "total_ms": _ms(t0)}
            return found
        c = found
        t1 = time.perf_counter()
        ranked = best_units(c.units, self.scorer, c.q, c.terms)
        answer = self._compose(
            question, c.q, ranked, c.units, c.filters, c.terms, self.selection.part_bests(c.q, c.units, c.terms), explain=debug
        )
        answer.timings = {"retrieval_ms": round((t1 - t0) * 1000, 1), "answer_ms": _ms(t1), "total_ms": _ms(t0)}
        if debug:
            answer.retrieved = [_passage(h) for h in c.hits]
        return answer

    def candidates(
        self, question: str, history: Sequence[Turn], user_filters: Filters | None, debug: bool = False
    ) -> Candidates | Answer:
        """Understanding and retrieval: the question's candidate units, or the answer when the
        question is answered without them (out of scope, nothing asked, a validity question, a
        policy that never names what is asked)."""
        t0 = time.perf_counter()
        q = understand(question, history)
        problem = self.scope.problem(q)
        if problem:
            return Answer(
                question=question,
                status="not_found",
                answer=compose.not_found(q.language, problem),
                language=q.language,
                retrieved=[] if debug else None,
                refusal=f"buiten de documenten (scope): {problem}" if debug else None,
            )
        if (not self.scorer.has_content(q) and not q.insurers and not q.care_types) or self.scorer.names_only(q):
            # nothing to search for ("hallo?", "en?"): ask what is meant instead of guessing
            return Answer(
                question=question,
                status="clarify",
                answer=compose.clarify(q.language, [*q.insurers, *q.care_types]),
                language=q.language,
                retrieved=[] if debug else None,
            )
        filters = self.scope.filters(q, user_filters)
        if asks_validity(q.text):
            found = self._validity(question, q, filters)
            if found is not None:
                found.retrieved = [] if debug else None
                return found
        expanded, terms = self.understanding.terms(q, filters)  # once: search, rerank and sentences share them
        hits = self.retrieval.retrieve(q, filters, expanded, terms)
        asked = asked_noun(strip_care(strip_names(q.query)), q.language)
        about = self.retrieval.documents_about(asked, q, filters, terms)
        if about is not None and not about:
            # no policy searched names what is asked: the closest passages are only "mogelijk relevant"
            units = [u for rank, h in enumerate(hits) for u in split_units(h, rank)]
            reason = compose.never_named(q.language, asked, filters.insurers)
            why = f"geen doorzocht beleid gebruikt de woorden van wat gevraagd wordt: {', '.join(asked)} (documents_about)"
            answer = self._not_found(question, q.language, best_units(units, self.scorer, q, terms), reason, why if debug else None)
            answer.timings = {"retrieval_ms": _ms(t0)}
            answer.retrieved = [_passage(h) for h in hits] if debug else None
            return answer
        if about is not None:
            hits = [h for h in hits if h.meta.document in about]
        units = [u for rank, h in enumerate(hits) for u in split_units(h, rank)]
        for h in hits:
            h.extra["outdated"] = is_outdated(h.meta, self.searcher.year)
        return Candidates(q=q, filters=filters, terms=terms, hits=hits, units=units)

    def _validity(self, question: str, q: Question, filters: Filters) -> Answer | None:
        """Whether the policies the question is about still hold, one line each, each quoting the
        policy's title page; None when the question covers none or too many (`MAX_POLICIES`)."""
        every = filters.model_copy(update={"include_outdated": True})  # the outdated ones above all
        documents = sorted(self.searcher.allowed_documents(every), key=lambda d: (self.searcher.metas[d].insurer or "", d))
        if not documents or len(documents) > MAX_POLICIES:
            return None
        lines: list[str] = []
        citations: list[Citation] = []
        notices: list[str] = []
        for d in documents:
            meta = self.searcher.metas[d]
            unit = title_unit(self.searcher, d, version=asks_version(q.text))
            if unit is None:
                continue
            citations.append(self._citation(unit, len(citations) + 1))
            status = status_line(meta, self.searcher.year, q.language)
            lines.append(f"{meta.insurer} ({meta.title}): {status} — “{compose.display_quote(unit.text)}” [{len(citations)}]")
            note = validity_notice(meta, self.searcher.year, q.language)
            if note and note not in notices:
                notices.append(note)
        if not lines:
            return None
        return _answered(question, q.language, lines, citations, notices, named=bool(filters.insurers))

    def _compose(
        self,
        question: str,
        q: Question,
        ranked: list[Unit],
        units: list[Unit],
        filters: Filters,
        terms: Terms,
        part_bests: list[dict[str, tuple[Unit, FactKind]]],
        explain: bool = False,
    ) -> Answer:
        lang = q.language
        if not ranked or ranked[0].score < MIN_SCORE:
            best = f"scoort {ranked[0].score:.3f}: {_short(ranked[0])}" if ranked else "ontbreekt"
            why = f"zwak bewijs: de beste zin {best}, onder MIN_SCORE {MIN_SCORE}"
            return self._not_found(question, lang, ranked, why=why if explain else None)
        checked = self.selection.value_checked(q, terms)  # measured once: it tokenises what the value is of
        # a question of several parts ("… vanaf welke datum, en hoe lang hebben we om te tekenen?") is not
        # refused for one kind of value its best sentences lack: it is one part's kind, and the others may
        # be answered (decided on the training splits: docs/evaluation.md, "A second fresh split, and the
        # value check on questions of several parts")
        if checked and len(q.parts) <= 1 and not self.selection.states_value(q, ranked, terms):
            unstated: str | None = None
            if explain:  # (what the value is of is tokenised again: only for the debug view)
                of = sorted(self.scorer.measured_terms(q, terms))
                unstated = (f"de vraag vraagt een waarde ({q.fact}{', van: ' + ', '.join(of) if of else ''}) en geen van de "
                            f"vijf beste zinnen noemt er een die bij de vraag past (states_value); de beste: {_short(ranked[0])}")
            return self._not_found(question, lang, ranked, why=unstated)
        asked = asked_providers(q)
        if asked and other_provider(ranked[0], asked):
            # only another kind of provider's rule (ZBC for a dialysis centre)
            why = f"de beste zin geldt voor een ander soort zorgaanbieder dan de vraag noemt ({', '.join(asked)}): {_short(ranked[0])}"
            return self._not_found(question, lang, ranked, why=why if explain else None)
        chosen = self.selection.chosen(q, ranked, filters)
        if checked and len(chosen) > 1 and self.scorer.measured_terms(q, terms):
            # when the question says what the value is of ("welk percentage knie- en heuppatiënten…"),
            # each insurer's line states a value of that, or is left out (the best one did, above)
            chosen = [u for u in chosen if u is ranked[0] or self.selection.states_value(q, [u], terms)]
        chosen.sort(key=lambda u: -u.score)
        labels = compose.policy_labels(u.hit.meta for u in chosen)
        citations: list[Citation] = []
        lines: list[str] = []
        notices: list[str] = []
        explained: list[QuoteExplanation] = []
        for u in chosen:
            quotes: list[tuple[list[Unit], int]] = []
            parts = [
                p
                for pb in part_bests
                if (p := pb.get(u.hit.meta.insurer or "?")) is not None and p[0].hit.meta.document == u.hit.meta.document
            ]
            for group in self.selection.quote_groups(u, ranked, units, q, terms, parts):
                n = len(citations) + 1
                citations.append(self._citation(group[0], n, end_unit=group[-1]))
                quotes.append((group, n))
                if explain:
                    explained += self._explained(group, n)
            # the value is put first only when its sentence answers (the value check): "1 september 2026"
            # from a sentence about new providers is quoted, not announced, for a question about more volume
            leads = q.fact not in REQUIRED_PATTERN or q.fact_inherited or self.selection.states_value(q, [u], terms)
            value = compose.fact_value(VALUE_PATTERN.get(q.fact), u.text, lang) if leads else None
            if q.fact == "count" and checked and self.selection.states_value(q, [u], terms):
                value = compose.count_value(count_pattern(), u.text, lang)  # "hoeveel bedden?": "10 bedden"
            lines.append(compose.line_for(u.hit.meta.insurer, labels[u.hit.meta.document], quotes, value))
            note = validity_notice(u.hit.meta, self.searcher.year, lang)
            if note and note not in notices:
                notices.append(note)
        answer = _answered(question, lang, lines, citations, notices, named=bool(filters.insurers))
        answer.explained = explained if explain else None
        return answer

    def _explained(self, group: list[Unit], n: int) -> list[QuoteExplanation]:
        """Why the quote numbered `n` was chosen: its best-scored unit's feature contributions."""
        scored = [u for u in group if u.features is not None]
        if not scored:
            return []
        unit = max(scored, key=lambda u: u.score)
        model = self.scorer.model
        parts = model.contributions(unit.features or {})
        return [
            QuoteExplanation(
                citation=n,
                unit=unit.text,
                score=round(unit.score, 4),
                model=model.version,
                contributions=[FeatureContribution(feature=f, value=round(v, 4), contribution=round(c, 4)) for f, v, c in parts],
            )
        ]

    def _not_found(
        self, question: str, lang: Literal["nl", "en"], ranked: list[Unit], reason: str | None = None, why: str | None = None
    ) -> Answer:
        """`not_found`, with the closest passages as "mogelijk relevant" (`why`: the rule that refused,
        for the debug view)."""
        related = [self._citation(u, i + 1) for i, u in enumerate(_distinct_chunks(ranked)[:3])]
        return Answer(
            question=question,
            status="not_found",
            answer=compose.not_found(lang, reason),
            related=related,
            language=lang,
            refusal=why,
        )

    def _citation(self, unit: Unit, n: int, end_unit: Unit | None = None) -> Citation:
        meta: DocumentMeta = unit.hit.meta
        end = (end_unit or unit).end
        text = self.searcher.version.text(meta.document)
        return Citation(
            n=n,
            document=meta.document,
            title=meta.title,
            insurer=meta.insurer,
            section=unit.hit.chunk.section,
            page=self._page(meta.document, unit.start),
            quote=text[unit.start : end],
            start=unit.start,
            end=end,
            chunk_id=unit.hit.chunk.id,
            outdated=is_outdated(meta, self.searcher.year),
            ocr=unit.hit.chunk.ocr,  # read from a scanned page: shown with the citation
        )

    def _page(self, document: str, offset: int) -> int | None:
        pages = self._page_maps.get(document)
        if pages is None:
            pages = self.searcher.version.page_map(document)
            self._page_maps[document] = pages
        page = None
        for start, p in pages:
            if start > offset:
                break
            page = p
        return page

    @property
    def _page_maps(self) -> dict[str, list[tuple[int, int]]]:
        if not hasattr(self, "_pm"):
            self._pm: dict[str, list[tuple[int, int]]] = {}
        return self._pm


def _short(unit: Unit) -> str:
    """A unit as the debug view names it: its insurer and its first words."""
    text = " ".join(unit.text.split())
    return f"{unit.hit.meta.insurer or unit.hit.meta.document}: “{text[:120]}{'…' if len(text) > 120 else ''}”"


def _distinct_chunks(units: list[Unit]) -> list[Unit]:
    seen: set[str] = set()
    out = []
    for u in units:
        if u.hit.chunk.id not in seen:
            seen.add(u.hit.chunk.id)
            out.append(u)
    return out


def _answered(
    question: str, lang: Literal["nl", "en"], lines: list[str], citations: list[Citation], notices: list[str], named: bool
) -> Answer:
    """An answer of one line, or of one line per policy of one insurer, or per insurer (`named`:
    the question named them)."""
    if len(lines) == 1:
        text = lines[0]
    elif len({c.insurer for c in citations}) == 1:
        text = compose.listed(lang, lines, "policy")
    else:
        text = compose.listed(lang, lines, "named" if named else "insurer")
    return Answer(
        question=question,
        status="answered",
        answer=text,
        citations=citations,
        notices=[*notices, *compose.quoted_in_dutch(lang)],  # the warnings first
        language=lang,
        insurers=list(dict.fromkeys(c.insurer for c in citations if c.insurer)),
    )


def _passage(h: Hit) -> RetrievedPassage:
    return RetrievedPassage(
        chunk_id=h.chunk.id,
        document=h.meta.document,
        title=h.meta.title,
        insurer=h.meta.insurer,
        section=h.chunk.section,
        page=h.chunk.page,
        text=h.chunk.text,
        score=round(h.score, 5),
        dense_rank=h.dense_rank,
        keyword_rank=h.keyword_rank,
    )


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 1)
