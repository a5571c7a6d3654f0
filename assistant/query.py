"""Question understanding: language, insurer(s), care type, years, the kind of fact
asked, and how a follow-up inherits from the conversation so far."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal, get_args

from index.keyword import lemma
from inkoopwijzer import vocab
from inkoopwijzer.language import detect_language
from inkoopwijzer.types import Turn

from . import words as word_lists

FactKind = Literal[
    "date", "amount", "percentage", "duration", "frequency", "count", "email", "phone", "web", "destination",
    "condition",
    "procedure",
    "definition", "change", "other",
]

# alias (regex) → insurer / care type as the index names it, from the registries in
# inkoopwijzer/data (read by inkoopwijzer.vocab, as ingest does). Insurers not in the corpus are
# known too, so a question about them gets `not_found` instead of a neighbour's rule.
@cache
def insurer_aliases() -> list[tuple[str, str]]:
    return [(i.question_pattern(), i.name) for i in vocab.insurers()]


@cache
def care_aliases() -> list[tuple[str, str]]:
    return [(c.question_pattern(), c.code) for c in vocab.care_types()]




def find_providers(text: str) -> list[str]:
    """The kinds of provider a text names ("dialysecentrum", "ZBC's")."""
    return _named(list(word_lists.provider_kinds()), text)


def asked_providers(q: Question) -> set[str]:
    """The kinds of provider a question is about: a follow-up's own ("And for dialysis centres?"
    after a question about ZBC's) replace the earlier question's."""
    return set(find_providers(strip_names(q.text)) or find_providers(strip_names(q.query)))


_FOLLOWUP_START = re.compile(
    r"^\s*(en\b|and\b|what about|how about|same\b|idem|ook\b|en hoe|en wat|en bij|en voor|hoe zit het met|geldt dat ook|"
    r"does that|is that|and for|en als|and if|what if|en voor)",
    re.I,
)


@cache
def _for_named() -> re.Pattern[str]:
    """"voor <a registered insurer or kind of care>" opening a question ("voor Salland?", "voor ELV
    ook?"): a follow-up that names what it is about, whatever the registries hold."""
    cares = [vocab.names_pattern([*c.names, *c.abbreviations]) for c in vocab.care_types()]
    names = "|".join([*(rx for rx, _ in insurer_aliases()), *cares])
    return re.compile(rf"^\s*voor\s+(?:{names})", re.I)


def follows_up(text: str) -> bool:
    """Whether the text opens as a follow-up does ("en bij Salland?", "what about ELV?")."""
    return bool(_FOLLOWUP_START.match(text) or _for_named().match(text))

# words by which a short follow-up points at what was discussed before
_REFERS_BACK = re.compile(
    r"\b(dan|daar|daarvoor|daarna|dat|die|dit|hij|ze|zij|hiervoor|this|that|it|they|them|then|there|back)\b", re.I
)

FACT_KINDS_FILE = "fact_kinds.json"


@cache
def _fact_patterns() -> tuple[tuple[FactKind, re.Pattern[str]], ...]:
    """The kinds of fact a question asks, in the order they are tried (`assistant/data/fact_kinds.json`)."""
    return parse_fact_kinds(resources.files("assistant").joinpath("data", FACT_KINDS_FILE).read_text(encoding="utf-8"))


def parse_fact_kinds(text: str) -> tuple[tuple[FactKind, re.Pattern[str]], ...]:
    """`fact_kinds.json`'s entries, each kind checked and each pattern compiled."""
    entries = json.loads(text)["entries"]
    unknown = {e["kind"] for e in entries} - set(get_args(FactKind))
    if unknown:
        raise ValueError(f"{FACT_KINDS_FILE}: unknown kinds of fact {sorted(unknown)}; use one of {get_args(FactKind)}")
    return tuple((e["kind"], re.compile(e["match"], re.I)) for e in entries)


@dataclass
class Question:
    """What a question is about, after resolving it against the conversation."""

    text: str  # the question as asked
    query: str  # the text used for retrieval (follow-ups expanded)
    language: Literal["nl", "en"]
    insurers: list[str] = field(default_factory=list)  # covered or not: as named
    care_types: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    fact: FactKind = "other"
    is_followup: bool = False
    inherited: bool = False
    fact_inherited: bool = False  # the kind of fact comes from the previous question
    parts: list[str] = field(default_factory=list)  # the sub-questions of a question of several parts
    yes_no: bool = False  # "Is er een vast tarief voor ELV?": asks whether, not how much


def _named(aliases: list[tuple[str, str]], text: str) -> list[str]:
    """The names whose alias pattern occurs in the text, each once, in alias order."""
    return list(dict.fromkeys(name for rx, name in aliases if re.search(rx, text, re.I)))


def find_insurers(text: str) -> list[str]:
    return _named(insurer_aliases(), text)


def find_care_types(text: str) -> list[str]:
    return _named(care_aliases(), text)


def find_years(text: str) -> list[int]:
    """Years a question is about ("voor 2027", "2024-2025"); years inside a date do not count."""
    month = vocab.month_pattern()
    text = re.sub(rf"\b\d{{1,2}}\s+{month}\s+20\d\d\b|\b{month}\s+20\d\d\b", " ", text, flags=re.I)
    return sorted({int(y) for y in re.findall(r"\b(20[2-4]\d)\b", text)})


# "…, en wat moet ik aanleveren?", "… and how long is it valid?": a second question joined on
_QUESTION_WORD = (
    r"(?:wat|wanneer|hoe|hoelang|hoeveel|welke|welk|waar|waarheen|wie|wiens|waarom|naar wie|per wanneer|tot wanneer|"
    r"what|when|how|which|where|who|whom|whose|why|until when|by when)\b"
)
# a question word anywhere: a question that has one asks a value, not yes or no
_HAS_QUESTION_WORD = re.compile(rf"\b{_QUESTION_WORD}", re.I)
_PART_JOIN = re.compile(rf"(?:\s*[,;])?\s+(?:en|and|maar|but)\s+(?={_QUESTION_WORD})|\?\s+(?=\S)", re.I)


# "Wat is het verschil tussen ELV laag complex en ELV hoog complex?": each side is a part
_DIFFERENCE = re.compile(r"\b(?:verschil tussen|difference between)\s+(.+?)\s+(?:en|and)\s+(.+?)\s*\??\s*$", re.I)


def asks_difference(text: str) -> bool:
    """Whether the question asks the difference between two things: each part asks what one is."""
    return _DIFFERENCE.search(text) is not None


def split_parts(text: str) -> list[str]:
    """The sub-questions of a question that asks several things ("Wanneer moet ik bellen en wat
    moet ik aanleveren?", "het verschil tussen A en B"); empty for a question of one part."""
    diff = _DIFFERENCE.search(text)
    if diff:
        return [diff.group(1).strip(" ,;?'\""), diff.group(2).strip(" ,;?'\"")]
    parts = [p.strip(" ,;?") for p in _PART_JOIN.split(text)]
    parts = [p for p in parts if len(p.split()) >= 2]
    return parts if len(parts) > 1 else []


# "when" / "wanneer" as a conjunction asks in which case, not on which date: "what happens when
# ZK sends us…", "wanneer heeft een cliënt toegang…", "wanneer kom ik in aanmerking…"
_CONDITIONAL_WHEN = re.compile(
    r"\b(?:what happens|what if|what do we do|what should we do|is it|are we|do we|does it)\b[^?]*?\bwhen\b"
    r"|\bwhen(?=\s+\w+ing\b)"  # "… leave out when calculating…"
    r"|\bwanneer\s+(?=(?:heeft|hebben|heb)\b[^?]*\b(?:recht|toegang)\b"
    r"|(?:kom|komt|komen)\b[^?]*\bin aanmerking\b|(?:valt|vallen)\b|is\s+(?:het|er sprake)\b)",
    re.I,
)


_PARALLEL_WHEN = re.compile(
    r"\b(?:en|of|and|or)\s+(?:wanneer|when)\b(?!\s+(?:moet|moeten|kan|kunnen|krijg|krijgen|krijgt|hoor|horen|hoort|"
    r"wordt|worden|ontvang|ontvangt|ontvangen|zal|zullen|mag|mogen|do|does|did|will|can|must|should|would|is|are)\b)",
    re.I,
)


# where one sentence of a question ends and the next begins ("… per jaar. Wanneer …?", not "€150.000")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


# a question that asks whether ("Is er een vast tarief…?", "Does Salland require…?"): an inverted verb
# first and no question word anywhere
_INVERTED_VERB = (
    r"(?:is|zijn|heeft|hebben|kan|kunnen|mag|mogen|moet|moeten|krijg|krijgen|krijgt|geldt|gelden|komt|komen|"
    r"wordt|worden|bestaat|does|do|are|can|may|must|will|should|has|have)\b"
)
_YES_NO = re.compile(rf"^\s*{_INVERTED_VERB}", re.I)


def _asking(text: str) -> str:
    """The sentences of a question that ask (end in "?"), without the situation around them; typed
    without a question mark, the sentences that start as a question does ("Wij zijn een ZBC.
    wanneer krijgen we het voorstel"), unless all or none do."""
    sentences = _SENTENCE_BREAK.split(text.strip())
    marked = [p for p in sentences if p.endswith("?")]
    if marked:
        return " ".join(marked)
    starting = [p for p in sentences if _STARTS_ASKING.match(p)]
    return " ".join(starting) if 0 < len(starting) < len(sentences) else ""


# the start of a sentence that asks: a question word, or an inverted verb (`_YES_NO`)
_STARTS_ASKING = re.compile(rf"\s*(?:{_QUESTION_WORD}|{_INVERTED_VERB})", re.I)


def _any_of(patterns: Sequence[str]) -> str:
    """One regular expression that matches any of the patterns."""
    return "|".join(f"(?:{p})" for p in patterns)


@cache
def _greeting() -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{_any_of(word_lists.greetings())})\b\s*[,:!.]?\s*", re.I)


