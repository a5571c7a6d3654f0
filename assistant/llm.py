"""Optional language-model mode (placeholder until the LLM issue work lands).

Until a model is configured, `refine_with_llm` returns the extractive answer with a notice.
"""

from __future__ import annotations

from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Answer


def refine_with_llm(answer: Answer, settings: Settings) -> Answer:
    if settings.llm_backend == "none":
        note = "Taalmodel-modus is niet geconfigureerd (INKOOPWIJZER_LLM_BACKEND); dit is het extractieve antwoord."
        return answer.model_copy(update={"notices": [*answer.notices, note]})
    note = "Taalmodel-modus is nog niet beschikbaar in deze versie; dit is het extractieve antwoord."
    return answer.model_copy(update={"notices": [*answer.notices, note]})
