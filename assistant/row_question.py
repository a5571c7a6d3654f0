"""The question a comparison asks of each insurer (or each policy): the comparison taken out, the
rest still a question the answerer can read.

    row_question(question, names, marks, words, language) -> str

"Do Salland and Zilveren Kruis differ in how they handle new providers?" asks each insurer "how they
handle new providers?"; "Hanteren ZZ en Salland dezelfde spelregels voor het contracteerproces?" asks
"Welke spelregels hanteren voor het contracteerproces?"; "Wat is het verschil tussen ZK en ZZ wat betreft
de offerte?" asks about "de offerte". Four steps, each a pattern over the question with its parts marked:
the names go with the words that join them ("bij X en bij Y", "X, Y or Z"), a difference goes with the
question around it ("wat is het verschil tussen", "how do … compare on"), "the same X" becomes "which X"
put in front, and the little words a removal leaves behind go. The words are data (`compare.json`,
"row_question").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

# "verschillen", "dezelfde" (before a noun), "hetzelfde" (alone), "different" (a difference, or before a noun
# "which"), or other comparison words ("het eerst")
Mark = Literal["differ", "same", "same_alone", "different", "cut"]

# Stand-ins for the marked parts: private-use characters, which no question holds (they are taken out first)
_NAME, _DIFFER, _SAME, _ALONE, _DIFFERENT = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_STAND_INS = re.compile("[\ue000-\ue0ff]")


def _alt(phrases: Sequence[str]) -> str:
    """A regex alternation of phrases (longest first), words separated by any space."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


def _marked(question: str, names: Sequence[tuple[int, int]], marks: Sequence[tuple[int, int, Mark]]) -> str:
    """The question with each name, difference and sameness as one stand-in and the other comparison words
    ("het eerst", "welke verzekeraar") taken out. Overlapping spans are cut once, the first-starting wins."""
    spans = sorted([(s, e, "name") for s, e in names] + list(marks))
    merged: list[list[Any]] = []
    for s, e, kind in spans:
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e, kind])
    stand_in = {"name": _NAME, "differ": _DIFFER, "same": _SAME, "same_alone": _ALONE, "different": _DIFFERENT, "cut": " "}
    text = _STAND_INS.sub(" ", question)  # one character for one: the spans still hold
    for s, e, kind in reversed(merged):
        text = f"{text[:s]} {stand_in[kind]} {text[e:]}"
    return " ".join(text.split())


def row_question(
    question: str, names: Sequence[tuple[int, int]], marks: Sequence[tuple[int, int, Mark]], words: dict[str, Any], language: str
) -> str:
    """The question as asked of one insurer. `names` are the spans of the insurers (or kinds of care)
    compared, `marks` the spans of the comparison's words, `words` compare.json's "row_question"."""
    text = _marked(question, names, marks)
    lang = words[language] if language in words else words["nl"]
    preps, joins, quants = (_alt(words["prepositions"]), _alt(words["conjunctions"]), _alt(words["quantifiers"]))
    # 1. the names with the words that join them: "tussen X en Y", "bij X en bij Y", "X, Y of Z allemaal"
    # (a name may be followed by its abbreviation in brackets: "zintuiglijk gehandicaptenzorg (ZG)"; "GRZ/ELV" is one)
    one = rf"(?:\b(?:{preps})\s+)?{_NAME}(?:\s*['’]s\b)?(?:\s*\(\s*{_NAME}\s*\))?"
    text = re.sub(rf"(?:\b(?:{quants})\s+)?{one}(?:\s*(?:[,&/–-]|\b(?:{joins})\b)\s*{one})*(?:\s+\b(?:{quants})\b)?", " ", text,
                  flags=re.I)
    plain = " ".join(_STAND_INS.sub(" ", text).split())  # the question without the names: asked when nothing else is left
    little = _little(words)
    no_noun = _alt(sorted(little | set(words["not_nouns"])))  # "different when it comes to …" names no thing
    # "different rules" asks which rules (step 3); "different when it comes to …" is a difference (step 2)
    text = re.sub(rf"{_DIFFERENT}(?=\s+(?:{no_noun})\b|\s*[?.!,;:]|\s*$)", _DIFFER, text, flags=re.I).replace(_DIFFERENT, _SAME)
    # 2. a difference with the question around it; a topic after it ("… wat betreft de offerte") is what is asked
    frames, intros = _alt(words["differ_frames"]), _alt(words["topic_introducers"])
    m = re.search(rf"(?:^|(?<=\s))(?:(?:{frames})\s+)?{_DIFFER}(?:\s+(?:{_alt(words['pronouns'])})\b)?(?:\s+(?:{intros})\b)?", text,
                  flags=re.I)
    if m:
        before, after = text[: m.start()].strip(" ,:;"), text[m.end():].strip()
        # "Wat is het verschil … wat betreft de offerte?": the topic alone; "hoe meld ik me aan …, wat is het verschil?": before
        text = f"{before} {after}" if before and not _only(before, words) else after
    text = text.replace(_DIFFER, " ")
    # 3. "dezelfde spelregels" asks which: "Welke spelregels hanteren …?"; "is de termijn gelijk?" asks what it is,
    # "moeten ze hetzelfde aanleveren?" asks what
    m = re.search(rf"(?:\b({preps})\s+)?{_SAME}\s+(?!(?:{no_noun})\b)([\w-]+)", text, flags=re.I)
    if m:
        rest = (text[: m.start()] + " " + text[m.end():]).strip()
        text = f"{m.group(1) + ' ' if m.group(1) else ''}{lang['which']} {m.group(2)} {_lower_first(rest)}"
    elif _SAME in text or _ALONE in text:
        text = " ".join(_STAND_INS.sub(" ", text).split())
        first, _, rest = text.partition(" ")
        # "Zijn de eisen hetzelfde?" → "wat zijn de eisen?"; "Moeten ze hetzelfde aanleveren?" → "wat moeten ze aanleveren?"
        if first.lower() in lang["copulas"]:
            text = f"{lang['what']} {first.lower()} {rest}"
        else:
            text = f"{lang['what']} {_lower_first(text)}"
    # 4. an order to show ("Zet … naast elkaar", "Show me …") is no part of the question; nor the little words left over
    text = re.sub(rf"^\s*(?:{_alt(words['imperatives'])})\b", " ", _STAND_INS.sub(" ", text), flags=re.I)
    kept = [w for w in text.split() if w.strip(",?.!;:")]
    joining = {w.lower() for w in words["conjunctions"] + words["quantifiers"]}
    while kept and kept[0].lower().strip(",?.:;") in joining:
        kept.pop(0)  # "en hoe …": "on which day …" keeps its preposition
    while kept and kept[-1].lower().strip(",?.:;") in little:
        kept.pop()
    out = " ".join(kept).strip(" ,:;.")
    if not out:  # "Verschillen ZK en Salland?": nothing but the comparison; each is asked the question as typed
        out = plain.strip(" ,:;.?")
    return out if out.endswith("?") else out + "?"


def _lower_first(text: str) -> str:
    """"Hanteren …" → "hanteren …", "MSZ …" stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _little(words: dict[str, Any]) -> set[str]:
    return {w.lower() for w in words["prepositions"] + words["conjunctions"] + words["quantifiers"]}


def _only(before: str, words: dict[str, Any]) -> bool:
    """Whether the words before a difference are only its question's opening ("Do", "Kun je", "How do")."""
    return re.fullmatch(rf"(?:{_alt(words['differ_frames'])})", before, flags=re.I) is not None