@cache
def _preamble() -> re.Pattern[str]:
    phrases = _any_of(word_lists.preambles())
    return re.compile(rf"(?:^|(?<=[.!?]))\s*(?:{phrases})\b\s*[,:]?\s*(?P<whether>(?:of|if|whether)\b\s*)?", re.I)


@cache
def _closing() -> re.Pattern[str]:
    return re.compile(rf"(?:^|(?<=[.!?,]))\s*(?:{_any_of(word_lists.closings())})\s*[.!,]*\s*$", re.I)


def without_preamble(text: str) -> tuple[str, bool]:
    """The question without polite openings and closings ("Goedemorgen, kunt u mij vertellen
    wanneer …? Alvast bedankt!" asks "Wanneer …?", its first letter as a question starts), and
    whether an opening made it ask yes or no ("Weet u of ZK …?", not "Weet u of en wanneer …?").
    Text that is nothing but politeness stays as it is."""
    original, whether = text, False
    for _ in range(3):  # "Hallo, kunt u mij vertellen …": one opening after another
        m = _greeting().search(text) or _preamble().search(text)
        if m is None or not text[m.end() :].strip():
            break
        text = f"{text[: m.start()]} {text[m.end() :]}".strip()
        whether = whether or bool(m.groupdict().get("whether"))
    m = _closing().search(text)
    if m is not None:
        if not text[: m.start()].strip():
            return original, False  # "Hello, thanks!": no question to take out
        text = text[: m.start()].strip()
    if text == original:
        return text, False
    whether = whether and not _HAS_QUESTION_WORD.search(text)
    return text[:1].upper() + text[1:], whether


