"""The default answerer's sentence scoring: splits passages into sentences, list items and
table rows, and scores them for a question (its words, the kind of fact it asks, what a value
is of, the kind of provider and care type). How far a quote reaches is `quotes`; no language
model; deterministic; milliseconds."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from index.keyword import Tokenizer, lemma
from index.search import Hit
from inkoopwijzer import vocab

from . import words as word_lists
from .glossary import expand, synonym_groups
from .query import (
    FactKind,
    Question,
    asking_part,
    find_providers,
    measured,
    refers_back,
    roles,
    strip_care,
    strip_names,
)
from .unit_model import UnitModel

_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9'\"(‘“•])|\n+")


def _date_pattern() -> str:
    """A date as a value: "1 september 2026", "15 okt. 2026", "1 September 2026", "30-04-27",
    "september 2026", and a time of the year ("eind september", "medio 2027", "het derde kwartaal
    2026", "Q3 2026"). Month names and abbreviations, Dutch and English, from `inkoopwijzer.vocab`."""
    m, any_month = vocab.month_pattern(ambiguous=False), vocab.month_pattern()  # "3 may" only with a year
    dated = vocab.month_in_date(r"20\d\d")
    return (
        rf"\b\d{{1,2}}\s+{dated}\b|\b\d{{1,2}}-\d{{1,2}}-(20)?\d\d\b"
        rf"|\b{any_month}\s+20\d\d\b"
        rf"|\b(begin|eind|medio|half|halverwege|rond)\s+({m}|20\d\d)\b"
        r"|\b(eerste|tweede|derde|vierde|laatste|[1-4]e)\s+kwartaal(\s+van)?\s+20\d\d\b|\bQ[1-4]\s+20\d\d\b"
    )


_AMOUNT = re.compile(r"€\s?\d|\d[\d.,]*\s*(euro|miljoen|mln)\b|\b\d{1,3}(\.\d{3})+\b", re.I)
_PERCENT = re.compile(r"\d+([.,]\d+)?\s?%|\bprocent\b", re.I)


@cache
def _duration() -> re.Pattern[str]:
    """A duration: a number (in digits or words) and a unit of time, or a number of years said as one
    word ("een tweejarige overeenkomst"). Number words and units from `inkoopwijzer.vocab`."""
    # days and longer, as the answerer has always read a duration: hours too ("binnen 24 uur") changed four
    # training answers (one key fact gained, one lost) and, refitted, cost two (docs/evaluation.md, twenty-fifth session)
    units = vocab.words_pattern(u for u, counted in vocab.time_units().items() if counted != "uur")
    words = vocab.number_word_pattern()
    return re.compile(rf"\b(\d+|{words})\s+{units}\b|\b({words}|meer)jarige?\b", re.I)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\(0\d{2,4}\)\s?\d[\d ]{5,9}\d|\b0\d{2,3}[- ]\d{6,7}\b|\+31[\d\s()-]{9,14}\d")
_WEB = re.compile(r"\bhttps?://\S+|\bwww\.\S+|(?<![@.\w])[\w-]+\.(nl|com|org|eu)(/[\w/-]*)?\b(?!@)", re.I)


@cache
def _frequency() -> re.Pattern[str]:
    """How often: "twee keer per jaar", "halfjaarlijks", "ieder kwartaal", "om de drie maanden"."""
    words = vocab.number_word_pattern()
    return re.compile(
        rf"\b(\d+|{words})\s*(keer|maal|x)\s+(per|in het|in de|elk|ieder)\s+(half\s*)?\w+"
        rf"|\b(half|{words})?(jaarlijks|maandelijks|wekelijks|dagelijks|periodiek)e?\b"
        r"|\b(ieder|elk|elke|iedere)\s+(half\s*)?(kwartaal|maand|jaar|week)\b|\bper kwartaal\b"
        rf"|\bom de (\d+|{words}) (dagen|weken|maanden|jaar)\b",
        re.I,
    )


# where to send or submit something: an e-mail address, a portal, form or module (a web page is
# where to read something, rarely where to send it)
_DESTINATION = re.compile(
    rf"{_EMAIL.pattern}"
    r"|\b(?i:via|in|naar)\s+(?:(?i:de|het|ons|onze|uw)\s+)?[\w-]*(?i:portaal|formulier|module|VECOZO|website|mailbox)\w*"
    r"|\b(?i:via|naar)\s+[A-Z]{2,}\w*",
)

# (not a span of years: "in 2027-2028", "in 2027–28", "van 2025 tot 2027", "in 2027 en 2028")
_YEAR_AS_TIME = (
    r"(?<!van\s20\d\d\s)(?<!from\s20\d\d\s)\b(in|vanaf|per|tot|vóór|uiterlijk|by|from|until|before)\s+20\d\d\b"
    r"(?!\s*(?:[-–/]\s*\d|(?:en|tot|t/m|and|to|or|of)\s+20\d\d))"
)


def _number_pattern() -> str:
    """A count: not a year, a day of a month ("1 september"), an amount or a percentage; nor a
    number that names a part of a text ("bijlage 3", "hoofdstuk 5", "fase 2")."""
    dated = vocab.month_in_date(r"20\d\d")  # "15 okt. 2026": a day, not a count
    not_reference = "".join(f"(?<!{w} )" for w in word_lists.reference_words())
    return (
        rf"(?<![€\d.,])(?<!€ ){not_reference}\b(?!20\d\d\b)\d+(?:,\d+)?\b(?![.,]\d)"
        rf"(?!\s*(?:%|{dated}|euro\b|miljoen\b))"
    )


class _Patterns(Mapping[FactKind, re.Pattern[str]]):
    """A table of patterns built (and compiled) on first use: the month names they hold are read from
    a data file, and nothing is read at import."""

    def __init__(self, build: Callable[[], dict[FactKind, re.Pattern[str]]]) -> None:
        self._build = cache(build)

    def __getitem__(self, kind: FactKind) -> re.Pattern[str]:
        return self._build()[kind]

    def __iter__(self) -> Iterator[FactKind]:
        return iter(self._build())

    def __len__(self) -> int:
        return len(self._build())


FACT_PATTERN: Mapping[FactKind, re.Pattern[str]] = _Patterns(lambda: {
    "date": re.compile(_date_pattern(), re.I),
    "amount": _AMOUNT,
    "percentage": _PERCENT,
    "duration": _duration(),
    "frequency": _frequency(),
    "count": re.compile(_number_pattern(), re.I),
    "email": _EMAIL,
    "phone": _PHONE,
    "web": _WEB,
    "destination": _DESTINATION,
})

# what stating the kind of value asked adds to a sentence's score, and what not stating it takes off
FACT_BONUS = 0.45
NO_FACT_PENALTY = 0.15

# a sentence that points back at the one before it ("Hiervoor is de deadline…", "Dit geldt…") has the
# ANAPHOR_CHARS characters before it as context, like its section heading
ANAPHOR_CHARS = 100
# … and for what a value is of, the whole sentence before it ("U gebruikt het sjabloon… Deze informatie stuurt u…")
POINTED_SENTENCE_CHARS = 300
_ANAPHOR = re.compile(
    r"(hiervoor|daarvoor|hierbij|daarbij|dit|deze|dat|die|hierin|daarin|hiermee|daarmee|hierover|daarover|"
    r"hiertoe|daartoe|zij|this|these|that|they)\b",
    re.I,
)

# what a question word in the unit's section heading or table context (not the unit) counts
CONTEXT_WEIGHT = 0.35
LIST_CONTEXT_WEIGHT = 0.6

# what a sentence that defines a word of a "wat is…?" question adds
DEFINITION_BONUS = 0.25
_DEFINES = re.compile(
    r"(?P<subject>(?:onder\s+|met\s+)?(?:een|de|het)?\s*[\w'-]+(?:\s+[\w'-]+){0,3}?)\s+"
    r"(?:is|zijn|betekent|houdt in|verstaan|wordt verstaan|omvat|bedoelen|bedoelt)\b",
    re.I,
)

# a numbered heading line ("1.2.1. ELV laag complex", "3. Zorg thuis en dichterbij")
_NUMBERED_HEADING = re.compile(r"^(?:\d+\.)+\d*\s+[A-ZÀ-Ý]")

# a heading's numbering ("1.2.1.", "3b.")
_NUMBERING = re.compile(r"^\s*(?:\d+[a-z]?\.)+(?:\d+[a-z]?)?\s*")

# a heading repeated in the passage text ("Monitoren contractafspraken")
HEADING_PENALTY = 0.15


# a Dutch verb whose particle ends its clause ("Meld u … aan via het contactformulier", "We spreken
# een eenjarig contract af."): the particle, where it ends the clause
_PARTICLE_END = re.compile(r"\s(?P<particle>aan|af|in|op|uit|mee|toe|terug)(?=\s*(?:[.;:!?)]|$|via\b|om\b|bij\b|als\b))")
_WORD = re.compile(r"[^\W\d_]+")
# how many words before its particle a split verb is looked for
VERB_REACH = 12


def separable_verbs(text: str) -> list[str]:
    """Verbs a sentence may split from their particle, joined: a particle that ends a clause with
    a word before it that is a verb (its lemma ends in -en: "Meld u … aan": "aanmelden"; "Nieuwe
    zorgaanbieders … leveren … de volgende documenten aan": "aanleveren"). Which of them is a verb the
    policies use is the caller's to check."""
    out = []
    for p in _PARTICLE_END.finditer(text):
        for w in _WORD.findall(text[: p.start()])[-VERB_REACH:]:
            base = lemma(w.lower())
            if base.endswith("en") and len(base) > 3:
                out.append(f"{p.group('particle')}{base}")
    return out


# a sentence that introduces a list: ending with ':', or saying "de volgende …" ("Nieuwe zorgaanbieders
# leveren de volgende documenten aan.")
_FOLLOWING = re.compile(r"\b(?:de|het)\s+volgende\b[^.:;]*\.\s*$|\bthe following\b[^.:;]*\.\s*$", re.I)


def introduces_list(text: str) -> bool:
    """Whether the sentence introduces the list after it."""
    return text.rstrip().endswith(":") or _FOLLOWING.search(text) is not None


def is_heading(unit: Unit) -> bool:
    """A heading repeated in the text: its section's name, or a short numbered line without a full
    stop ("1.2.1. ELV laag complex" at the end of the passage before its section)."""
    text = " ".join(unit.text.split())
    return (
        len(text) < 70
        and "\t" not in unit.text
        and not text.endswith((".", "?", "!", ":", ";"))
        and (unit.hit.chunk.section.endswith(text) or _NUMBERED_HEADING.match(text) is not None)
    )


# the whole value as a sentence states it, for the lead of an answer ("€ 300.000", "85%")
VALUE_PATTERN: Mapping[FactKind, re.Pattern[str]] = _Patterns(lambda: {
    "date": FACT_PATTERN["date"],
    "amount": re.compile(r"€\s?\d[\d.,]*(\s?(miljoen|mln|duizend))?|\d[\d.,]*\s*(euro|miljoen|mln)\b", re.I),
    # a range is one value: "15-30%", "15 tot 30 procent" ("30%" alone would misstate it)
    "percentage": re.compile(r"\d+([.,]\d+)?\s?%?\s?(?:-|–|tot|à)\s?\d+([.,]\d+)?\s?%|\d+([.,]\d+)?\s?%"),
    "duration": _duration(),
    "frequency": _frequency(),
    "email": _EMAIL,
    "phone": _PHONE,
    "web": _WEB,
    "destination": _DESTINATION,
})

# a question of this kind is only answered by a sentence that states such a value
REQUIRED_PATTERN: Mapping[FactKind, re.Pattern[str]] = _Patterns(lambda: {
    # … or a year said as a time ("verwachten we in 2027 een strategie", "vanaf 2028"), not a year alone
    "date": re.compile(
        f"{_date_pattern()}|{_duration().pattern}|\\b(kwartaal|quarter|jaarlijks|uiterlijk)\\b|{_YEAR_AS_TIME}", re.I
    ),
    "amount": re.compile(f"{_AMOUNT.pattern}|{_PERCENT.pattern}", re.I),
    "percentage": _PERCENT,
    "duration": re.compile(f"{_duration().pattern}|{_date_pattern()}", re.I),
    "email": _EMAIL,
    "phone": _PHONE,
    # "waar vind ik…?" is answered by a web address, and by a place named in words: "via het
    # aanvraagformulier op de website", "in bijlage 3", "in het Zorginkoopportaal"
    "web": re.compile(rf"{_WEB.pattern}|\b(website|webpagina|web page|webpage|portal|form|bijlage|appendix|hoofdstuk|chapter)\b|\w*(portaal|formulier)\b", re.I),
})


@cache
def count_pattern() -> re.Pattern[str]:
    """A count a sentence states: a number (not a year) or a number word ("twee", "tien")."""
    return re.compile(rf"{_number_pattern()}|\b{vocab.number_word_pattern(article=False)}\b", re.I)



# what an added (glossary, lexicon) term weighs against the question's own words, and an added
# word that only names the kind of fact asked ("deadline" → "uiterste datum")
EXPANSION_WEIGHT = 0.5
# what a question word counts as the head of a longer compound in a sentence, and the shortest
# (stemmed) word matched so
HEAD_WEIGHT = 0.8
MIN_HEAD = 5
# what a question word counts as the first part of a compound ("plafondafspraken" for "plafond"),
# when at least MIN_REST letters follow it (fewer are an inflection: "contracten"); both chosen by the
# unit model's cross-validated lead precision (`inkoopwijzer tune`), 0.5 and 4 against 0.8 and 3 to 6
MODIFIER_WEIGHT = 0.5
MIN_REST = 4
KIND_WORD_WEIGHT = 0.25
# the shortest compound looked into for a first part before a word for the kind of fact asked
MIN_KIND_COMPOUND = 9
# what the noun by which the asker says what kind of provider they are weighs ("Moet ik als ZBC een
# VMS hebben?": the sentence about the VMS answers, not one about ZBC's)
ROLE_WEIGHT = 0.5
# what a word of the situation around the sentence that asks weighs ("Wij zijn een ZBC. Wanneer …?")
SITUATION_WEIGHT = 0.75
# what a follow-up's words taken from the earlier question weigh when it asks something of its own
INHERITED_WEIGHT = 0.3
# what a unit in the policy's changes chapter ("Belangrijkste wijzigingen", "Wijzigingen 2027
# versus 2026") adds for a question about what changed
CHANGE_BONUS = 0.3
# A rule quoted in the changes chapter ("… zijn de volgende punten verwijderd: 'De zorgaanbieder spant zich
# in…'") is quoted to say it was removed or reworded: it answers only a question about the changes
QUOTED_CHANGE_PENALTY = 0.4
_QUOTE_MARKS = "'‘’\"“”"


def _is_quotation(text: str) -> bool:
    """Whether the text is nothing but a quotation ("'De zorgaanbieder spant zich in…'."), not a
    sentence about one ("'Een ZBC is minimaal twee jaar…' is niet langer een voorwaarde.")."""
    t = text.strip().rstrip(".;,")
    return len(t) > 2 and t[0] in _QUOTE_MARKS and t[-1] in _QUOTE_MARKS
# (not "Aanvullingen en wijzigingen", which says that amendments may follow)
_CHANGES_CHAPTER = re.compile(
    r"^(\d+\s+)?((belangrijkste|inhoudelijke)\s+)?(wijzigingen|veranderingen)\b|wat zijn de wijzigingen|"
    r"\bwijzigingen\s+(20\d\d|per|ten opzichte)|\bversus\b|what's new|\bchanges\b",
    re.I,
)


# a word ending in a term after one of these is no compound of it: "prijsverschil" does not state
# "schil" (the lemmatiser's reading of "geschil"), "ontwikkeling" not "wikkeling"
_VERB_PREFIX = re.compile(r"(ver|be|ge|ont|her)$")


@dataclass(frozen=True)
class Terms:
    """A question's weighted stemmed terms, grouped into concepts: the words that say one
    thing (a question word, its synonyms and translations) form one concept, which a sentence
    covers with any of them. Every term is in exactly one concept."""

    weights: dict[str, float]
    concepts: tuple[frozenset[str], ...]
    concept_weights: tuple[float, ...] = field(init=False)  # each concept's: its heaviest word's
    total: float = field(init=False)
    # token -> the terms it is a compound of, with how fully it states each, filled as tokens are met
    _parts: dict[str, tuple[tuple[str, float], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cw = tuple(max(self.weights[t] for t in c) for c in self.concepts)
        object.__setattr__(self, "concept_weights", cw)
        object.__setattr__(self, "total", sum(cw))
        object.__setattr__(self, "_parts", {})

    def stated(self, tokens: Iterable[str]) -> dict[str, float]:
        """The terms the tokens state, each with how fully: 1 for the term itself, HEAD_WEIGHT
        for a compound ending in it ("volumeprognoses" states "prognoses", "kwaliteitskeurmerk"
        "keurmerk"), which the tokenizer only splits into words it has seen on their own (not a
        word that ends in it after a verb's prefix, `_VERB_PREFIX`), and MODIFIER_WEIGHT for a
        compound starting with it ("plafondafspraken" states "plafond")."""
        out: dict[str, float] = {}
        for tok in tokens:
            if tok in self.weights:
                out[tok] = 1.0
                continue
            parts = self._parts.get(tok)
            if parts is None:
                parts = self._compound_parts(tok)
                self._parts[tok] = parts
            for t, w in parts:
                out[t] = max(out.get(t, 0.0), w)
        return out

    def _compound_parts(self, tok: str) -> tuple[tuple[str, float], ...]:
        """The terms a token is a longer compound of: as its head or as its first part."""
        out: list[tuple[str, float]] = []
        for t in self.weights:
            if len(t) < MIN_HEAD or len(tok) <= len(t):
                continue
            if tok.endswith(t) and not _VERB_PREFIX.search(tok[: -len(t)]):
                out.append((t, HEAD_WEIGHT))
            elif tok.startswith(t) and len(tok) - len(t) >= MIN_REST:
                out.append((t, MODIFIER_WEIGHT))
        return tuple(out)

    @classmethod
    def of(cls, weights: dict[str, float], groups: Iterable[Iterable[str]] = ()) -> Terms:
        """Concepts from `groups` of terms (groups sharing a term merge); other terms stand alone."""
        concepts: list[set[str]] = []
        for group in [*([t] for t in weights), *groups]:
            members = {t for t in group if t in weights}
            joined = [c for c in concepts if c & members]
            for c in joined:
                concepts.remove(c)
                members |= c
            if members:
                concepts.append(members)
        return cls(dict(weights), tuple(frozenset(c) for c in concepts))

    def scaled(self, factor: float) -> Terms:
        return Terms({t: w * factor for t, w in self.weights.items()}, self.concepts)

    def merged(self, other: Terms) -> Terms:
        """These terms with `other`'s added (its weights win where both have a term)."""
        return Terms.of({**self.weights, **other.weights}, [*self.concepts, *other.concepts])


@dataclass
class Unit:
    """A sentence, list item or table row of a passage, with absolute offsets."""

    hit: Hit
    rank: int
    start: int
    end: int
    text: str
    score: float = 0.0
    features: dict[str, float] | None = None  # as `best_units` scored it


def _around(unit: Unit) -> str:
    """What a unit belongs to besides its section: its table's header, and a list's introduction."""
    chunk = unit.hit.chunk
    if chunk.kind == "list":
        return f"{chunk.context} {chunk.text.split(chr(10), 1)[0]}"
    return chunk.context


def _pointed_at(unit: Unit, whole: bool = False) -> str:
    """For a sentence that points back ("Hiervoor is de deadline 1 januari 2024."), the
    ANAPHOR_CHARS characters before it, where what it points at is said (`whole`: the whole
    sentence before it, up to POINTED_SENTENCE_CHARS); else nothing."""
    if not _ANAPHOR.match(unit.text):
        return ""
    rel = unit.start - unit.hit.chunk.start
    if not whole:
        return unit.hit.chunk.text[max(0, rel - ANAPHOR_CHARS) : rel]
    before = unit.hit.chunk.text[max(0, rel - POINTED_SENTENCE_CHARS) : rel].rstrip()
    parts = _SENT_END.split(before)
    return parts[-1] if len(parts) > 1 else before


def split_units(hit: Hit, rank: int) -> list[Unit]:
    text = hit.chunk.text
    units: list[Unit] = []
    pos = 0
    for m in list(_SENT_END.finditer(text)) + [None]:
        end = m.start() if m is not None else len(text)
        piece = text[pos:end]
        lead = len(piece) - len(piece.lstrip())
        piece_s = piece.strip()
        if len(piece_s) >= 3:
            s = hit.chunk.start + pos + lead
            units.append(Unit(hit, rank, s, s + len(piece_s), piece_s))
        pos = m.end() if m is not None else len(text)
    return units


# English words of an English question that the Dutch text has only as other words or in loan phrases:
# "care" (only in "stepped care"), "last" (Dutch: burden), "door" (Dutch: by)
_FALSE_FRIENDS = frozenset({"care", "last", "door", "deal", "kind", "spoor", "ten"})


@cache
def _english_drop() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | _FALSE_FRIENDS


def _without_english_stopwords(text: str) -> str:
    """The text without bm25s' longer English stop list (the index drops only the short one) and
    the English words that are other words in the Dutch text (`_FALSE_FRIENDS`)."""
    drop = _english_drop()
    return re.sub(r"[\w']+", lambda m: " " if m.group(0).lower() in drop else m.group(0), text)


# at most this many passage texts' tokens are remembered (a corpus of five policies has ~3,500)
TOKEN_CACHE_SIZE = 100_000


# a value states what the question says it is of when a word for that stands within this many
# (content) words of it
VALUE_WINDOW = 12


class UnitScorer:
    """Scores candidate units for a question: topic overlap (idf-weighted, stemmed),
    the kind of fact asked (a date for a deadline question...), and passage rank."""

    def __init__(self, tokenizer: Tokenizer, doc_freq: Counter[str], n_docs: int, model: UnitModel | None = None) -> None:
        self.tok = tokenizer
        self.model = model or HAND_SET
        self.df = doc_freq
        self.n = max(1, n_docs)
        self._generic = set(tokenizer.stems(sorted(word_lists.generic())))  # as the question's words are tokenised
        self._kind_words = {kind: set(tokenizer.stems(sorted(ws))) for kind, ws in word_lists.kind_words().items()}
        self._token_cache: dict[str, tuple[str, ...]] = {}

    def _tokens(self, text: str) -> tuple[str, ...]:
        """The tokens of a passage's text, remembered: every question scores the same sentences
        and headings again (the corpus's texts are finite; questions are not cached here)."""
        toks = self._token_cache.get(text)
        if toks is None:
            joined = [t for v in separable_verbs(text) if len(t := self.tok(v)) == 1 and self.df.get(t[0], 0) > 0]
            toks = tuple(self.tok(text)) + tuple(t[0] for t in joined)
            if len(self._token_cache) < TOKEN_CACHE_SIZE:
                self._token_cache[text] = toks
        return toks

    def idf(self, token: str) -> float:
        return math.log(1 + (self.n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5))

    def has_content(self, q: Question) -> bool:
        """Whether the question names anything at all beyond question words and greetings."""
        return any(t not in self._generic for t in self.tok(q.query))

    def names_only(self, q: Question) -> bool:
        """Whether the question, resolved against the conversation, names nothing but insurers and
        care types ("en bij Salland?" with no earlier question, "ZK GRZ?"): nothing to answer."""
        return bool(q.insurers or q.care_types) and not any(
            t not in self._generic for t in self.tok(strip_care(strip_names(q.query)))
        )

    def question_terms(self, q: Question, expanded: str | None = None, groups: Sequence[str] = ()) -> Terms:
        """Stemmed topic terms of the question with idf weights; the terms the expansion adds
        (glossary, lexicon: `expanded`, by default the glossary's) weigh less. `groups` are
        phrases whose words say one thing (a question word with its synonyms and translations,
        `glossary.synonym_groups`): a sentence covers such a concept with any of its words."""
        generic = self._generic
        names = {t for n in q.insurers for t in self.tok(n)}  # other insurers' names: `strip_names` drops them
        # words no passage contains cannot tell passages apart (e.g. English words over Dutch text)
        # an insurer's abbreviation ("zk") is no topic, though "zk.nl" puts it in the index
        # an English question's function words ("we", "over", "been") are no Dutch topic words
        plain = _without_english_stopwords if q.language == "en" else str
        own = [
            t for t in self.tok(plain(strip_names(q.query))) if t not in generic and t not in names and self.df.get(t, 0) > 0
        ]
        if expanded is None:
            expanded, groups = expand(q.query), synonym_groups(q.query)
        extra = [
            t
            for t in self.tok(plain(strip_names(expanded)))
            if t not in generic and t not in names and t not in own and self.df.get(t, 0) > 0
        ]
        weights = {t: self.idf(t) for t in dict.fromkeys(own)}
        asked_own = False
        if q.query != q.text:
            # a follow-up that asks something of its own ("and what structure must the treatment
            # plan have?"): the earlier question's words keep it on topic, its own words lead
            asked = set(self.tok(strip_care(strip_names(q.text))))  # "en voor ELV?" asks nothing of its own
            asked_own = bool(asked & weights.keys()) and not q.fact_inherited
            if asked_own:
                for t in weights.keys() - asked:
                    weights[t] *= INHERITED_WEIGHT
        kind_words = self._kind_for(q.fact)
        for t in weights.keys() & {str(y) for y in q.years}:  # "2024-2025" names the policy (as "2027" does), not the topic
            weights[t] *= KIND_WORD_WEIGHT
        for t in weights.keys() & kind_words:  # "welke data…?", "wat is er nieuw?": the kind of fact, not the topic
            weights[t] *= KIND_WORD_WEIGHT
        for t in weights.keys() & set(self.tok(" ".join(roles(q.text)))):  # "als ZBC": who asks, not what
            weights[t] *= ROLE_WEIGHT
        # "Wij zijn een ZBC voor oogzorg. Wanneer moeten we de offerte indienen?": the situation
        # around the sentence that asks says who asks; the asking sentence says what
        # (unless the asking sentence points back at it: "… een vragenlijst invullen. Wanneer krijg ik die?")
        asks = asking_part(q.text)
        asking = set(self.tok(strip_names(asks)))
        # (a value question's: "welke eisen gelden voor ons?" asks about who the situation says asks)
        if q.fact in VALUE_KINDS and asking & weights.keys() and not refers_back(asks):
            situation = set(self.tok(strip_names(q.text))) - asking
            for t in weights.keys() & situation:
                # … a word the asking sentence says too, in another form ("contract", "contractering"), is asked
                said = any(len(a) >= MIN_HEAD and len(t) >= MIN_HEAD and (a.startswith(t) or t.startswith(a)) for a in asking)
                if not said:
                    weights[t] *= SITUATION_WEIGHT
        # the glossary's words for the earlier question's words weigh as those do
        inherited: set[str] = set()
        if asked_own:
            earlier = q.query[: -len(q.text)] if q.query.endswith(q.text) else q.query
            inherited = set(self.tok(expand(earlier))) - set(self.tok(expand(q.text)))
        for t in dict.fromkeys(extra):
            # "deadline" adds "uiterste datum": words for the kind of fact, which the fact
            # bonus already rewards, say little about the topic
            w = (KIND_WORD_WEIGHT if t in kind_words or t in self._kind_words["date"] else EXPANSION_WEIGHT) * self.idf(t)
            weights[t] = w * INHERITED_WEIGHT if t in inherited else w
        # a compound and the words the tokenizer splits it into ("ziekenhuis": ziek, huis) say one thing;
        # a part naming the kind of fact asked ("contractperiode": periode, for "hoe lang?") is not the
        # topic, and joins the compound with the question's words for the kind ("lang", "looptijd")
        compounds = [
            [t for t in c if t == c[0] or t not in kind_words]
            for w in self.tok.words(f"{q.query} {expanded}")
            if len(c := self.tok(w)) > 1
        ]
        # a compound the tokenizer keeps whole that ends in a word for the kind of fact asked
        # ("aanmelddatum" for "wanneer?") is about its first part: "zich tot deze datum aanmelden"
        for word in self.tok.words(q.query):
            if (head := self._head_of_kind(word, kind_words)) is not None:
                weights.setdefault(head, self.idf(head))
                compounds.append([*self.tok(word), head])
        return Terms.of(
            weights,
            [*([t for t in self.tok(g) if t in weights] for g in groups), *compounds],
        )

    def _head_of_kind(self, word: str, kind_words: set[str]) -> str | None:
        """The token of the first part of `word` when its last part names the kind of fact asked
        and the passages use the first part ("aanmelddatum": aanmeld); else None."""
        if not kind_words or len(word) < MIN_KIND_COMPOUND or len(self.tok(word)) != 1:
            return None
        for i in range(len(word) - MIN_HEAD + 1, MIN_HEAD - 1, -1):
            tail = self.tok(word[i:])
            if not tail or tail[0] not in kind_words:
                continue
            head = self.tok(word[:i])
            if len(head) == 1 and self.df.get(head[0], 0) > 0:
                return head[0]
        return None

    def _kind_for(self, fact: FactKind) -> set[str]:
        """The question words that name the kind of fact asked rather than its topic."""
        return self._kind_words.get(fact, set())

    def topic(self, unit: Unit, terms: Terms) -> float:
        """How much of the question's (weighted) concepts the unit, or its section heading and
        table context at CONTEXT_WEIGHT, contains: 0 to 1. A concept counts with the weight of
        the best of its words the unit has."""
        chunk = unit.hit.chunk
        ctx = f"{chunk.section} {_around(unit)} {_pointed_at(unit)}"
        here_f = terms.stated(self._tokens(unit.text))
        ctx_f = terms.stated(self._tokens(ctx))
        w = terms.weights
        overlap = ctx_overlap = 0.0
        for concept in terms.concepts:
            here = max((w[t] * here_f[t] for t in concept if t in here_f), default=0.0)
            around = max((w[t] * ctx_f[t] for t in concept if t in ctx_f), default=0.0)
            overlap += here
            ctx_overlap += max(0.0, around - here)
        total = terms.total or 1.0
        weight = LIST_CONTEXT_WEIGHT if chunk.kind == "list" else CONTEXT_WEIGHT
        return (overlap + weight * ctx_overlap) / total

    def measured_terms(self, q: Question, terms: Terms) -> set[str]:
        """The terms naming what a value question measures (`query.measured`), with their
        synonyms among the question's concepts: a compound as itself or any of its words, an
        English word by the glossary's words for it, and a Dutch word no passage uses by the known
        word it begins with (or, with none, as itself, which no sentence states). Empty when the
        question does not say what it measures."""
        return self.named_terms(measured(strip_care(strip_names(q.text))), q, terms)

    def asked_terms(self, words: Sequence[str], q: Question, terms: Terms) -> list[tuple[str, ...]]:
        """What a policy that says anything about `words` (what the question asks about) uses:
        alternatives of terms that must all occur. Each word's own token, or all the parts of a
        compound ("diagnose" and "groep" for "diagnosegroep", not "groep" alone), and so its
        synonyms among the question's concepts and the glossary's words for it. A word unknown to
        every policy (a typo, an English word the glossary lacks) adds none: nothing can be said
        about which policies use it."""
        kind = self._kind_for(q.fact)
        out: list[tuple[str, ...]] = []
        for word in words:
            toks = self.tok(word)
            if not toks or toks[0] in self._generic | kind:
                continue
            wholes = [toks[0], *(wt[0] for w in expand(word)[len(word) :].split() if (wt := self.tok(w)))]
            found = {t for t in wholes if self.df.get(t, 0) > 0}
            parts = {p for w in found for p in self.tok(w)[1:]}  # the question's compound groups join them
            for t in found | {t for c in terms.concepts if c & found for t in c if t not in parts}:
                split = self.tok(t)[1:]
                out += [(t,), *([tuple(split)] if len(split) > 1 else [])]
        return list(dict.fromkeys(out))

    def named_terms(self, words: Sequence[str], q: Question, terms: Terms) -> set[str]:
        """The terms of `words` (what a question asks about), as `measured_terms` finds them."""
        wanted: set[str] = set()
        modifiers: set[str] = set()
        kind = self._kind_for(q.fact)  # "surcharge percentage": the percentage is the kind of value, not what it is of
        for word in words:
            toks = self.tok(word)
            if not toks:
                continue
            # a compound's first part says what kind of it, not what it is: "omzet" does not state "omzetplafond"
            modifiers |= set(toks[1:-1]) - {toks[0], toks[-1]}
            if q.language == "nl" and all(self.df.get(t, 0) == 0 for t in toks):
                # a Dutch word no passage uses: what it is of is what the policies' words it begins
                # with say ("omzetgrens": omzet), or, with none, no passage states it ("tariefafslag")
                near = self.tok.stems(self.tok.near_spellings(word.lower()))  # a typo: "oferte"
                wanted |= set(near) or self._known_start(word) or {toks[0]}
            # a compound as itself or any of its words; an English word only where the policies use
            # that very word ("VECOZO", "fte"), not where its stem happens to be a Dutch one ("handing": hand)
            if q.language != "en" or word.lower() in self.tok.vocabulary or toks == [word.lower()]:
                wanted |= {t for t in toks if t in terms.weights and t not in self._generic | kind}
            # an English word the policies never use counts by the glossary's words for it ("surcharge": opslag)
            wanted |= {t for t in self.tok(expand(word)[len(word) :]) if t in terms.weights and t not in self._generic | kind}
        return ({t for c in terms.concepts if c & wanted for t in c} | wanted) - modifiers

    def _known_start(self, word: str) -> set[str]:
        """The tokens of the longest start of `word` (at least MIN_HEAD letters) that passages use."""
        w = word.lower()
        for i in range(len(w) - 1, MIN_HEAD - 1, -1):
            toks = self.tok(w[:i])
            if toks and all(self.df.get(t, 0) > 0 for t in toks):
                return set(toks)
        return set()

    def states_any(self, unit: Unit, wanted: set[str], value: re.Pattern[str] | None = None) -> bool:
        """Whether the unit, the table header or list introduction it belongs to, or what it
        points back at ("Deze informatie stuurt u uiterlijk…"), states one of `wanted`. With a
        `value` pattern, a sentence of prose states it near a value (VALUE_WINDOW words) and not
        only in its list's introduction: "€ 15.000.000" in a list of conditions introduced by
        "nacalculatie tegen netto-inkoopkosten + opslag" is not the surcharge. A table row is one
        statement: its cells and header go together."""
        want = Terms.of({t: 1.0 for t in wanted})
        table = unit.hit.chunk.kind == "table" or "\t" in unit.text
        if value is None or table:
            return bool(want.stated(self.tok(f"{unit.text} {_around(unit)} {_pointed_at(unit, whole=True)}")))
        if want.stated(self.tok(_pointed_at(unit, whole=True))):
            return True
        return any(
            want.stated([*self.tok(unit.text[: m.start()])[-VALUE_WINDOW:], *self.tok(unit.text[m.end() :])[:VALUE_WINDOW]])
            for m in value.finditer(unit.text)
        )

    def concepts_in(self, unit: Unit, terms: Terms) -> set[int]:
        """The question's concepts (indices into `terms.concepts`) the unit's own text states."""
        found = terms.stated(self._tokens(unit.text))
        return {i for i, c in enumerate(terms.concepts) if any(t in found for t in c)}

    def defines(self, unit: Unit, terms: Terms) -> bool:
        """Whether the unit is a definition of a question word: "Een behandelplan is een…",
        "Onder netto-inkoopkosten verstaan wij…" (the word within its first few words)."""
        return self._defines_in_words(unit, terms) or self.defined_by_heading(unit, terms) is not None

    def _defines_in_words(self, unit: Unit, terms: Terms) -> bool:
        m = _DEFINES.match(unit.text)
        return m is not None and any(t in terms.weights for t in self.tok(m.group("subject")))

    def defined_by_heading(self, unit: Unit, terms: Terms) -> str | None:
        """The heading the unit is the first sentence under, when that heading is two or more of the
        question's words and nothing else ("1.2.1. ELV laag complex": what follows says what it is)."""
        chunk = unit.hit.chunk
        heading = _NUMBERING.sub("", chunk.section.split(" › ")[-1]).strip()
        named = self.tok(heading)
        if len(named) < 2 or not all(t in terms.weights for t in named):
            return None
        at = chunk.text.find(heading)
        after = unit.start - chunk.start
        if at < 0 or after < at + len(heading) or chunk.text[at + len(heading) : after].strip():
            return None
        return heading

    def features(self, unit: Unit, terms: Terms, fact: FactKind, topic: float | None = None) -> dict[str, float]:
        """The unit's features for the question (`FEATURES`: each named, each 0 or 1 unless said);
        the unit model (`unit_model`) weighs them."""
        f = dict.fromkeys(FEATURES, 0.0)
        f["topic"] = self.topic(unit, terms) if topic is None else topic
        if fact == "definition" and self.defines(unit, terms):
            f["definition"] = 1.0
        chapter = bool(_CHANGES_CHAPTER.search(unit.hit.chunk.section.split(" › ")[0]))
        if fact == "change":
            f["changes_chapter"] = float(chapter)
        elif chapter and _is_quotation(unit.text):
            f["quoted_in_changes"] = 1.0  # a rule quoted in the changes chapter was removed or reworded there
        rx = FACT_PATTERN.get(fact)
        if rx is not None:
            stated_value = bool(rx.search(unit.text))
            f["value_stated" if stated_value else "value_missing"] = 1.0
            if stated_value and unit.hit.chunk.kind == "table" and "\t" in unit.text:
                f["table_value"] = 1.0  # planning tables state deadlines most plainly
        f["retrieval_rank"] = 1 / (1 + unit.rank)  # retrieval's opinion: 1 for the first passage
        f["dense"] = max(0.0, unit.hit.dense_sim - 0.75) * 4  # the passage's similarity above 0.75, scaled
        n_chars = len(unit.text)
        f["heading"] = float(is_heading(unit))  # a heading names a topic; the sentences under it answer
        f["length"] = max(0.0, math.log(max(n_chars, 1) / 160))  # long units match many words by chance
        return f

    def score(self, unit: Unit, terms: Terms, fact: FactKind, topic: float | None = None) -> float:
        return self.model.score(self.features(unit, terms, fact, topic))


# The features a unit is scored on (`UnitScorer.features`), each 0 or 1 unless said:
FEATURES: tuple[str, ...] = (
    "topic",  # share of the question's weighted concepts the unit (or, less, its context) states: 0 to 1
    "definition",  # a definition of a question word, for a "wat is …?" question
    "changes_chapter",  # in the policy's changes chapter, for a question about what changed
    "quoted_in_changes",  # only a quotation in the changes chapter, for any other question
    "value_stated",  # states a value of the kind asked (a date for "wanneer")
    "value_missing",  # states none, where the question asks a kind of value
    "table_value",  # a table row stating the value asked
    "retrieval_rank",  # 1 / (1 + the rank of its passage)
    "dense",  # the passage's dense similarity above 0.75, times 4
    "heading",  # a heading line
    "length",  # log(characters / 160) above 0
)

# The weights the answerer had before they were fitted (the constants above): the baseline the
# fitting script compares with, and what a scorer without a model file uses (unit tests).
HAND_SET = UnitModel(
    {
        "topic": 1.0, "definition": DEFINITION_BONUS, "changes_chapter": CHANGE_BONUS,
        "quoted_in_changes": -QUOTED_CHANGE_PENALTY, "value_stated": FACT_BONUS, "value_missing": -NO_FACT_PENALTY,
        "table_value": 0.1, "retrieval_rank": 0.25, "dense": 0.15, "heading": -HEADING_PENALTY, "length": -0.12,
    }
)


def best_units(units: list[Unit], scorer: UnitScorer, q: Question, terms: Terms) -> list[Unit]:
    """The units scored for the question's weighted terms (`UnitScorer.question_terms`), best first.
    A unit that states none of the question's concepts, nor does its context, is left out: a value of
    the kind asked alone ("25% marktaandeel" for the share of knee and hip patients) answers nothing."""
    kept = []
    for u in units:
        topic = scorer.topic(u, terms)
        if topic <= 0:
            continue
        kept.append(u)
        f = scorer.features(u, terms, q.fact, topic)
        u.features = f
        u.score = scorer.model.score(f)
    return sorted(kept, key=lambda u: (-u.score, u.rank, u.start))


def other_provider(unit: Unit, asked: set[str]) -> bool:
    """Whether the unit, its section or its table or list context names kinds of provider and none
    of those asked: a rule for ZBC's does not answer a question about dialysis centres."""
    named = set(find_providers(f"{unit.hit.chunk.section} {_around(unit)} {unit.text}"))
    return bool(named) and not named & asked


VALUE_KINDS: frozenset[FactKind] = frozenset(
    {"date", "amount", "percentage", "duration", "frequency", "count", "email", "phone", "web", "destination"}
)
