"""report.md: the run's metrics, the naive baseline beside them, and what changed since the reference run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .gate import GATE_SPLITS
from .metrics import COVERAGE_K, HIT_KS, LOWER_IS_BETTER

__all__ = ["SUMMARY_METRICS", "changed_questions", "render_report", "wilson"]

SUMMARY_METRICS: tuple[str, ...] = (
    *(f"hit@{k}" for k in HIT_KS),
    "mrr",
    "key_facts",
    "key_fact_recall",
    "cite_correct",
    "verbatim_quote_rate",
    "quote_precision",
    "refusal_accuracy",
    "false_refusal_rate",
    "insurer_coverage",
    f"retrieval_insurer_coverage@{COVERAGE_K}",
    "followup_key_facts",
    "comparison_key_facts",
    "pass_rate",
    "answer_chars_p50",
    "latency_p50_ms",
    "latency_p95_ms",
)
_GROUP_METRICS = (
    "n",
    "hit@5",
    "mrr",
    "key_facts",
    "cite_correct",
    "quote_precision",
    "refusal_accuracy",
    "false_refusal_rate",
    "pass_rate",
    "answer_chars_p50",
)

_LABELS = {
    "mrr": "MRR@10",
    "key_facts": "key facts (strict)",
    "key_fact_recall": "key facts stated (share of all facts)",
    "cite_correct": "citation correct",
    "verbatim_quote_rate": "verbatim quotes",
    "refusal_accuracy": "refusal accuracy (unanswerable)",
    "false_refusal_rate": "false refusals (answerable) ↓",
    "insurer_coverage": "insurer coverage (ambiguous, comparison; cited)",
    f"retrieval_insurer_coverage@{COVERAGE_K}": f"insurer coverage (ambiguous, comparison; top-{COVERAGE_K} retrieved)",
    "quote_precision": "quote precision (quotes holding evidence)",
    "followup_key_facts": "follow-up key facts",
    "comparison_key_facts": "comparison key facts",
    "pass_rate": "questions passed",
    "answer_chars_p50": "answer length p50, characters ↓",
    "latency_p50_ms": "latency p50 ms ↓",
    "latency_p95_ms": "latency p95 ms ↓",
}


# the rates a gate split's totals are read by, each with the count of questions it is over
_INTERVAL_METRICS = (
    ("key_facts", "n_key_facts"),
    ("cite_correct", "n_cite_correct"),
    ("refusal_accuracy", "n_unanswerable"),
    ("false_refusal_rate", "n_answerable"),
    ("followup_key_facts", "n_followup_key_facts"),
    ("comparison_key_facts", "n_comparison_key_facts"),
)


def wilson(rate: float, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share of `n` questions (scipy's `binomtest`)."""
    from scipy.stats import binomtest

    ci = binomtest(round(rate * n), n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def _intervals(splits: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """How far a gate split's totals can move by chance: a rate over a dozen questions moves a lot."""
    rows = ["| split | metric | value | questions | 95 % interval (Wilson) |", "|---|---|---|---|---|"]
    for split, m in splits.items():
        for name, count in _INTERVAL_METRICS:
            rate, n = m.get(name), m.get(count)
            if rate is None or not n:
                continue
            low, high = wilson(float(rate), int(n))
            rows.append(f"| {split} | {_LABELS.get(name, name)} | {float(rate):.3f} | {n} | {low:.2f}–{high:.2f} |")
    rows += ["", "A rate over n questions is one draw: a change that moves it less than the interval is wide may be chance."]
    return rows


def _fmt(value: Any, name: str = "") -> str:
    if value is None:
        return "–"
    if name.startswith(("latency", "answer_chars")):
        return f"{float(value):,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return f"{float(value):.3f}"


def _ratio(ours: Any, base: Any) -> str:
    if ours is None or base is None or float(base) == 0.0:
        return "–"
    return f"{float(ours) / float(base):.2f}×"


def _delta(ours: Any, ref: Any, name: str) -> str:
    if ours is None or ref is None:
        return "–"
    d = float(ours) - float(ref)
    if abs(d) < 1e-9:
        return "="
    better = (d < 0) == (name in LOWER_IS_BETTER)
    text = f"{d:+,.0f}" if name.startswith("latency") else f"{d:+.3f}"
    return f"{text} {'▲' if better else '▼'}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _summary(
    metrics: Mapping[str, Any], baseline: Mapping[str, Any] | None, reference: Mapping[str, Any] | None
) -> list[str]:
    splits = list(metrics["by_split"])
    header = ["metric", "all", *splits]
    if baseline is not None:
        header += ["baseline (all)", "ours / baseline"]
    if reference is not None:
        header += ["reference (all)", "Δ vs reference"]
    counts = ["questions", str(metrics["overall"]["n"]), *(str(metrics["by_split"][s]["n"]) for s in splits)]
    if baseline is not None:
        counts += [str(baseline["overall"]["n"]), ""]
    if reference is not None:
        counts += [str(reference.get("overall", {}).get("n", "–")), ""]
    rows = [counts]
    for name in SUMMARY_METRICS:
        ours = metrics["overall"].get(name)
        row = [
            _LABELS.get(name, name),
            _fmt(ours, name),
            *(_fmt(metrics["by_split"][s].get(name), name) for s in splits),
        ]
        if baseline is not None:
            base = baseline["overall"].get(name)
            row += [_fmt(base, name), _ratio(ours, base)]
        if reference is not None:
            ref = reference.get("overall", {}).get(name)
            row += [_fmt(ref, name), _delta(ours, ref, name)]
        rows.append(row)
    return _table(header, rows)


def _groups(title: str, groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    header = [title, *(_LABELS.get(m, m) for m in _GROUP_METRICS)]
    rows = [[key, *(_fmt(values.get(m), m) for m in _GROUP_METRICS)] for key, values in groups.items()]
    return _table(header, rows)


def changed_questions(
    results: Sequence[Mapping[str, Any]], reference: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """Question ids whose verdict changed: `pass_to_fail`, `fail_to_pass`, `new`, `gone`."""
    now = {r["id"]: bool(r["checks"]["passed"]) for r in results}
    before = {r["id"]: bool(r.get("checks", {}).get("passed")) for r in reference}
    return {
        "pass_to_fail": [i for i in now if i in before and before[i] and not now[i]],
        "fail_to_pass": [i for i in now if i in before and not before[i] and now[i]],
        "new": [i for i in now if i not in before],
        "gone": [i for i in before if i not in now],
    }


def _why_failed(record: Mapping[str, Any]) -> str:
    c = record["checks"]
    reasons = []
    if c.get("error"):
        reasons.append(f"error: {c['error']}")
    if c.get("refused") is False:
        reasons.append(f"not refused (status {record['answer']['status']})")
    if c.get("false_refusal"):
        reasons.append(f"status {record['answer']['status']}")
    if c.get("key_facts") is False:
        reasons.append("missing " + ", ".join(f"“{m}”" for m in c.get("missing_facts", [])))
    if c.get("cite_correct") is False:
        reasons.append("no correct citation")
    cov = c.get("insurer_coverage")
    if cov is not None and cov < 1.0:
        reasons.append(f"insurer coverage {cov:.2f}")
    if c.get("hit@10") is False:
        reasons.append("evidence not in top 10")
    return "; ".join(reasons) or "–"


def _question_rows(ids: Sequence[str], by_id: Mapping[str, Mapping[str, Any]]) -> list[str]:
    rows = []
    for i in ids:
        r = by_id[i]
        question = str(r["question"]).replace("\n", " ")
        rows.append([i, r["split"], r["type"], question[:90], _why_failed(r)])
    return _table(["id", "split", "type", "question", "what failed"], rows)


def render_report(
    run: Mapping[str, Any],
    metrics: Mapping[str, Any],
    results: Sequence[Mapping[str, Any]],
    *,
    baseline: Mapping[str, Any] | None = None,
    reference: Mapping[str, Any] | None = None,
    reference_results: Sequence[Mapping[str, Any]] | None = None,
    warnings: Sequence[str] = (),
) -> str:
    """The Markdown report of one run."""
    out = [f"# Evaluation run {run.get('id', '')}", ""]
    gold = ", ".join(f"{g['split']} ({g['questions']} q, {g['path']})" for g in run.get("gold", []))
    out += [
        f"- date: {run.get('date')}, commit: {run.get('commit')}, answer mode: {run.get('mode')}",
        f"- gold: {gold}",
        f"- documents indexed: {run.get('documents')}; settings: {run.get('settings')}",
    ]
    if baseline is not None:
        out.append(f"- baseline: {run.get('baseline', '')}")
    if reference is not None:
        ref_run = reference.get("run", {})
        out.append(f"- reference: run {ref_run.get('id', '?')} of {ref_run.get('date', '?')} (evals/reference/)")
    else:
        out.append("- reference: none yet (copy a run into evals/reference/ with `python -m evals --save-reference`)")
    gated = [s for s in metrics.get("by_split", {}) if s in GATE_SPLITS]
    if gated:
        out.append(
            f"- gate split(s) {', '.join(gated)}: totals only; their questions are never listed, and the tables by type, "
            "document and language leave them out"
        )
    out += ["", "## Summary", ""]
    out += _summary(metrics, baseline, reference)
    out += [
        "",
        "Retrieval metrics count questions with evidence quotes; a quote is retrieved when a passage "
        "contains it after folding, or ≥ 60 % of its words in order. Key facts are strict (every "
        "`must_contain` item). ↓ marks metrics where lower is better.",
    ]
    if baseline is not None:
        out.append(
            "The baseline retrieves 5 passages only, so its hit@10 equals its hit@5; it never refuses, "
            "so its refusal accuracy is 0 and its false-refusal rate 0 by construction. Its latency is "
            "the similarity search alone: it shares the embedding model's cache, so the question's "
            "embedding, made for the assistant just before, is reused."
        )
    if gated:
        out += ["", "## Gate splits: 95 % intervals", ""]
        out += _intervals({s: metrics["by_split"][s] for s in gated})
    for title, key in (("type", "by_type"), ("document", "by_document"), ("language", "by_language")):
        out += ["", f"## By {title}", ""]
        out += _groups(title, metrics[key])

    by_id = {r["id"]: r for r in results}
    if reference_results is not None:
        changes = changed_questions(results, reference_results)
        out += ["", "## Changed since the reference run", ""]
        out.append(
            f"{len(changes['pass_to_fail'])} pass → fail, {len(changes['fail_to_pass'])} fail → pass, "
            f"{len(changes['new'])} new, {len(changes['gone'])} no longer in the gold set."
        )
        if changes["pass_to_fail"]:
            out += ["", "### Pass → fail", ""]
            out += _question_rows(changes["pass_to_fail"], by_id)
        if changes["fail_to_pass"]:
            out += ["", "### Fail → pass", ""]
            out += [f"- {i}" for i in changes["fail_to_pass"]]

    failing = [r["id"] for r in results if not r["checks"]["passed"]]
    out += ["", f"## Failing questions ({len(failing)} of {len(results)})", ""]
    out += _question_rows(failing, by_id) if failing else ["None."]

    if warnings:
        out += ["", f"## Gold data warnings ({len(warnings)})", ""]
        out += [f"- {w}" for w in warnings]

    out += [
        "",
        "## Judge metrics",
        "",
        "Not computed: metrics graded by a language model (faithfulness, helpfulness) need an LLM "
        "configured (`INKOOPWIJZER_LLM_BACKEND`) and are not part of this harness. Every metric above "
        "comes from deterministic text matching.",
        "",
    ]
    return "\n".join(out)
