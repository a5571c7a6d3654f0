"""The CI gate: thresholds per metric for the gate splits, kept in `evals/thresholds.json`.

The file holds `{"date", "run", "split", "note", "thresholds": {metric: value}}` for the main gate
split, and optionally `"also": {split: {metric: value}}` for further gate splits (the comparison
split). A value is a minimum, except for metrics where lower is better (`false_refusal_rate`, answer
length, latencies), where it is a maximum. `thresholds_from_metrics` proposes a new file from a run's
metrics.json.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from inkoopwijzer.errors import ConfigError

from .metrics import LOWER_IS_BETTER

__all__ = ["GATE_SPLITS", "THRESHOLDS_PATH", "check_gate", "gated", "load_thresholds", "thresholds_from_metrics"]

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.json"
# Splits that are a gate only: their questions are scored and counted in the totals, but no
# per-question record, failure list or progress line with an id is ever written or printed, so
# nobody designs a change on them (evals/README.md).
GATE_SPLITS: frozenset[str] = frozenset({"heldout", "comparison"})


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, Any]:
    """Read and check a thresholds file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the evaluation thresholds ({exc}).") from exc
    values = data.get("thresholds") if isinstance(data, dict) else None
    if not isinstance(values, dict) or not all(isinstance(v, int | float) for v in values.values()):
        raise ConfigError(f"{path}: needs a 'thresholds' object of metric name → number.")
    also = data.get("also", {})
    if not isinstance(also, dict) or not all(
        isinstance(t, dict) and all(isinstance(v, int | float) for v in t.values()) for t in also.values()
    ):
        raise ConfigError(f"{path}: 'also' must be an object of split name → {{metric name → number}}.")
    return dict(data)


def gated(thresholds: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Each gate split's thresholds: the file's own split's, then those under "also"."""
    out = {_name(thresholds.get("split")): dict(thresholds.get("thresholds", {}))}
    out.update({str(s): dict(t) for s, t in thresholds.get("also", {}).items()})
    return out


def _name(split: Any) -> str:
    """A thresholds file's split: no split (or "all") means the run's overall metrics."""
    return "overall" if split in (None, "", "all", "overall") else str(split)


def _split_metrics(metrics: Mapping[str, Any], split: str | None) -> Mapping[str, Any] | None:
    """The flat metrics of `split` from a metrics.json document (or the document itself if flat)."""
    if "overall" not in metrics:
        return metrics
    if split in (None, "", "all", "overall"):
        return metrics["overall"]
    result = metrics.get("by_split", {}).get(split)
    return result if isinstance(result, Mapping) else None


def check_gate(metrics: Mapping[str, Any], thresholds: Mapping[str, Any], splits: Sequence[str] | None = None) -> list[str]:
    """Gate failures as readable lines; empty when every threshold holds.

    `metrics` is a metrics.json document or one flat dict of metrics (then only the file's own split
    is checked, against it). `splits`: the gate splits to check (default: every gate split in the
    file); each must be in the run.
    """
    limits = gated(thresholds)
    own = _name(thresholds.get("split"))
    if "overall" not in metrics:  # one flat dict: the file's own split
        limits = {own: limits[own]}
    if isinstance(splits, str):
        splits = [splits]
    if splits is not None and not splits:
        return ["no gate split to check"]
    failures = []
    for split in splits if splits is not None else list(limits):
        if split not in limits:
            failures.append(f"split {split!r} has no thresholds in the thresholds file")
            continue
        values = _split_metrics(metrics, split)
        if values is None:
            failures.append(f"split {split!r} is not in this run; evaluate its gold file (evals/data/{split}.jsonl)")
            continue
        where = "" if split == own else f" ({split})"
        for name, limit in limits[split].items():
            value = values.get(name)
            if value is None:
                failures.append(f"{name}{where}: not measured on split {split!r} (threshold {limit})")
            elif name in LOWER_IS_BETTER and value > limit:
                failures.append(f"{name}{where}: {value:.3f} is above the maximum {limit}")
            elif name not in LOWER_IS_BETTER and value < limit:
                failures.append(f"{name}{where}: {value:.3f} is below the minimum {limit}")
    return failures


def thresholds_from_metrics(
    metrics: Mapping[str, Any], split: str = "heldout", margin: float = 0.05, run: str | None = None
) -> dict[str, Any]:
    """Propose thresholds a margin below (above, for lower-is-better) a run's values on `split`."""
    values = _split_metrics(metrics, split)
    if values is None:
        raise ConfigError(f"split {split!r} is not in these metrics.")
    proposed: dict[str, float] = {}
    for name, value in values.items():
        if value is None or name == "n" or name.startswith("n_") or name == "errors":
            continue
        if name.startswith("latency"):
            proposed[name] = round(float(value) * 2, -1)
        elif name == "answer_chars_p50":
            proposed[name] = round(float(value) * 1.15, -1)  # a length, not a rate
        elif name in LOWER_IS_BETTER:
            proposed[name] = round(min(1.0, float(value) + margin), 3)
        else:
            proposed[name] = round(max(0.0, float(value) - margin), 3)
    run_info = metrics.get("run", {})
    return {
        "date": date.today().isoformat(),
        "run": run or run_info.get("id", "unknown"),
        "split": split,
        "note": f"{margin:g} below the values of the run named here (latency: twice).",
        "thresholds": proposed,
    }