def asking_part(text: str) -> str:
    """The sentences of a question that ask, or the whole text when none ends in "?"."""
    return _asking(text) or text


def is_yes_no(text: str) -> bool:
    """Whether the question asks whether something holds rather than which value it has."""
    asked = _asking(text) or text
    return bool(_YES_NO.match(asked)) and not _HAS_QUESTION_WORD.search(asked)


def fact_kind(text: str) -> FactKind:
    """The kind of fact a question asks. "Wij zijn een audiologisch centrum met €150.000 omzet.
    Wanneer krijgen we ons contractvoorstel?" asks a date: the sentences that ask decide, and
    the situation around them only when they name no kind of fact."""
    asked = _asking(text)
    if asked and asked.strip() != text.strip():
        kind = _fact_kind(asked)
        if kind != "other":
            return kind
    return _fact_kind(text)


def _fact_kind(text: str) -> FactKind:
    conditional = _CONDITIONAL_WHEN.search(text) is not None
    if conditional:
        # "wanneer is het ELV en wanneer respijtzorg?": the second "wanneer" is the first one's twin
        text = _PARALLEL_WHEN.sub(" ", _CONDITIONAL_WHEN.sub(" ", text))
    for kind, rx in _fact_patterns():
        if rx.search(text):
            return kind
    return "condition" if conditional else "other"


