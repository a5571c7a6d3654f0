"""`inkoopwijzer tune` on the shipped corpus reproduces the committed unit model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration


def test_refitting_reproduces_the_committed_weights(settings: Any, tmp_path: Path) -> None:
    from assistant.engine import Engine
    from assistant.extractive import HAND_SET
    from assistant.unit_model import load_unit_model
    from evals.tune import TOLERANCE, tune
    from index.search import get_searcher

    committed = load_unit_model()
    fitted = tune(Engine(get_searcher(settings), settings, unit_model=HAND_SET), tmp_path / "m.json", log=lambda _: None)
    assert set(fitted["weights"]) == set(committed.weights)
    for name, weight in committed.weights.items():
        assert fitted["weights"][name] == pytest.approx(weight, abs=TOLERANCE), name
    assert fitted["cv_lead_precision"] == pytest.approx(committed.info["cv_lead_precision"], abs=0.01)
