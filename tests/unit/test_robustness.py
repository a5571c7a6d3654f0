"""The robustness report: a rendering of a question that loses (or gains) its key facts is counted."""

from __future__ import annotations

from typing import Any

from evals.gold import GoldQuestion
from evals.robustness import RENDERINGS, robustness
from inkoopwijzer.types import Answer


class _Engine:
    """Answers "1 september" unless the question is typed in lower case."""

    def answer(self, question: str, history: Any, filters: Any, debug: bool) -> Answer:
        text = "Uiterlijk 1 september." if question[:1].isupper() else "Dat weet ik niet."
        return Answer(question=question, status="answered", answer=text, language="nl")


def _gold(i: int, question: str, **extra: Any) -> GoldQuestion:
    return GoldQuestion(id=f"q{i}", question=question, type="deadline", must_contain=[["1 september"]], **extra)


def test_a_rendering_that_loses_the_key_facts_is_counted_per_question() -> None:
    questions = [
        _gold(1, "Wanneer moet de offerte binnen zijn?"),
        _gold(2, "wanneer moet de offerte binnen zijn?"),  # the plain question already misses it
        GoldQuestion(id="u", question="Wat is het telefoonnummer?", type="unanswerable"),
    ]
    result = robustness(_Engine(), questions, ["lower", "polite"])  # type: ignore[arg-type]
    assert result["lower"].stated == 1 and result["lower"].lost == ["q1"] and result["lower"].gained == []
    # "Kunt u mij vertellen: …" starts with a capital: the fake answers it, so the second question gains
    assert result["polite"].lost == [] and result["polite"].gained == ["q2"]


def test_the_renderings_keep_the_question_s_words() -> None:
    q = "Wanneer moet de offerte binnen zijn?"
    for name, render in RENDERINGS.items():
        assert "binnen" in render(q, "nl"), name
    assert RENDERINGS["lower"](q, "nl") == "wanneer moet de offerte binnen zijn"
    assert RENDERINGS["greeting"]("When is the offer due?", "en") == "Hi, when is the offer due? Thanks!"
    assert RENDERINGS["typo"]("Wanneer moet de offerte binnen zijn?", "nl") == "Wanneer moet de ofefrte binnen zijn?"
    assert RENDERINGS["typo"]("Is het zo?", "nl") == "Is het zo?"  # no word long enough: as it is
    # an insurer by its registered abbreviation, typed in lower case; an insurer without one keeps its name
    assert RENDERINGS["abbreviated"]("Wanneer bij Zilveren Kruis en Salland?", "nl") == "Wanneer bij zk en Salland?"
    assert RENDERINGS["abbreviated"]("Does Zorg en Zekerheid require HKZ?", "en") == "Does z&z require HKZ?"
    assert RENDERINGS["situation"]("When is the offer due?", "en") == "We are a care provider. When is the offer due?"
