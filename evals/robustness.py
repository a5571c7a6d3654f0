"""How well answers survive the ways users type: every answerable training question (never the
gate's) asked again in a few renderings of the same words, and whether its answer still states
its key facts.

- `lower`: lower case, without the closing question mark ("wanneer moet de offerte binnen zijn");
- `polite`: behind a polite opening ("Kunt u mij vertellen: …", "Could you tell me: …");
- `greeting`: between a greeting and thanks ("Goedemorgen, … Alvast bedankt!", "Hi, … Thanks!");
- `typo`: two letters swapped in the middle of its longest word ("offerte" → "ofefrte");
- `accents`: without diacritics, as many type ("financiële" → "financiele", "patiënt" → "patient");
- `abbreviated`: each insurer named by its registered abbreviation in lower case ("Zilveren Kruis" → "zk"),
  from the registry (`inkoopwijzer/data/insurers.json`); a question naming none is asked as it is;
- `situation`: behind a sentence about who asks that changes nothing asked ("Wij zijn een zorgaanbieder. …").

A rendering that loses key facts the plain question states means the answerer reads more into
how a question is typed than into what it asks. The report gives, per rendering, how many
questions' key facts the plain question states, which of them the rendering loses, and how many
it gains. It is a diagnostic (docs/evaluation.md, "Robustness"), not a gate.

    INKOOPWIJZER_TODAY=2026-11-23 python -m evals.robustness [--renderings lower,polite,greeting,typo,accents,...]
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .metrics import key_facts_stated

if TYPE_CHECKING:
    from assistant.engine import Engine

    from .gold import GoldQuestion


def _lower(q: str, language: str) -> str:
    return re.sub(r"[?!.]+\s*$", "", q.lower())


def _polite(q: str, language: str) -> str:
    return ("Kunt u mij vertellen: " if language == "nl" else "Could you tell me: ") + q[:1].lower() + q[1:]


def _greeting(q: str, language: str) -> str:
    opening, closing = ("Goedemorgen, ", " Alvast bedankt!") if language == "nl" else ("Hi, ", " Thanks!")
    return opening + q[:1].lower() + q[1:] + closing


def _typo(q: str, language: str) -> str:
    """Two letters swapped in the middle of the question's longest word of seven letters or more
    ("offerte" → "ofefrte"), as a hurried typist does."""
    words = re.findall(r"[^\W\d_]{7,}", q)
    if not words:
        return q
    w = max(reversed(words), key=len)  # of equally long words the last: the question word comes first
    middle = len(w) // 2
    # the two letters nearest the middle that differ (swapping "nn" changes nothing)
    i = min((k for k in range(1, len(w)) if w[k - 1] != w[k]), key=lambda k: abs(k - middle), default=None)
    if i is None:
        return q
    return q.replace(w, w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :], 1)


def _accents(q: str, language: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", q) if not unicodedata.combining(c))


def _abbreviated(q: str, language: str) -> str:
    from inkoopwijzer import vocab

    for insurer in vocab.insurers():
        if insurer.abbreviations:
            for name in sorted(insurer.official, key=len, reverse=True):
                q = re.sub(vocab.name_pattern(name), insurer.abbreviations[0].lower(), q, flags=re.I)
    return q


def _situation(q: str, language: str) -> str:
    return ("Wij zijn een zorgaanbieder. " if language == "nl" else "We are a care provider. ") + q


RENDERINGS: dict[str, Callable[[str, str], str]] = {
    "lower": _lower, "polite": _polite, "greeting": _greeting, "typo": _typo, "accents": _accents,
    "abbreviated": _abbreviated, "situation": _situation,
}


@dataclass
class Kept:
    """One rendering's count: questions whose key facts the plain question states, and of those
    how many the rendering loses; and how many it gains."""

    stated: int = 0
    lost: list[str] = field(default_factory=list)
    gained: list[str] = field(default_factory=list)


def robustness(engine: Engine, questions: Sequence[GoldQuestion], renderings: Sequence[str]) -> dict[str, Kept]:
    """Each rendering's `Kept` over the answerable questions without a conversation before them."""
    out = {name: Kept() for name in renderings}
    for g in questions:
        if not g.answerable or g.history or not g.must_contain:
            continue
        plain = engine.answer(g.question, [], None, False)
        base = bool(key_facts_stated(g, plain.answer)[0])
        for name in renderings:
            typed = RENDERINGS[name](g.question, plain.language)
            kept = bool(key_facts_stated(g, engine.answer(typed, [], None, False).answer)[0])
            out[name].stated += base
            if base and not kept:
                out[name].lost.append(g.id)
            elif kept and not base:
                out[name].gained.append(g.id)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.robustness", description=__doc__.split("\n\n")[0])
    parser.add_argument("--renderings", default=",".join(RENDERINGS), help=f"comma-separated, of {', '.join(RENDERINGS)}")
    args = parser.parse_args(argv)
    names = [n for n in args.renderings.split(",") if n]
    unknown = [n for n in names if n not in RENDERINGS]
    if unknown:
        parser.error(f"unknown rendering(s) {', '.join(unknown)}; choose from {', '.join(RENDERINGS)}")
    from assistant.engine import Engine
    from index.search import get_searcher
    from inkoopwijzer.settings import Settings

    from .tune import training_questions

    settings = Settings()
    _, questions = training_questions()
    result = robustness(Engine(get_searcher(settings), settings), questions, names)
    print("| rendering | key facts stated plainly | lost | gained |")
    print("|---|---|---|---|")
    for name, k in result.items():
        print(f"| {name} | {k.stated} | {len(k.lost)} ({', '.join(k.lost)}) | {len(k.gained)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
