"""The answerer's word lists, kept as data in `data/question_words.json` and
`data/provider_kinds.json`, each read once on first use.

    generic()                 words that carry no topic (question words, the domain's ubiquitous terms)
    kind_words()              kind of fact → the words by which a question names that kind
    reference_words()         words after which a number names a part of a text ('bijlage 3')
    not_measured()            words after 'hoeveel' that do not say what the value is of
    english_function_words()  English function words the stop lists lack
    prepositions()            words that follow a noun and say nothing of it
    english_values()          Dutch words of a stated value → English, in order
    provider_kinds()          (regex, kind of provider), in order
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "english_function_words",
    "english_values",
    "generic",
    "kind_words",
    "not_measured",
    "prepositions",
    "provider_kinds",
    "reference_words",
]


@cache
def _read(name: str) -> Any:
    return json.loads(resources.files("assistant").joinpath("data", name).read_text(encoding="utf-8"))


def _words(entry: dict[str, Any]) -> frozenset[str]:
    """A list's words: its own 'words' or those of its 'groups'."""
    if "groups" in entry:
        return frozenset(w for g in entry["groups"] for w in g["words"].split())
    return frozenset(entry["words"].split())


@cache
def generic() -> frozenset[str]:
    return _words(_read("question_words.json")["generic"])


@cache
def kind_words() -> dict[str, frozenset[str]]:
    data = _read("question_words.json")["kind_words"]
    shared = {name: frozenset(ws.split()) for name, ws in data["shared"].items()}
    return {
        kind: frozenset(e["words"].split()).union(*(shared[s] for s in e["shared"]))
        for kind, e in data["kinds"].items()
    }


@cache
def reference_words() -> tuple[str, ...]:
    return tuple(_read("question_words.json")["reference_words"]["words"].split())


@cache
def not_measured() -> frozenset[str]:
    return _words(_read("question_words.json")["not_measured"])


@cache
def english_function_words() -> frozenset[str]:
    return _words(_read("question_words.json")["english_function_words"])


@cache
def prepositions() -> frozenset[str]:
    return _words(_read("question_words.json")["prepositions"])


@cache
def english_values() -> tuple[tuple[str, str], ...]:
    data = _read("question_words.json")["english_values"]
    return tuple({**data["units"], **data["words"]}.items())


@cache
def provider_kinds() -> tuple[tuple[str, str], ...]:
    return tuple((e["match"], e["kind"]) for e in _read("provider_kinds.json")["kinds"])


@cache
def greetings() -> tuple[str, ...]:
    """Greetings and thanks that open a message ("Goedemorgen,", "Thanks for the help."), as regular expressions."""
    return tuple(_read("question_words.json")["preambles"]["greetings"])


@cache
def preambles() -> tuple[str, ...]:
    """Polite openings before the question itself ("kunt u mij vertellen", "do you know"), as regular expressions."""
    return tuple(_read("question_words.json")["preambles"]["patterns"])


@cache
def closings() -> tuple[str, ...]:
    """Polite closings after the question ("alvast bedankt", "thanks in advance"), as regular expressions."""
    return tuple(_read("question_words.json")["preambles"]["closings"])
