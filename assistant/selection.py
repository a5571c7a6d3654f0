"""Selection, the answerer's stage between the unit model and composition: which scored units an
answer quotes. The score a unit must reach to answer (`MIN_SCORE`, which the engine also holds the
best unit to) and, for a value question, whether the best units state a value of the kind asked
(`value_checked`, `states_value`); which insurers' and policies' best units get a line (`chosen`);
each part's own best unit in a question of several parts (`part_bests`); and the stretches quoted
per insurer (`quote_groups`): the best unit's, then the parts' and those that support it, whole
units within a budget, none twice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from index.search import HybridSearcher
from inkoopwijzer.types import Filters

from .extractive import (
    REQUIRED_PATTERN,
    VALUE_KINDS,
    Terms,
    Unit,
    UnitScorer,
    count_pattern,
    introduces_list,
    is_heading,
    other_provider,
)
from .lists import ListIndex
from .query import FactKind, Question, asked_providers, asks_difference, asks_else, fact_kind, refers_back
from .quotes import list_after, paragraph_of, with_neighbour
from .retrieval import Retrieval
from .tables import TableIndex
from .understanding import Understanding

# Calibrated on the tuning split (see docs/evaluation.md): below this unit score the
# evidence is too weak to answer.
MIN_SCORE = 0.35
# A sentence that states the value asked must hold at least this share of the question's topic weight
# itself (words that name the kind of fact, "binnen hoeveel weken", "welk percentage", weigh a quarter):
# "6 weken" for the offer does not answer "binnen hoeveel tijd moet een dialysecentrum gecertificeerd zijn?"
MIN_VALUE_SHARE = 0.1
# An insurer is listed in a per-insurer answer when its best sentence scores at least
# this share of the best one.
PER_INSURER_RATIO = 0.5
# Further sentences of the same insurer are quoted when they score this share of its best (0.6 until
# the twenty-first session; on the training splits 0.7 states one question's key facts more, with quote
# precision higher on each split and answer length p50 804 → 782 over all; 0.8 loses five: docs/evaluation.md).
SUPPORT_RATIO = 0.7
# A unit that states concepts of the question the quotes so far lack is quoted when it scores at
# least COVER_RATIO of the best and adds at least MIN_GAIN of the question's concept weight; of the units
# let in so (or by SUPPORT_RATIO), the one whose score plus that gain is highest is picked first (the gain
# counted at half until the twenty-third session: the rule audit, docs/evaluation.md, "Rule audit").
# 0.4 until the twenty-fourth session, when the audit over the training splits with fresh2 chose 0.6 in
# cross-validation (key facts up, answers shorter, quote precision higher).
COVER_RATIO = 0.6
MIN_GAIN = 0.1
# At most this many stretches of text are quoted per insurer (issue 21's selection that stops; with 4,
# the fitted unit model's answers grew longer on the training splits: p50 824 → 746 characters on tuning at 3)
MAX_QUOTES = 3
# A condition, procedure or definition is quoted with its paragraph, up to this many characters
# (900 until the twenty-fourth session's audit chose 700 in cross-validation, docs/evaluation.md).
PARAGRAPH_CHARS = 700
# At most this many characters are quoted per insurer (the best unit's quote always, and the rows of a
# table a quote refers to, "zie tabel 1", when they fit; an allowance of 400 more for those rows changed
# no training answer, nor did one of 800: the rule audit, docs/evaluation.md)
QUOTE_BUDGET = 1400
# a sentence sharing this share of its words with one already quoted repeats it ("nieuwe aanbieders"
# in one paragraph, "nieuwe zorgaanbieders" in its copy elsewhere)
REPEAT_OVERLAP = 0.8


class Selection:
    """Selects the units an answer quotes, over one index version."""

    def __init__(self, searcher: HybridSearcher, scorer: UnitScorer, understanding: Understanding, retrieval: Retrieval) -> None:
        self.scorer = scorer
        self.understanding = understanding
        self.retrieval = retrieval
        self.tables = TableIndex(searcher)
        self.lists = ListIndex(searcher)

    def part_bests(
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
            own = self.scorer.question_terms(pq, *self.understanding.expanded(pq))
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

    def value_checked(self, q: Question, terms: Terms) -> bool:
        """Whether the answer must state a value of the kind asked: a date, an amount… and a number
        when the question says of what ("hoeveel fte medisch specialisten…"), not for a kind of
        fact inherited by a follow-up."""
        if q.fact_inherited or q.yes_no:  # "Is er een vast tarief?" is answered by "een vast tarief"
            return False
        return q.fact in REQUIRED_PATTERN or (q.fact == "count" and bool(self.scorer.measured_terms(q, terms)))

    def states_value(self, q: Question, ranked: list[Unit], terms: Terms) -> bool:
        """Whether one of the five best sentences states a value of the kind asked (a date, an
        amount…), holds enough of the question's topic weight (MIN_VALUE_SHARE)
        and names what the value is of, when the question says ("hoeveel procent tariefafslag")."""
        wanted = self.scorer.measured_terms(q, terms)
        asked = asked_providers(q)  # "een dialysecentrum": not the ZBC rule
        required = REQUIRED_PATTERN.get(q.fact) or count_pattern()
        return any(
            required.search(u.text)
            and not (asked and other_provider(u, asked))
            and self.scorer.topic(u, terms) >= MIN_VALUE_SHARE
            and (not wanted or self.scorer.states_any(u, wanted, required))
            for u in ranked[:5]
        )

    def chosen(self, q: Question, ranked: list[Unit], filters: Filters) -> list[Unit]:
        """The best unit of each insurer that answers — of each of its policies when the
        question names no care type (one insurer's MSZ and GRZ policies may differ) — when it
        scores at least PER_INSURER_RATIO of the best (a named insurer's best always answers).
        A question that names several kinds of care gets each named kind's policy that answers
        at all (MIN_SCORE), as a question naming several insurers gets each of them."""
        several = len(self.retrieval.care_groups(filters)) > 1
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

    def quote_groups(
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
        candidates = [(best, q.fact), *parts, *((u, q.fact) for u in self.supporting(best, ranked, terms))]
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
                if size + sum(len(x.text) for x in rows) <= QUOTE_BUDGET:
                    groups.append(rows)
                break
        return groups[:1] + sorted(groups[1:], key=lambda g: g[0].start)

    def supporting(self, best: Unit, ranked: list[Unit], terms: Terms) -> list[Unit]:
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
                    options.append((u.score + gain, u))
            if not options:
                break
            u = max(options, key=lambda x: x[0])[1]
            picked.append(u)
            covered |= states[id(u)]
            pool.remove(u)
        return sorted(picked, key=lambda u: u.start)


def _said(unit: Unit) -> tuple[str, str]:
    """A unit as its policy says it: the same sentence in two passages (a summary, a table cell) is one."""
    return unit.hit.meta.document, " ".join(unit.text.split())


def _words(unit: Unit) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", unit.text.lower()))


def _repeats(unit: Unit, said: Sequence[frozenset[str]]) -> bool:
    """Whether the unit says again what a quoted sentence said (case, punctuation and a word or two aside)."""
    words = _words(unit)
    return any(len(words & s) >= REPEAT_OVERLAP * len(words | s) for s in said)
