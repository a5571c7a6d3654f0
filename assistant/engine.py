"""The extractive answering pipeline over one index version."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
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
from .abbreviations import abbreviation_groups, find_abbreviations
from .compare import compare_insurers
from .extractive import (
    REQUIRED_PATTERN,
    VALUE_KINDS,
    VALUE_PATTERN,
    Terms,
    Unit,
    UnitScorer,
    best_units,
    count_pattern,
    introduces_list,
    is_heading,
    other_provider,
    split_units,
)
from .glossary import expand, synonym_groups, translated_terms, translations
from .lists import ListIndex
from .names import Corrected, correct_names
from .query import (
    FactKind,
    Question,
    asked_noun,
    asked_providers,
    asks_difference,
    asks_else,
    fact_kind,
    find_care_types,
    refers_back,
    strip_care,
    strip_names,
    understand,
)
from .quotes import list_after, paragraph_of, with_neighbour
from .rerank import RERANK_CANDIDATES, rerank, top_passages
from .scope import Scope
from .spelling import respell
from .tables import TableIndex
from .unit_model import UnitModel, load_unit_model
from .validity import MAX_POLICIES, asks_validity, asks_version, status_line, title_unit

# Calibrated on the tuning split (see docs/evaluation.md): below this unit score the
# evidence is too weak to answer.
MIN_SCORE = 0.35
# A sentence that states the value asked must match the question this well without the bonus
# for stating a value (a number alone does not answer).
MIN_VALUE_TOPIC = 0.2
# … and hold at least this share of the question's topic weight itself (words that name the kind of
# fact, "binnen hoeveel weken", "welk percentage", weigh a quarter): "6 weken" for the offer does not
# answer "binnen hoeveel tijd moet een dialysecentrum gecertificeerd zijn?"
MIN_VALUE_SHARE = 0.1
# An insurer is listed in a per-insurer answer when its best sentence scores at least
# this share of the best one.
PER_INSURER_RATIO = 0.5
# Further sentences of the same insurer are quoted when they score this share of its best.
SUPPORT_RATIO = 0.6
# A unit that states concepts of the question the quotes so far lack is quoted when it scores at
# least COVER_RATIO of the best and adds at least MIN_GAIN of the question's concept weight.
COVER_RATIO = 0.4
MIN_GAIN = 0.1
COVER_WEIGHT = 0.5
# At most this many stretches of text are quoted per insurer (issue 21's selection that stops; with 4,
# the fitted unit model's answers grew longer on the training splits: p50 824 → 746 characters on tuning at 3)
MAX_QUOTES = 3
# A condition, procedure or definition is quoted with its paragraph, up to this many characters.
PARAGRAPH_CHARS = 900
# At most this many characters are quoted per insurer (the best unit's quote always), and this many
# more for the rows of a table a quote refers to ("zie tabel 1")
QUOTE_BUDGET = 1400
TABLE_ALLOWANCE = 400


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
        self.tables = TableIndex(searcher)
        self.lists = ListIndex(searcher)
        # the abbreviations the policies define that neither the glossary nor the care types cover
        self.abbreviations = {
            a: longs
            for a, longs in find_abbreviations(c.text for c in searcher.chunks).items()
            if expand(a) == a and not find_care_types(a)
        }

    # ------------------------------------------------------------------ answer
    def answer(self, question: str, history: Sequence[Turn], user_filters: Filters | None, debug: bool) -> Answer:
        """The answer, with the question (and earlier questions) read with misspelt insurer and care
        names corrected (`assistant.names`); the answer says how it read them."""
        fixed, turns = self._corrected(question, history)
        answer = self._answer(fixed.text, turns, user_filters, debug)
        if fixed.read_as:
            answer.question = question
            note = compose.read_as(detect_language(question), fixed.read_as)
            answer.notices = [note, *answer.notices]
        return answer

    def scored_units(self, question: str, history: Sequence[Turn] = ()) -> list[Unit]:
        """The candidate units of a question as the answerer ranks them, each with its features
        (`Unit.features`), best first; none when it is answered without them (out of scope,
        nothing asked…). What `inkoopwijzer tune` fits the unit model on."""
        fixed, turns = self._corrected(question, history)
        found = self.candidates(fixed.text, turns, None)
        if isinstance(found, Answer):
            return []
        return best_units(found.units, self.scorer, found.q, found.terms)

    def _corrected(self, question: str, history: Sequence[Turn]) -> tuple[Corrected, list[Turn]]:
        """The question, and the user's earlier turns, with misspelt insurer and care names corrected."""
        fixed = correct_names(question, self._known_word)
        turns = [
            t.model_copy(update={"content": correct_names(t.content, self._known_word).text}) if t.role == "user" else t
            for t in history
        ]
        return fixed, turns

    def _known_word(self, word: str) -> bool:
        """Whether the passages use the word (a stop word counts as used)."""
        tokens = self.searcher.keyword.tokenizer(word)
        return not tokens or any(self.scorer.df.get(t, 0) > 0 for t in tokens)

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
            question, c.q, ranked, c.units, c.filters, c.terms, self._part_bests(c.q, c.units, c.terms), explain=debug
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
        expanded, groups = self._expanded(q)
        terms = self.scorer.question_terms(q, expanded, groups)  # once: search, rerank and sentences share them
        if q.query != q.text:
            terms = self._without_scope_words(filters, terms)
        hits = self._retrieve(q, filters, expanded, terms)
        asked = asked_noun(strip_care(strip_names(q.query)), q.language)
        about = self._documents_about(asked, q, filters, terms)
        if about is not None and not about:
            # no policy searched names what is asked: the closest passages are only "mogelijk relevant"
            units = [u for rank, h in enumerate(hits) for u in split_units(h, rank)]
            reason = compose.never_named(q.language, asked, filters.insurers)
            answer = self._not_found(question, q.language, best_units(units, self.scorer, q, terms), reason)
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

    def _expanded(self, q: Question) -> tuple[str, list[str]]:
        """The question with the policies' own words added: the glossary's, and for an English
        question the lexicon's nearest Dutch words for the words the policies never use; and
        the groups of words that say one thing (a phrase with its synonyms or translations)."""
        text = expand(q.query)
        groups = synonym_groups(q.query)
        defined = abbreviation_groups(q.query, self.abbreviations)  # "NIP" ↔ "netto-inkoopkosten", as the policies define it
        if defined:
            text = f"{text} {' '.join(defined)}"
            groups += defined
        spelled = respell(self.searcher.keyword.tokenizer, self.scorer.df, q.query, dutch=q.language == "nl")
        if spelled.splits:
            text = f"{text} {' '.join(w for heads, tail in spelled.splits for w in (*heads, tail))}"
            groups += [" ".join(heads) for heads, _ in spelled.splits]  # any word ending in the first part states it
        text = " ".join([text, *spelled.starts.values(), *(w for words in spelled.typos.values() for w in words)])
        groups += [f"{word} {start}" for word, start in spelled.starts.items()]
        groups += [f"{word} {' '.join(words)}" for word, words in spelled.typos.items()]
        if q.language == "en":
            near = translations(q.query, self.searcher.lexicon, self.searcher.embedder.embed_terms)
            extra = translated_terms(near)
            if extra:
                text = f"{text} {' '.join(extra)}"
            groups += [f"{word} {' '.join(words)}" for word, words in near.items()]
        return text, groups

    def _documents_about(self, asked: list[str], q: Question, filters: Filters, terms: Terms) -> set[str] | None:
        """The policies searched that use the words of what the question asks about (`asked`:
        "indexatie" in "Welke indexatie hanteert ZZ?"): a policy that never uses them does not
        answer, however well its other sentences match. None when the question names no such
        thing, or names it in words no policy uses (a typo, an English word the glossary lacks)."""
        wanted = self.scorer.asked_terms(asked, q, terms)
        if not wanted:
            return None
        found = {d for alt in wanted for d in set.intersection(*(self.searcher.documents_with([t]) for t in alt))}
        return found & set(self.searcher.allowed_documents(filters))

    def _without_scope_words(self, filters: Filters, terms: Terms) -> Terms:
        """A follow-up's terms without the code of a care type that every policy searched is only
        about: after "en voor ZG?" the ZG policy is searched, and "ZG" says nothing about which of
        its sentences answers ("ELV" in the GRZ and ELV policy does)."""
        metas = [self.searcher.metas[d] for d in self.searcher.allowed_documents(filters)]
        cares = {c for m in metas for c in m.care_types}
        drop = {c.lower() for c in cares if all(set(m.care_types) <= {c} for m in metas if c in m.care_types)}
        drop &= terms.weights.keys()
        if not drop or not terms.weights.keys() - drop:
            return terms
        return Terms.of({t: w for t, w in terms.weights.items() if t not in drop}, terms.concepts)

    def _retrieve(self, q: Question, filters: Filters, kq: str, terms: Terms) -> list[Hit]:
        """The top-k passages (per insurer when the question names none; per kind of care when it
        names several: "bij MSZ of bij GRZ?"), from hybrid search for the expanded question `kq`,
        reranked by their best sentence for `terms` (`rerank`)."""
        groups = self.care_groups(filters)
        if len(groups) > 1:
            hits: dict[str, Hit] = {}
            for cares in groups:
                for h in self._retrieve_in(q, filters.model_copy(update={"care_types": cares}), kq, terms):
                    hits.setdefault(h.chunk.id, h)
            return sorted(hits.values(), key=lambda h: -h.score)
        return self._retrieve_in(q, filters, kq, terms)

    def care_groups(self, filters: Filters) -> list[list[str]]:
        """The kinds of care the filters name, grouped by the policies they select: GRZ and ELV in
        one policy are one group, MSZ and GRZ in two policies are two."""
        by_docs: dict[tuple[str, ...], list[str]] = {}
        for care in filters.care_types:
            docs = tuple(sorted(self.searcher.allowed_documents(filters.model_copy(update={"care_types": [care]}))))
            if docs:
                by_docs.setdefault(docs, []).append(care)
        return list(by_docs.values())

    def _retrieve_in(self, q: Question, filters: Filters, kq: str, terms: Terms) -> list[Hit]:
        k = self.settings.top_k
        n = max(k, RERANK_CANDIDATES)
        insurers = filters.insurers
        if not insurers and not filters.documents:
            # no insurer named: search each insurer's policies, so every insurer can answer
            allowed = self.searcher.allowed_documents(filters)
            insurers = sorted({self.searcher.metas[d].insurer or "" for d in allowed} - {""})
        if len(insurers) > 1:
            per = self.searcher.search_per_insurer(q.query, filters, insurers, n, q.language, keyword_query=kq)
            hits = [h for found in per.values() for h in top_passages(rerank(found, self.scorer, q, terms), k)]
            return sorted(hits, key=lambda h: -h.score)
        return top_passages(rerank(self.searcher.search(q.query, filters, n, q.language, keyword_query=kq), self.scorer, q, terms), k)

    def _part_bests(
        self, q: Question, units: list[Unit], terms: Terms
    ) -> list[dict[str, tuple[Unit, FactKind]]]:
        """For a question of several parts ("wanneer moet ik bellen en wat moet ik aanleveren?"),
        each part's best unit per insurer: scored on the part's own words and kind of fact, with
        the rest of the question's words at half weight (they keep the part on topic), or in full
        when the part points back at them ("… en wanneer moet hij klaar zijn?")."""
        if not q.parts:
            return []
        out: list[dict[str, tuple[Unit, FactKind]]] = []
        for part in q.parts:
            # "… and what else is required?": another sentence of the section an earlier part is answered from
            earlier = [u for pb in out for u, _ in pb.values()] if asks_else(part) else []
            # each part its own sentence (it asks something else), wherever the policy repeats it
            taken = {_said(u) for pb in out for u, _ in pb.values()}
            sections = {(u.hit.meta.insurer, u.hit.chunk.section) for u in earlier}
            # "het verschil tussen A en B": each part asks what one of them is
            fact = "definition" if asks_difference(q.text) else fact_kind(part)
            pq = replace(q, text=part, query=part, fact=fact, parts=[])
            # a part that points back ("… en wanneer moet hij klaar zijn?") is about what the rest names
            whole = terms.scaled(1.0 if refers_back(part) else 0.5)
            own = self.scorer.question_terms(pq, *self._expanded(pq))
            # (not so for one side of a difference: the question's other words name the other side)
            part_terms = own if fact == "definition" and asks_difference(q.text) else whole.merged(own)
            best: dict[str, tuple[float, Unit]] = {}
            for u in units:
                if _said(u) in taken or (sections and (u.hit.meta.insurer, u.hit.chunk.section) not in sections):
                    continue
                score = self.scorer.score(u, part_terms, pq.fact)
                key = u.hit.meta.insurer or "?"
                if score >= MIN_SCORE and (key not in best or score > best[key][0]):
                    best[key] = (score, u)
            out.append({k: (u, pq.fact) for k, (_, u) in best.items()})
        return out

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
            return self._not_found(question, lang, ranked)
        checked = self._value_checked(q, terms)  # measured once: it tokenises what the value is of
        if checked and not self._states_value(q, ranked, terms):
            return self._not_found(question, lang, ranked)
        asked = asked_providers(q)
        if asked and other_provider(ranked[0], asked):
            return self._not_found(question, lang, ranked)  # only another kind of provider's rule (ZBC for a dialysis centre)
        chosen = self._chosen(q, ranked, filters)
        if checked and len(chosen) > 1 and self.scorer.measured_terms(q, terms):
            # when the question says what the value is of ("welk percentage knie- en heuppatiënten…"),
            # each insurer's line states a value of that, or is left out (the best one did, above)
            chosen = [u for u in chosen if u is ranked[0] or self._states_value(q, [u], terms)]
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
            for group in self._quote_groups(u, ranked, units, q, terms, parts):
                n = len(citations) + 1
                citations.append(self._citation(group[0], n, end_unit=group[-1]))
                quotes.append((group, n))
                if explain:
                    explained += self._explained(group, n)
            # the value is put first only when its sentence answers (the value check): "1 september 2026"
            # from a sentence about new providers is quoted, not announced, for a question about more volume
            leads = q.fact not in REQUIRED_PATTERN or q.fact_inherited or self._states_value(q, [u], terms)
            value = compose.fact_value(VALUE_PATTERN.get(q.fact), u.text, lang) if leads else None
            if q.fact == "count" and checked and self._states_value(q, [u], terms):
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

    def _value_checked(self, q: Question, terms: Terms) -> bool:
        """Whether the answer must state a value of the kind asked: a date, an amount… and a number
        when the question says of what ("hoeveel fte medisch specialisten…"), not for a kind of
        fact inherited by a follow-up."""
        if q.fact_inherited or q.yes_no:  # "Is er een vast tarief?" is answered by "een vast tarief"
            return False
        return q.fact in REQUIRED_PATTERN or (q.fact == "count" and bool(self.scorer.measured_terms(q, terms)))

    def _states_value(self, q: Question, ranked: list[Unit], terms: Terms) -> bool:
        """Whether one of the five best sentences states a value of the kind asked (a date, an
        amount…), matches the question well enough without that (MIN_VALUE_TOPIC, MIN_VALUE_SHARE)
        and names what the value is of, when the question says ("hoeveel procent tariefafslag")."""
        wanted = self.scorer.measured_terms(q, terms)
        asked = asked_providers(q)  # "een dialysecentrum": not the ZBC rule
        required = REQUIRED_PATTERN.get(q.fact) or count_pattern()
        return any(
            required.search(u.text)
            and not (asked and other_provider(u, asked))
            and self.scorer.without_fact(u, q.fact) >= MIN_VALUE_TOPIC
            and self.scorer.topic(u, terms) >= MIN_VALUE_SHARE
            and (not wanted or self.scorer.states_any(u, wanted, required))
            for u in ranked[:5]
        )

    def _chosen(self, q: Question, ranked: list[Unit], filters: Filters) -> list[Unit]:
        """The best unit of each insurer that answers — of each of its policies when the
        question names no care type (one insurer's MSZ and GRZ policies may differ) — when it
        scores at least PER_INSURER_RATIO of the best (a named insurer's best always answers).
        A question that names several kinds of care gets each named kind's policy that answers
        at all (MIN_SCORE), as a question naming several insurers gets each of them."""
        several = len(self.care_groups(filters)) > 1
        by_policy = not q.care_types or several
        best: dict[tuple[str, str], Unit] = {}
        for u in ranked:
            best.setdefault((u.hit.meta.insurer or "?", u.hit.meta.document if by_policy else ""), u)
        top = ranked[0]
        if not filters.insurers:
            floor = MIN_SCORE if several else max(MIN_SCORE, top.score * PER_INSURER_RATIO)
            return [u for u in best.values() if u.score >= floor]
        chosen: list[Unit] = []
        for insurer in filters.insurers:
            mine = sorted((u for (i, _), u in best.items() if i == insurer), key=lambda u: -u.score)
            if mine and mine[0].score >= MIN_SCORE:
                floor = MIN_SCORE if several else max(MIN_SCORE, mine[0].score * PER_INSURER_RATIO)
                chosen += [mine[0], *(u for u in mine[1:] if u.score >= floor)]
        return chosen or [top]

    def _not_found(
        self, question: str, lang: Literal["nl", "en"], ranked: list[Unit], reason: str | None = None
    ) -> Answer:
        """`not_found`, with the closest passages as "mogelijk relevant"."""
        related = [self._citation(u, i + 1) for i, u in enumerate(_distinct_chunks(ranked)[:3])]
        return Answer(
            question=question,
            status="not_found",
            answer=compose.not_found(lang, reason),
            related=related,
            language=lang,
        )

    def _quote_groups(
        self,
        best: Unit,
        ranked: list[Unit],
        units: list[Unit],
        q: Question,
        terms: Terms,
        parts: Sequence[tuple[Unit, FactKind]] = (),
    ) -> list[list[Unit]]:
        """The stretches of text quoted for one insurer: the best unit's first (always, so the
        value the answer leads with is in the first quote), then, in document order, the best
        unit of each part of a question of several parts and supporting units, none
        overlapping, within QUOTE_BUDGET characters."""
        groups: list[list[Unit]] = []
        size = 0
        # each unit with the kind of fact it answers: a part's own ("… and what else is required?")
        candidates = [(best, q.fact), *parts, *((u, q.fact) for u in self._supporting(best, ranked, terms))]
        seen: set[int] = set()
        said: list[frozenset[str]] = []  # a policy may repeat a sentence (a table cell, a summary): quote it once
        for unit, fact in candidates:
            if id(unit) in seen:
                continue
            seen.add(id(unit))
            if fact in VALUE_KINDS or introduces_list(unit.text):
                group = with_neighbour(unit, units, fact)
            else:
                group = paragraph_of(unit, units, PARAGRAPH_CHARS)
            if len(group) > 1 and introduces_list(group[-1].text):
                group += list_after(group[-1], units)  # the list the quote ends by introducing
            if group[-1].text.rstrip().endswith(":"):
                items = self.lists.following(group[-1])  # … in the next passage, where it fits
                grown = sum(len(x.text) for x in [*group, *items])
                if grown <= PARAGRAPH_CHARS and (not groups or size + grown <= QUOTE_BUDGET):
                    group += items
            if group[-1].text.rstrip().endswith(";"):
                items = self.lists.rest(group[-1])  # … or the rest of the list it ends in
                if sum(len(x.text) for x in [*group, *items]) <= PARAGRAPH_CHARS:
                    group += items
            group = self.lists.opening(group[0]) + group  # … or the list it is the rest of
            overlapping = [i for i, g in enumerate(groups) if g[0].start < group[-1].end and group[0].start < g[-1].end]
            if overlapping:
                # a part's list around the best sentence: quote the union, once
                i = overlapping[0]
                merged = sorted({x.start: x for x in [*groups[i], *group]}.values(), key=lambda x: x.start)
                grown = sum(len(x.text) for x in merged) - sum(len(x.text) for x in groups[i])
                if len(overlapping) == 1 and size + grown <= QUOTE_BUDGET:
                    groups[i] = merged
                    size += grown
                continue
            if all(_repeats(x, said) for x in group):
                continue
            chars = sum(len(x.text) for x in group)
            if groups and size + chars > QUOTE_BUDGET:
                continue
            groups.append(group)
            said.extend(_words(x) for x in group)
            size += chars
        for group in list(groups):
            # a quote points at a table ("… twee groepen in (zie tabel 1)"): quote the table's rows too
            rows = self.tables.referenced_rows(group, group[0].rank)
            if rows and not any(g[0].start < rows[-1].end and rows[0].start < g[-1].end for g in groups):
                if size + sum(len(x.text) for x in rows) <= QUOTE_BUDGET + TABLE_ALLOWANCE:
                    groups.append(rows)
                break
        return groups[:1] + sorted(groups[1:], key=lambda g: g[0].start)

    def _supporting(self, best: Unit, ranked: list[Unit], terms: Terms) -> list[Unit]:
        """The best unit of an insurer plus up to MAX_QUOTES - 1 more of its units, in document
        order: those that score nearly as well (a threshold and its period, two dates...) and
        those that state concepts of the question the units picked so far do not (a question of
        several aspects), if they score at least COVER_RATIO of the best."""
        picked = [best]
        covered = self.scorer.concepts_in(best, terms)
        weight = terms.concept_weights
        total = terms.total or 1.0
        pool = [
            u
            for u in ranked
            if u is not best
            and u.score >= best.score * COVER_RATIO
            and u.hit.meta.insurer == best.hit.meta.insurer
            and u.hit.meta.document == best.hit.meta.document
            and not is_heading(u)  # a heading names a topic; it states nothing
        ]
        states = {id(u): self.scorer.concepts_in(u, terms) for u in pool}  # tokenised once
        while pool and len(picked) < MAX_QUOTES:
            options = []
            for u in pool:
                if any(p.start < u.end and u.start < p.end for p in picked):
                    continue
                gain = sum(weight[i] for i in states[id(u)] - covered) / total
                if gain >= MIN_GAIN or u.score >= best.score * SUPPORT_RATIO:
                    options.append((u.score + COVER_WEIGHT * gain, u))
            if not options:
                break
            u = max(options, key=lambda x: x[0])[1]
            picked.append(u)
            covered |= states[id(u)]
            pool.remove(u)
        return sorted(picked, key=lambda u: u.start)

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


# a sentence sharing this share of its words with one already quoted repeats it ("nieuwe aanbieders"
# in one paragraph, "nieuwe zorgaanbieders" in its copy elsewhere)
REPEAT_OVERLAP = 0.8


def _said(unit: Unit) -> tuple[str, str]:
    """A unit as its policy says it: the same sentence in two passages (a summary, a table cell) is one."""
    return unit.hit.meta.document, " ".join(unit.text.split())


def _words(unit: Unit) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", unit.text.lower()))


def _repeats(unit: Unit, said: Sequence[frozenset[str]]) -> bool:
    """Whether the unit says again what a quoted sentence said (case, punctuation and a word or two aside)."""
    words = _words(unit)
    return any(len(words & s) >= REPEAT_OVERLAP * len(words | s) for s in said)


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
