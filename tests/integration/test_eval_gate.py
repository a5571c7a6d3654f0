"""The evaluation gate: each gate split (the held-out split, the comparison split) through the real
assistant meets evals/thresholds.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.gate import check_gate, gated, load_thresholds
from evals.runner import run_eval

pytestmark = [pytest.mark.eval, pytest.mark.integration, pytest.mark.timeout(1800)]


@pytest.mark.parametrize("split", sorted(gated(load_thresholds())))
def test_gate_split_meets_the_thresholds(split: str, tmp_path: Path, settings: Any) -> None:
    """`settings` (tests/conftest.py) is the shared test index, built with `ensure_index` if missing."""
    from assistant.service import Assistant

    thresholds = load_thresholds()
    result = run_eval(None, tmp_path, None, False, split_name=split, assistant=Assistant(settings), settings=settings)
    failures = check_gate(result.metrics, thresholds, [split])
    report = tmp_path / "report.md"
    assert not failures, f"evaluation gate failed on {split} (report: {report}):\n" + "\n".join(failures)
