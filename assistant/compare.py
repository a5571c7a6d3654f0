"""Questions that compare insurers ("bij wie moet de offerte het eerst binnen zijn?", "verschillen
de aanmeldtermijnen van Zorg en Zekerheid en Salland?", "which insurers require HKZ?"): one row per
insurer's policy, each cell a value with the citation it comes from, and a lead sentence that
answers the comparison ("Zilveren Kruis het eerst: 15 september 2026").

    comparison(question)                   -> Comparison | None   (what is compared; word lists are data)
    compare(question, q, filters, best, facts, insurers) -> Answer  (the table and its text)

Each row comes from the answerer's best unit for that insurer (`BestAnswer`, today the extractive
engine asked once per insurer); where the question asks a date or a threshold, the value is the
fact extracted at ingest from that unit (`ingest.facts`), so the table compares like with like.
The answer text gives the same values in one line per row: the key facts are scored on the text.
The question asked of each row, the comparison taken out, is built in `row_question.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from ingest.facts import Facts
from inkoopwijzer.language import detect_language
from inkoopwijzer.types import (
    Answer,
    AnswerTable,
    Citation,
    DatedEvent,
    DocumentMeta,
    Filters,
    TableCell,
    TableRow,
    Threshold,
    Turn,
)

from . import compose
from .extractive import VALUE_PATTERN
from .planning import when_label
from .query import FactKind, Question, care_aliases, fact_kind, insurer_aliases, understand
from .row_question import Mark, row_question

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["BestAnswer", "Comparison", "compare", "compare_insurers", "comparing", "comparison"]

Order = Literal["earliest", "latest", "highest", "lowest", "longest", "shortest"]
# The answerer's best answer for one insurer: (question, history, filters naming that insurer, debug) → Answer
# (with the passages it retrieved when debug is asked).
BestAnswer = Callable[[str, Sequence[Turn], Filters, bool], Answer]

# Set while the rows of a comparison are being answered, so the answerer does not compare again.
comparing: ContextVar[bool] = ContextVar("comparing", default=False)
# Quotes a row shows besides the one its value comes from (the insurer's answer's next ones).
MORE_QUOTES = 1


@cache
def _vocab() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("assistant").joinpath("data", "compare.json").read_text(encoding="utf-8"))
    return data


def _find(text: str, phrases: Sequence[str]) -> list[re.Match[str]]:
    out = []
    for p in sorted(phrases, key=len, reverse=True):
        out += list(re.finditer(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text, re.I))
    return out


@dataclass
class Comparison:
    """What a comparison question asks: which insurers (none named: all), in what order, per-row question."""

    insurers: list[str]
    order: Order | None
    differ: bool
    which: bool
    row_question: str  # the question for one insurer: comparison words and insurer names taken out
    yes_no: bool = False  # "Is de deadline bij Salland later dan bij Zilveren Kruis?": the first named is the subject
    asks_whether: bool = False  # "Verschillen …?", "Is … hetzelfde?": answered yes or no; "Wat zijn de verschillen …?" is not
    policies: bool = False  # the rows are one insurer's policies of different kinds of care, not insurers
    same: bool = False  # "Is … hetzelfde?" asks whether they agree: yes when they do, where "Verschillen …?" says no


def comparison(question: str, named: Sequence[str], names: Sequence[str] = ()) -> Comparison | None:
    """Whether the question compares insurers: it asks which insurer(s) ("bij wie", "welke
    verzekeraars", "which insurers", "alle verzekeraars"), or names two or more insurers together with a
    word that compares ("verschillen", "eerder dan", "vergelijk", "het hoogst"). None otherwise. `names`
    (regexes) find what is compared in the question; the insurers' names when none are given."""
    v = _vocab()
    which = _find(question, v["which"])
    differ = _find(question, v["differ"])
    orders = [(name, m) for name, phrases in v["order"].items() for m in _find(question, phrases)]
    if not which and not (len(named) >= 2 and (differ or orders)):
        return None
    if which and len(named) == 1:
        return None  # "bij wie bij Salland moet ik …": about one insurer
    order: Order | None = orders[0][0] if orders else None
    first = question.split()[0].lower() if question.split() else ""
    # "Is de deadline bij Salland later dan bij Zilveren Kruis?" asks yes or no; "… bij Salland of bij ZK eerder?" asks which
    yes_no = (first in v["yes_no_starts"]["nl"] + v["yes_no_starts"]["en"] and len(named) == 2 and order is not None
              and bool(_find(question, ["dan", "than"])))
    asks_whether = first in v["yes_no_starts"]["nl"] + v["yes_no_starts"]["en"] or any(m.start() == 0 for m in differ)
    same = _find(question, v["same"])
    row = _row(question, which, differ, same, orders, names or [rx for rx, _ in insurer_aliases()])
    return Comparison(_in_order(question, named), order, bool(differ), bool(which), row, yes_no, asks_whether, same=bool(same))


def _row(question: str, which: list[re.Match[str]], differ: list[re.Match[str]], same: list[re.Match[str]],
         orders: list[tuple[str, re.Match[str]]], names: Sequence[str]) -> str:
    """The question asked of each row (`row_question`): the comparison's words marked, and the names of what
    is compared (`names`, regexes; the insurers' when none are given)."""
    spans = [m.span() for rx in names for m in re.finditer(rx, question, re.I)]
    sames = {m.span() for m in same}
    v = _vocab()["row_question"]
    marks: list[tuple[int, int, Mark]] = [(*m.span(), "cut") for m in which] + [(*m.span(), "cut") for _, m in orders]
    for m in differ + same:
        if m.group(0).lower() in v["same_determiners"]:  # "dezelfde eisen", "different rules": which rules
            kind: Mark = "same" if m.span() in sames else "different"
        else:
            kind = "same_alone" if m.span() in sames else "differ"
        marks.append((*m.span(), kind))
    language = "en" if detect_language(question) == "en" else "nl"
    return row_question(question, spans, sorted(set(marks)), v, language)


def _in_order(question: str, named: Sequence[str]) -> list[str]:
    """The named insurers in the order the question names them."""
    where: dict[str, int] = {}
    for rx, name in insurer_aliases():
        m = re.search(rx, question, re.I)
        if name in named and m is not None:
            where[name] = min(where.get(name, len(question)), m.start())
    return sorted(named, key=lambda n: where.get(n, len(question)))


def _asked(c: Comparison, language: str) -> tuple[str, FactKind]:
    """The question to ask each insurer, and the kind of value its cell holds."""
    q = c.row_question
    words = q.lower().split()
    qwords = _vocab()["question_words"][language]
    if c.order in ("earliest", "latest"):
        if words and words[0] in _vocab()["yes_no_starts"][language]:
            q = ("When " if language == "en" else "Wanneer ") + q[0].lower() + q[1:]  # "Is de deadline …?": when is it
        elif not words or words[0] not in qwords:
            q = ("When " if language == "en" else "Wanneer ") + q
        # "bij wie kom je eerder in aanmerking voor …?" asks who qualifies more readily: the cells hold
        # what each policy requires, not dates ("wanneer kom je in aanmerking" asks in which case)
        return q, "condition" if _find(q, _vocab()["qualifying"]) else "date"
    # "verschillen de aanmeldtermijnen …?" asks about them: unless a sentence of it asks ("Ons lab … . Welke eisen …?")
    openings = [m.group(1) for m in re.finditer(r"(?:^|[.?!:;])\s*(\w+)", q.lower())]
    if c.differ and not c.which and q.strip(" ?") and not any(o in qwords for o in openings):
        q = f"{_vocab()['row_question'][language]['about']} {q}"
    kind = fact_kind(q)
    if c.order in ("longest", "shortest") and kind not in ("duration", "date"):
        kind = "duration"
    if c.order in ("highest", "lowest") and kind not in ("amount", "percentage", "count", "duration"):
        kind = "amount"
    return q, kind


def _overlaps(start: int, end: int, c: Citation) -> bool:
    return start < c.end and c.start < end


def _events_in(c: Citation, facts: Facts) -> list[DatedEvent]:
    return [e for e in facts.events if e.document == c.document and any(_overlaps(s.start, s.end, c) for s in e.sources)]


def _thresholds_in(c: Citation, facts: Facts, kind: FactKind) -> list[Threshold]:
    found = [t for t in facts.thresholds if t.document == c.document and any(_overlaps(s.start, s.end, c) for s in t.sources)]
    same = [t for t in found if t.kind == kind]
    return same or (found if kind in ("amount", "percentage", "count", "duration") else [])


@dataclass
class _Row:
    insurer: str
    title: str
    document: str
    value: str
    sort: Any  # what the order compares (an ISO date, a number); None when the row has no value
    citation: Citation | None
    notices: list[str]
    more: list[Citation] = field(default_factory=list)  # the policy's other quotes in its answer, in its order
    sentence: bool = False  # the value is a sentence of its quote (no value stated): the text line only quotes it


def _content(text: str) -> set[str]:
    """Lower-case content words of three letters or more, each cut to its first six (a crude stem:
    'offerte', 'offertes')."""
    stop = set(_vocab()["stopwords"])
    return {w[:6] for w in re.findall(r"[a-zà-ÿ]{3,}", text.lower()) if w not in stop}


def _key_sentence(quote: str, question: str) -> str:
    """The sentence of a quote that shares most words with the question, shortened for a cell."""
    sentences = [x.strip() for x in re.split(r"(?<=[.;:!?])\s+", compose.display_quote(quote)) if x.strip()]
    if not sentences:
        return ""
    want = _content(question)
    best = max(sentences, key=lambda x: len(_content(x) & want))
    return best if len(best) <= 160 else best[:157].rsplit(" ", 1)[0] + " …"


def _event_value(c: Citation, facts: Facts, question: str, language: str = "nl") -> tuple[str, Any] | None:
    """The dated event a citation states that the question is most about (its words, a deadline first),
    marked as the Planning page marks it when the text left its year out ("(jaar afgeleid)")."""
    want = _content(question)
    scored = []
    for e in _events_in(c, facts):
        if not e.first_day():
            continue
        here = [x for x in e.sources if x.document == c.document and _overlaps(x.start, x.end, c)]
        words = _content(" ".join(x.quote for x in here) + " " + e.what)
        scored.append((len(words & want), e.kind == "deadline", -min(x.start for x in here), e))
    if not scored:
        return None
    e = max(scored, key=lambda x: x[:3])[3]
    label = when_label(e) + (f" {_vocab()['labels'][language]['year_inferred']}" if e.year_inferred else "")
    return label, e.first_day()


def _cell(
    cits: Sequence[Citation], kind: FactKind, facts: Facts, language: str, question: str
) -> tuple[str, Any, Citation, bool]:
    """The value a policy's quotes state, the quote it comes from, and whether it is only a sentence
    of that quote: the facts extracted from the quotes (the asked kind first: a date, else a
    threshold; a threshold, else a date), else the value or sentence the best quote leads with."""
    thresholds: tuple[FactKind, ...] = ("amount", "percentage", "count", "duration")
    order: list[FactKind] = ["date", *thresholds] if kind == "date" else [kind, "date"] if kind in thresholds else []
    for want in order:
        for c in cits:
            if want == "date":
                found = _event_value(c, facts, question, language)
                if found is not None:
                    return found[0], found[1], c, False
            else:
                hits = [t for t in _thresholds_in(c, facts, want) if t.kind == want]
                if hits:
                    return hits[0].text, hits[0].value, c, False
    best = cits[0]
    value = compose.fact_value(VALUE_PATTERN.get(kind), best.quote, language)
    return (value or _key_sentence(best.quote, question)), None, best, value is None


def _named_value(c: Citation, facts: Facts, question: str) -> tuple[str, bool]:
    """For 'which insurers …?': the threshold the quote sets for what the question names (its subject shares
    a word with the question), else the quote's sentence that shares most words with it (True: a sentence)."""
    want = _content(question)
    for t in facts.thresholds:
        if t.document == c.document and any(_overlaps(s.start, s.end, c) for s in t.sources) and _content(t.subject) & want:
            return (f"{t.text} ({t.subject})" if len(t.subject) <= 80 else t.text), False
    return _key_sentence(c.quote, question), True


def _rows(kind: FactKind, answers: dict[str, Answer], facts: Facts, language: str, yes_no: bool, question: str) -> list[_Row]:
    labels = _vocab()["labels"][language]
    rows: list[_Row] = []
    for insurer, answer in answers.items():
        by_doc: dict[str, list[Citation]] = {}
        if answer.status == "answered":
            for cit in answer.citations:
                by_doc.setdefault(cit.document, []).append(cit)
        if not by_doc:
            rows.append(_Row(insurer, "", "", labels["not_found"], None, None, []))
            continue
        for cits in by_doc.values():
            if yes_no:
                (value, sentence), sort, cit = _named_value(cits[0], facts, question), None, cits[0]
            else:
                value, sort, cit, sentence = _cell(cits, kind, facts, language, question)
            more = [x for x in cits if x is not cit][:MORE_QUOTES]
            rows.append(_Row(insurer, cit.title, cit.document, value, sort, cit, list(answer.notices), more, sentence))
    return rows


def _join(names: list[str], language: str) -> str:
    and_ = _vocab()["labels"][language]["and"]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {and_} {names[-1]}"


def _lead(c: Comparison, rows: list[_Row], language: str, yes_no: bool) -> str:
    labels = _vocab()["labels"][language]
    valued = [r for r in rows if r.citation is not None]
    if not valued:
        return compose.not_found(language)
    if c.order is not None:
        ranked = [r for r in valued if r.sort is not None]
        if len(ranked) > 1:  # one value alone is first of nothing
            pick = min if c.order in ("earliest", "lowest", "shortest") else max
            best = pick(r.sort for r in ranked)
            winners = list(dict.fromkeys(r.insurer for r in ranked if r.sort == best))
            value = next(r.value for r in ranked if r.sort == best)
            word = labels["first" if c.order == "earliest" else "last" if c.order == "latest" else c.order]
            lead = f"{_join(winners, language)} {word}: {value}"
            if c.yes_no:
                a = [r.sort for r in ranked if r.insurer == c.insurers[0]]
                b = [r.sort for r in ranked if r.insurer == c.insurers[1]]
                if a and b:
                    more = pick(a) != pick(b) and pick([pick(a), pick(b)]) == pick(a)
                    lead = f"{labels['yes' if more else 'no']} — {lead}"
            return lead
    if yes_no:
        have = list(dict.fromkeys(r.insurer for r in valued))
        missing = [r.insurer for r in rows if r.citation is None and r.insurer not in have]
        lead = f"{labels['by']}: {_join(have, language)}"
        return lead + (f"; {labels['not_by']} {_join(missing, language)}" if missing else "")
    if len(valued) == 1:
        return f"{labels['only']} {valued[0].insurer}: {valued[0].value}"
    per = "_policy" if c.policies else ""
    if c.differ and c.asks_whether and not any(r.sentence for r in valued):
        # (cells that are only sentences of their quotes differ in wording, which says nothing about the rules)
        alike = len({r.value.lower() for r in valued}) == 1
        return labels[("same" if c.same else "differ") + ("_yes" if alike == c.same else "_no") + per]
    return labels["per" + per]


def compare(
    question: str,
    q: Question,
    c: Comparison,
    filters: Filters,
    best: BestAnswer,
    facts: Facts,
    insurers: Sequence[str],
    history: Sequence[Turn] = (),
    debug: bool = False,
    subjects: Sequence[tuple[str, Filters]] = (),
    metas: Mapping[str, DocumentMeta] | None = None,
) -> Answer:
    """The comparison's answer: a table with one row per insurer's policy and the same values as text.
    `subjects` (a label and the filters of each row's answer) compare policies instead of insurers:
    "Zilveren Kruis – GRZ/ELV" and "Zilveren Kruis – ZG". `metas` (each document's) name a row's policy in
    the text ("MSZ 2027", `compose.policy_labels`); the table keeps its full title."""
    language = q.language
    labels = _vocab()["labels"][language]
    row_q, kind = _asked(c, language)
    yes_no = c.which and c.order is None and not c.differ and kind in ("other", "condition", "definition", "procedure")
    answers: dict[str, Answer] = {}
    token = comparing.set(True)
    try:
        for label, row_filters in subjects or [(i, filters.model_copy(update={"insurers": [i]})) for i in insurers]:
            answers[label] = best(row_q, history, row_filters, debug)
    finally:
        comparing.reset(token)
    rows = _rows(kind, answers, facts, language, yes_no, row_q)
    for r in rows:  # an order compares like with like: dates when a date is asked, numbers otherwise
        if r.sort is not None and isinstance(r.sort, str) != (kind == "date"):
            r.sort = None
    if c.order is not None:
        valued = sorted((r for r in rows if r.sort is not None), key=lambda r: r.sort,
                        reverse=c.order in ("latest", "highest", "longest"))
        rows = valued + [r for r in rows if r.sort is None]
    lead = _lead(c, rows, language, yes_no)
    # a row of a policy comparison already names its kind of care ("Zilveren Kruis – GRZ/ELV"): its years only
    dutch = compose.quoted_in_dutch(language)  # an English answer's note, once: the rows' answers carry it too
    labels_of = compose.policy_labels((metas[r.document] for r in rows if metas and r.document in metas), care=not c.policies)
    citations: list[Citation] = []
    table_rows: list[TableRow] = []
    lines: list[str] = []
    notices: list[str] = []
    for r in rows:
        if r.citation is None:
            table_rows.append(TableRow(insurer=r.insurer, cells=[TableCell(value=r.value)]))
            lines.append(f"- {r.insurer}: {r.value}")
            continue
        n = len(citations) + 1
        quoted = []
        for i, cit in enumerate([r.citation, *r.more]):
            citations.append(cit.model_copy(update={"n": n + i}))
            quoted.append(f"“{compose.display_quote(cit.quote)}” [{n + i}]")
        table_rows.append(
            TableRow(insurer=r.citation.insurer or r.insurer, title=r.title, document=r.document, cells=[TableCell(value=r.value, citation=n)])
        )
        label = labels_of.get(r.document, r.title)
        # the value in bold, as in any answer; a sentence of the quote is not said twice
        bold = "" if r.sentence else f"**{r.value}** — "
        lines.append(f"- {r.insurer} ({label}): {bold}" + " … ".join(quoted))
        notices += [x for x in r.notices if x not in notices and x not in dutch]
    column = labels["yes_no" if yes_no else kind if kind in labels else "other"]
    answered = any(r.citation is not None for r in rows)
    retrieved = None
    if debug:  # each insurer's passages in turn, best first: what the rows were answered from
        lists = [a.retrieved or [] for a in answers.values()]
        retrieved = [p for rank in range(max(map(len, lists), default=0)) for p in (x[rank] for x in lists if rank < len(x))]
    return Answer(
        question=question,
        status="answered" if answered else "not_found",
        retrieved=retrieved,
        answer=f"{lead}\n" + "\n".join(lines),
        citations=citations,
        notices=[*notices, *(dutch if answered else [])],  # the warnings first
        language=language,
        insurers=list(dict.fromkeys(r.citation.insurer or r.insurer for r in rows if r.citation is not None)),
        table=AnswerTable(lead=lead, columns=[column], rows=table_rows),
    )


def compare_insurers(
    engine: Engine, question: str, history: Sequence[Turn], user: Filters | None, debug: bool = False
) -> Answer | None:
    """The engine's one call: a comparison question's answer, or None for any other question."""
    if comparing.get():
        return None
    q = understand(question, history)
    if engine.scope.problem(q):
        return None  # an insurer, care type or year the documents do not cover: the engine says so
    # what is compared is read from the question as understood (without "Goedemorgen, …"); the answer keeps it as asked
    c = comparison(q.text, [i for i in q.insurers if i in engine.scope.insurers])
    if c is None:
        return _compare_policies(engine, question, q, history, user, debug)
    from index.facts import load_facts

    filters = engine.scope.filters(q, user)
    if c.insurers:
        insurers = c.insurers
    else:
        everyone = filters.model_copy(update={"insurers": [] if not (user and user.insurers) else user.insurers})
        insurers = sorted({engine.searcher.metas[d].insurer or "" for d in engine.searcher.allowed_documents(everyone)} - {""})
    if len(insurers) < 2:
        return None

    return compare(question, q, c, filters, _best(engine), load_facts(engine.searcher.version), insurers, history, debug,
                   metas=engine.searcher.metas)


def _compare_policies(
    engine: Engine, question: str, q: Question, history: Sequence[Turn], user: Filters | None, debug: bool
) -> Answer | None:
    """A question that compares kinds of care whose policies differ ("Verschilt het tussen GRZ/ELV en
    ZG …?", "Is de termijn bij MSZ eerder dan bij GRZ?"): one row per insurer's policy of each kind
    named. None for any other question."""
    # the comparing words, whatever is compared: looked for first, cheaply; the row asks without the names
    c = comparison(q.text, ["", ""], [rx for rx, _ in [*care_aliases(), *insurer_aliases()]])
    if c is None or not (c.differ or c.order):
        return None
    filters = engine.scope.filters(q, user)
    groups = engine.care_groups(filters)
    if len(groups) < 2:
        return None
    from index.facts import load_facts

    groups.sort(key=lambda g: min((m.start() for rx, code in care_aliases() if code in g
                                   for m in [re.search(rx, question, re.I)] if m), default=len(question)))
    allowed = engine.searcher.allowed_documents(filters)
    insurers = sorted({engine.searcher.metas[d].insurer or "" for d in allowed} - {""})
    subjects: list[tuple[str, Filters]] = []
    for insurer in insurers:
        for group in groups:
            row = filters.model_copy(update={"insurers": [insurer], "care_types": group})
            if engine.searcher.allowed_documents(row):
                subjects.append((f"{insurer} – {'/'.join(group)}", row))
    if len(subjects) < 2:
        return None
    c.insurers = [label for label, _ in subjects]
    c.policies = True
    return compare(question, q, c, filters, _best(engine), load_facts(engine.searcher.version), [], history, debug, subjects,
                   metas=engine.searcher.metas)


def _best(engine: Engine) -> BestAnswer:
    def best(row_question: str, turns: Sequence[Turn], row_filters: Filters, with_passages: bool) -> Answer:
        # the answerer's best unit for one insurer's policy (re-pointed when the answerer is rebuilt)
        return engine.answer(row_question, turns, row_filters, with_passages)

    return best