# "hoeveel procent tariefafslag…", "hoe hoog is de opslag…", "what minimum percentage of biosimilars…":
# the words after such a phrase name the thing whose value is asked
_ARTICLE = r"(?:(?:de|het|een|the|a|an|van|of|aan|alle|all|onze|ons|uw|mijn|jullie|hun|haar|zijn|our|your|my|their|its|his|her)\s+)*"
_MEASURED = re.compile(
    r"\b(?:hoeveel\s+(?:(?:procent|euro|fte)(?:\s+(?:bedraagt|bedragen|kost|kosten|is|zijn))?|bedraagt|bedragen|kost|kosten)|wat\s+kost|"
    r"welke?\s+(?:(?:maximaal|maximale|minimaal|minimale|hoogste|laagste)\s+)?(?:percentage|aandeel|bedrag|deel)|"
    r"hoe\s+hoog\s+(?:is|zijn|mag|moet|wordt)|"
    # "wat is de maximale tariefstijging?": the value of that thing
    r"wat\s+(?:is|zijn)\s+(?:de|het)\s+(?:maximale|minimale|maximum|minimum|hoogste|laagste)|"
    r"what\s+(?:is|are)\s+the\s+(?:maximum|minimum|highest|lowest)|"
    r"hoeveel\s+(?:weken|dagen|maanden|jaar|jaren)\s+(?:is|bedraagt|duurt)|"
    r"(?:what|which)\s+(?:(?:minimum|maximum|minimal|maximal)\s+)?(?:percentage|share|amount|proportion)|"
    r"(?:what|which)\s+(?:minimum|maximum|minimal|maximal)|welke?\s+(?:minimale|maximale)|"
    r"(?:what|which)(?=\s+\w+\s+(?:percentage|rate|amount|fee)\b)|"  # "what surcharge percentage": the word before
    r"how\s+(?:high|large|big)\s+(?:is|are)|how\s+much|"
    r"(?:wanneer|op\s+welke\s+data|tot\s+wanneer|welke\s+datum)\s+(?:moet|moeten|wordt|worden|kan|kunnen)"
    r"(?:\s+(?:ik|we|wij|u|je|jij))?(?=\s+(?:de|het|ons|onze|mijn|uw)\s)|"
    # "wanneer krijg ik de vragenlijst?", "when will ZZ send the reference tariff list?": the date of that thing
    r"(?:wanneer|op\s+welke\s+datum)\s+(?:krijg|ontvang|krijgen|ontvangen|krijgt|ontvangt)\s+(?:ik|we|wij|u|je)|"
    r"(?:wanneer|op\s+welke\s+datum)\s+(?:stuurt|verstuurt|publiceert|levert|deelt)(?:\s+(?:[\w&-]+\s+){0,2}?[\w&-]+(?=\s+(?:de|het|een|ons|onze|uw)\s))?|"
    r"(?:when|on\s+what\s+date|by\s+what\s+date)\s+(?:will|does|do|is|are)\s+(?:[\w&-]+\s+){0,4}?"
    r"(?:send|publish|deliver|share|provide|get|receive|announce)|"
    r"(?:uiterste|laatste)\s+(?:datum|dag)\s+(?:om|voor|van)|deadline\s+(?:for|voor)(?:\s+(?:submitting|sending|signing))?|"
    # "hoeveel bedden…": the count of that thing (a Dutch compound is one word; an English noun
    # phrase's head is its last word, which this does not find)
    r"hoeveel)\s+"
    rf"{_ARTICLE}(?:20\d\d\s+)?(?P<words>[^\W\d_][\w/-]*(?:\s+[^\W\d_][\w/-]*)?)",
    re.I,
)




# a part of a thing ("de rest van de herverdeling", "the remainder of the budget"): what is measured is the thing
_PART_OF = re.compile(
    rf"(?:rest|restant|deel|gedeelte|helft|remainder|part|half)\s+(?:van|of)\s+{_ARTICLE}"
    r"(?P<words>[^\W\d_][\w/-]*(?:\s+[^\W\d_][\w/-]*)?)",
    re.I,
)


