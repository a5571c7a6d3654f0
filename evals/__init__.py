"""Evaluation: gold question sets, the runner, metrics, the naive baseline, reports and the CI gate.

    python -m evals [--gold FILE] [--out DIR] [--mode extractive|llm] [--baseline] [--gate]

Nothing heavy is imported here; `run_eval` and `cli_eval` live in `evals.runner`.
"""

from __future__ import annotations

__all__: list[str] = []
