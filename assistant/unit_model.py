"""The model that scores a candidate unit (a sentence, table row or list item) for a question: a
weighted sum of named features (`extractive.UnitScorer.features`), with the weights read from one
versioned data file that `inkoopwijzer tune` fits (`evals/tune.py`). The weights are in units of
the `topic` feature (its weight is 1), so a score keeps the scale the answerer's thresholds use (`assistant.selection`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from inkoopwijzer.errors import InkoopwijzerError

MODEL_FILE = "unit_model.json"


class UnitModelError(InkoopwijzerError):
    """The unit model file is missing or malformed."""


@dataclass(frozen=True)
class UnitModel:
    """Feature weights; a feature the model has no weight for counts nothing."""

    weights: Mapping[str, float]
    version: str = "hand-set"
    info: Mapping[str, Any] = field(default_factory=dict)

    def score(self, features: Mapping[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def contributions(self, features: Mapping[str, float]) -> list[tuple[str, float, float]]:
        """(feature, value, weight × value) for every feature that adds something, largest first:
        why a unit scored as it did."""
        out = [(n, v, self.weights.get(n, 0.0) * v) for n, v in features.items()]
        return sorted((x for x in out if x[2]), key=lambda x: -abs(x[2]))


def load_unit_model(path: Path | None = None) -> UnitModel:
    """The fitted model (default: the one shipped in `assistant/data/`)."""
    try:
        if path is None:
            text = resources.files("assistant").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
            where = f"assistant/data/{MODEL_FILE}"
        else:
            text, where = path.read_text(encoding="utf-8"), str(path)
        data = json.loads(text)
        weights = {str(k): float(v) for k, v in data["weights"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnitModelError(
            f"The unit model {path or MODEL_FILE} cannot be read ({exc}); run `inkoopwijzer tune` to fit it again."
        ) from exc
    if weights.get("topic") != 1.0:
        raise UnitModelError(f"The unit model in {where} must weigh `topic` 1.0; run `inkoopwijzer tune` to fit it again.")
    return UnitModel(weights, str(data.get("version", "")), {k: v for k, v in data.items() if k != "weights"})