def measured(text: str) -> list[str]:
    """The words naming what a value question measures ("tariefafslag" in "hoeveel procent
    tariefafslag rekent ZK…?"), when the question says it right after asking for the value."""
    m = _MEASURED.search(text)
    if not m:
        return []
    part = _PART_OF.match(text, m.start("words"))  # "de rest van de herverdeling": the herverdeling
    words = (part or m).group("words").split()
    if words[0].lower() in word_lists.not_measured():
        return []  # "when will ZK publish which providers…": a clause, not a thing
    # the second word only after an adjective ("klinische ingrepen", "medisch specialisten"), not
    # the verb that follows a noun ("tariefafslag rekent", "opslag bovenop")
    adjective = re.search(r"(isch|e|-)$", words[0]) and len(words[0]) > 3
    return words if adjective and words[-1].lower() not in word_lists.prepositions() else words[:1]


# "Welke indexatie hanteert ZZ?", "Wat is de vergoeding …?", "Which professional guidelines …?": what is asked about
_ASKED_NOUN = re.compile(
    r"(?:^|[.?!,]\s+|\b(?:en|and)\s+)(?:welke?|which|what|wat\s+(?:is|zijn)\s+(?:de|het)|what\s+(?:is|are)\s+the)\s+"
    r"(?P<words>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,2})",
    re.I,
)
# a word that says which kind of thing is asked about, not what ("welk soort overeenkomst")
_KIND_OF = frozenset("soort soorten type types kind kinds sort sorts vorm vormen".split())


def asked_noun(text: str, lang: str = "nl") -> list[str]:
    """The words naming what a question asks about: what a value question measures (`measured`),
    or the noun after "welke/which/what" ("indexatie" in "Welke indexatie hanteert ZZ?"), with
    the adjective before it ("minimale eisen"); in English the words up to the verb ("which
    professional guidelines does …")."""
    words = measured(text)
    if words:
        return words
    m = _ASKED_NOUN.search(_asking(text) or text)
    if m is None:
        return []
    words = m.group("words").split()
    while words and words[0].lower() in _KIND_OF | {"of", "van"}:
        words = words[1:]
    if not words or words[0].lower() in word_lists.not_measured() or len(words[0]) < 4:
        return []
    if lang == "en":
        out = []
        for w in words:
            if w.lower() in word_lists.not_measured() | word_lists.prepositions() | word_lists.english_function_words():
                break
            out.append(w)
        return out
    # an inflected adjective ("minimale", "nieuwe") is no noun ("indexatie", "offerte"): its lemma drops the -e
    first = words[0].lower()
    adjective = len(words) > 1 and first.endswith("e") and (lemma(first) != first or bool(_ADJECTIVE_END.search(first)))
    return words[:2] if adjective and words[1].lower() not in word_lists.prepositions() else words[:1]


_ADJECTIVE_END = re.compile(r"(nde|ische|[ae]le|ige|lijke|bare)$")




# "als ZBC", "as a new provider": the asker says what kind of provider they are, the setting of the
# question rather than what it asks about ("Moet ik als ZBC bij Salland een VMS hebben?")
_ROLE = re.compile(
    r"\b(?:als|as)\s+(?:(?:een|an?|nieuwe?|kleine?|grote?|new|small|large|zelfstandige?|independent)\s+)*"
    r"(?P<noun>[^\W\d_][\w'’-]*)",
    re.I,
)
_NOT_ROLE = frozenset(
    "ik u je jij we wij ze zij hij het de dit dat er deze die i you they it the this that well soon long much many "
    "possible mogelijk volgt follows volgens eerste first".split()
)


def roles(text: str) -> list[str]:
    """The nouns by which the asker names what kind of provider they are ("als ZBC", "as a clinic")."""
    return [m.group("noun") for m in _ROLE.finditer(text) if m.group("noun").lower() not in _NOT_ROLE]


def strip_names(text: str) -> str:
    """The text without the insurers' names and abbreviations ("zk", "Zorg en Zekerheid")."""
    return _without(insurer_aliases(), text)


def strip_care(text: str) -> str:
    """The text without the names of care types ("GRZ", "medisch-specialistische zorg")."""
    return _without(care_aliases(), text)


def _without(aliases: list[tuple[str, str]], text: str) -> str:
    """The text without the names the alias patterns match, each with an English possessive after it
    ("Salland's", "GRZ's": no "s" is left to be a topic word)."""
    for rx, _ in aliases:
        text = re.sub(rf"(?:{rx})(?:['’]s\b)?", " ", text, flags=re.I)
    return " ".join(text.split())


def refers_back(text: str) -> bool:
    """Whether the text points at something said before it ("dan", "die", "it", "that")."""
    return _REFERS_BACK.search(text) is not None


# "… and what else is required?", "wat moet ik nog meer doen?": something besides what the rest asks
_ASKS_ELSE = re.compile(r"\b(?:else|other|besides|additionally|verder|nog meer|anders|overige|andere)\b", re.I)


def asks_else(text: str) -> bool:
    """Whether a part of a question asks for something besides what its other parts ask."""
    return _ASKS_ELSE.search(text) is not None


def is_elliptical(text: str) -> bool:
    """A follow-up that only makes sense with the previous question ("en bij Salland?")."""
    content = re.sub(r"[^\w\s]", " ", strip_names(text)).split()
    return follows_up(text) or len(content) <= 2


# words that are no kind of anything: they never go when a follow-up names another kind
_FUNCTION_WORDS = frozenset(
    "de het een welke welk wat die dat deze dit van voor bij aan op in met en of om the a an which what that this "
    "of for at on in with and or to".split()
)


def other_kind(base: str, own: str) -> str:
    """The earlier question without the kind of thing a follow-up's own words (`own`, without
    "en", "and for"…) replace: "Welke eisen gelden voor ELV laag complex?" and "en hoog complex?"
    ask about ELV hoog complex, not laag; "en voor bestaande aanbieders?" after a question about
    new ones drops "nieuwe"."""
    words = re.findall(r"[^\W\d_][\w'-]*", strip_names(own))
    if len(words) < 2 or words[-1].lower() in _FUNCTION_WORDS:
        return base
    head = words[-1]
    kinds = {w.lower() for w in words[:-1]}

    def drop(m: re.Match[str]) -> str:
        before = m.group("before")
        if before.lower() in _FUNCTION_WORDS or before.lower() in kinds:
            return m.group(0)
        return m.group("head")

    return re.sub(rf"\b(?P<before>[^\W\d_][\w'-]*)\s+(?P<head>{re.escape(head)})\b", drop, base, flags=re.I)


def understand(question: str, history: Sequence[Turn] = ()) -> Question:
    """Resolve a question against the conversation so far."""
    question, whether = without_preamble(question)
    q = Question(
        text=question,
        query=question,
        language=detect_language(question),
        insurers=find_insurers(question),
        care_types=find_care_types(question),
        years=find_years(question),
        fact=fact_kind(question),
        parts=split_parts(question),
        yes_no=whether or is_yes_no(question),
    )
    prev_users = [t.content for t in history if t.role == "user"]
    if not prev_users:
        return q
    # the previous question as it was understood: after "… offerte bij Zilveren Kruis?" and "en bij
    # Salland?", "en bij Zorg en Zekerheid?" asks the offer deadline again, not "en bij …?"
    last = max(i for i, t in enumerate(history) if t.role == "user")
    earlier = understand(history[last].content, history[:last])
    prev = earlier.query
    # look back for the last question that named an insurer / care type
    prev_insurers: list[str] = []
    prev_care: list[str] = []
    for p in reversed(prev_users):
        prev_insurers = prev_insurers or find_insurers(p)
        prev_care = prev_care or find_care_types(p)
    elliptical = is_elliptical(question) or (
        len(question.split()) <= 6 and refers_back(question)
    )
    if elliptical:
        q.is_followup = True
        base = strip_names(prev) if q.insurers else prev
        if q.care_types:
            base = strip_care(base)
        own = _FOLLOWUP_START.sub(" ", question, count=1)  # "what about Salland?" asks nothing of its own
        q.query = f"{other_kind(base, own)} {question}"
        if q.fact == "other" and not _HAS_QUESTION_WORD.search(own):
            # "en bij Salland?" asks the same kind of fact; "en onder wiens leiding…?" asks its own
            q.fact = earlier.fact
            q.fact_inherited = True
        if not q.years:
            q.years = earlier.years
        if q.language != earlier.language and len(question.split()) <= 4:
            q.language = earlier.language
    if not q.insurers and prev_insurers:
        q.insurers = prev_insurers
        q.inherited = True
        q.is_followup = True
    if not q.care_types and prev_care and (elliptical or q.inherited):
        q.care_types = prev_care
    return q
