"""Run gold questions through the assistant (and the naive baseline), score them, write the run.

`run_eval` writes to its `out` folder:

- `metrics.json` — run info, metrics overall and by split, type, document and language; the
  baseline's in the same shape under `baseline`; gold warnings;
- `results.jsonl` — one record per question: id, split, question, type, language, the `Answer`
  (`model_dump`, with `retrieved` moved to the record's top level), the ranked retrieved passages,
  every check, and the latency of `ask()`; `baseline_results.jsonl` the same for the baseline;
- `report.md` — tables, the baseline ratio, and the changes against the reference run kept in
  `evals/reference/` (refresh it with `save_reference`, i.e. `python -m evals --save-reference`).

`cli_eval` is what `inkoopwijzer eval` calls.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from inkoopwijzer.errors import BadRequestError, InkoopwijzerError
from inkoopwijzer.language import detect_language
from inkoopwijzer.settings import REPO_ROOT, Settings, get_settings
from inkoopwijzer.types import Answer, Filters, Turn

from .baseline import BASELINE_K, CHUNK_OVERLAP, CHUNK_SIZE, BaselineDocument, NaiveBaseline
from .gate import GATE_SPLITS, THRESHOLDS_PATH, check_gate, gated, load_thresholds
from .gold import GoldFormatError, GoldQuestion, GoldSet, load_gold
from .matching import doc_stem, quote_retrieved
from .metrics import DocumentTexts, QuestionScore, breakdown, score_question
from .report import render_report

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.service import DocumentInfo

__all__ = [
    "DEFAULT_GOLD",
    "GATE_SPLITS",
    "REFERENCE_DIR",
    "AssistantLike",
    "EvalResult",
    "cli_eval",
    "run_eval",
    "save_reference",
]

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_GOLD: dict[str, Path] = {
    "tuning": EVALS_DIR / "data" / "tuning.jsonl",
    "former_heldout": EVALS_DIR / "data" / "former_heldout.jsonl",
    "probe": EVALS_DIR / "data" / "probe.jsonl",
    "fresh": EVALS_DIR / "data" / "fresh.jsonl",
    "fresh2": EVALS_DIR / "data" / "fresh2.jsonl",
    "heldout": EVALS_DIR / "data" / "heldout.jsonl",
    "comparison": EVALS_DIR / "data" / "comparison.jsonl",
}

REFERENCE_DIR = EVALS_DIR / "reference"
REFERENCE_FILES = ("metrics.json", "results.jsonl")

Progress = Callable[[str], None]


class AssistantLike(Protocol):
    """What the evaluation needs of `assistant.service.Assistant` (fakes implement the same)."""

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        debug: bool = False,
        mode: str | None = None,
    ) -> Answer: ...

    def documents(self) -> list[DocumentInfo]: ...

    def document_text(self, document: str) -> str: ...


@dataclass
class EvalResult:
    """One evaluation run as written to `out`."""

    out: Path
    metrics: dict[str, Any]
    results: list[dict[str, Any]]
    baseline_results: list[dict[str, Any]] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def overall(self) -> dict[str, Any]:
        return dict(self.metrics["overall"])


def _gold_sets(gold: Path | None, split_name: str | None) -> list[GoldSet]:
    if gold is not None:
        sets = [load_gold(gold, split_name)]
    else:
        if split_name is not None and split_name not in DEFAULT_GOLD:
            raise GoldFormatError(
                f"unknown split {split_name!r}; the default gold splits are {', '.join(DEFAULT_GOLD)}.",
                EVALS_DIR / "data",
            )
        names = [split_name] if split_name else list(DEFAULT_GOLD)
        sets = [load_gold(DEFAULT_GOLD[n], n) for n in names]
    seen: dict[str, str] = {}
    for s in sets:
        for q in s.questions:
            if q.id in seen:
                raise GoldFormatError(
                    f"{s.path.name}: id {q.id!r} is also in {seen[q.id]}; ids must be unique.", s.path
                )
            seen[q.id] = s.path.name
    return sets


def _gold_checks(sets: Sequence[GoldSet], docs: DocumentTexts) -> list[str]:
    """Warnings about gold data that cannot be right against this index."""
    warnings: list[str] = []
    for s in sets:
        for q in s.questions:
            missing = [stem for stem in q.source_stems if stem not in docs]
            if missing:
                warnings.append(f"{s.name} ({q.id}): source {', '.join(missing)} is not in the index")
            present = [stem for stem in q.source_stems if stem in docs]
            if not present:
                continue
            for quote in q.evidence:
                texts = (docs.raw(stem) or "" for stem in present)
                if not any(quote_retrieved(quote, text) for text in texts):
                    warnings.append(f"{s.name} ({q.id}): evidence not found in its source text: “{quote[:80]}”")
    return warnings


def _record(gold: GoldQuestion, split: str, language: str, answer: Answer, score: QuestionScore) -> dict[str, Any]:
    return {
        "id": gold.id,
        "split": split,
        "question": gold.question,
        "type": gold.type,
        "language": language,
        "insurer": gold.insurer,
        "source": gold.source,
        "history": [t.model_dump() for t in gold.history],
        "answer": answer.model_dump(mode="json", exclude={"retrieved"}),
        "retrieved": [p.model_dump(mode="json") for p in answer.retrieved or []],
        "checks": score.checks(),
        "latency_ms": round(score.latency_ms, 1),
    }


def _run_questions(
    sets: Sequence[GoldSet],
    ask: Callable[[GoldQuestion], Answer],
    docs: DocumentTexts,
    progress: Progress | None,
    label: str,
) -> tuple[list[QuestionScore], list[dict[str, Any]]]:
    scores: list[QuestionScore] = []
    records: list[dict[str, Any]] = []
    total = sum(len(s.questions) for s in sets)
    for s in sets:
        for q in s.questions:
            language = q.language or detect_language(q.question)
            error: str | None = None
            started = time.perf_counter()
            try:
                answer = ask(q)
            except BadRequestError as exc:  # a question the assistant rejects counts as failed
                answer = Answer(question=q.question, status="not_found", answer="", language=language)
                error = str(exc)
            latency = (time.perf_counter() - started) * 1000
            score = score_question(q, answer, docs, latency, split=s.name, language=language)
            score.error = error
            scores.append(score)
            if s.name in GATE_SPLITS:
                if progress is not None:
                    progress(f"{label} [{len(scores)}/{total}] ({s.name}: totals only) {latency:,.0f} ms")
                continue
            records.append(_record(q, s.name, language, answer, score))
            if progress is not None:
                verdict = "pass" if score.passed else "FAIL"
                progress(f"{label} [{len(scores)}/{total}] {q.id} {verdict} {latency:,.0f} ms")
    return scores, records


def _git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _run_info(
    sets: Sequence[GoldSet], settings: Settings, mode: str | None, documents: int, baseline: bool
) -> dict[str, Any]:
    now = datetime.now(UTC)
    commit = _git_commit()
    return {
        "id": f"{now:%Y%m%d-%H%M%S}-{commit}",
        "date": now.isoformat(timespec="seconds"),
        "commit": commit,
        "mode": mode or settings.answer_mode,
        "documents": documents,
        "gold": [
            {
                "split": s.name,
                "path": _display_path(s.path),
                "questions": len(s.questions),
                "sha256": hashlib.sha256(s.path.read_bytes()).hexdigest()[:12],
            }
            for s in sets
        ],
        "settings": {
            "embedding_backend": settings.embedding_backend,
            "top_k": settings.top_k,
            "chunk_target_chars": settings.chunk_target_chars,
            "min_evidence_score": settings.min_evidence_score,
            "llm_backend": settings.llm_backend,
        },
        "baseline": (
            f"RecursiveCharacterTextSplitter({CHUNK_SIZE}/{CHUNK_OVERLAP}) + Chroma, same embeddings, "
            f"top-{BASELINE_K}, best passage as answer"
            if baseline
            else None
        ),
    }


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def _read_jsonl(path: Path) -> list[dict[str, Any]] | None:
    if not path.is_file():
        return None
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def _build_baseline(
    assistant: AssistantLike,
    docs: DocumentTexts,
    settings: Settings,
    embeddings: Embeddings | None,
    cache: bool,
    progress: Progress | None,
) -> NaiveBaseline:
    if embeddings is None:
        from index.embeddings import get_langchain_embeddings

        embeddings = get_langchain_embeddings(settings)
    documents = [
        BaselineDocument(
            document=info.meta.document,
            title=info.meta.title,
            insurer=info.meta.insurer,
            text=docs.raw(doc_stem(info.meta.document)) or "",
        )
        for info in assistant.documents()
    ]
    return NaiveBaseline.build(
        documents,
        embeddings,
        cache_dir=settings.data_dir / "baseline" if cache else None,
        embedding_id=f"{settings.embedding_backend}:{settings.embedding_model_path}",
        progress=progress,
    )


def run_eval(
    gold: Path | None,
    out: Path,
    mode: str | None,
    baseline: bool,
    split_name: str | None = None,
    *,
    assistant: AssistantLike | None = None,
    settings: Settings | None = None,
    baseline_embeddings: Embeddings | None = None,
    baseline_cache: bool = True,
    reference_dir: Path | None = REFERENCE_DIR,
    progress: Progress | None = None,
) -> EvalResult:
    """Evaluate a gold file (default: every split of the project's gold set) and write the run to `out`.

    `split_name` names the split a given `gold` file is reported as (default: its stem); without
    `gold` it picks one default split. `mode` is passed to `ask` (None: the configured mode).
    Raises `GoldFormatError` for a malformed gold file and lets the assistant's errors through.
    """
    sets = _gold_sets(gold, split_name)
    if assistant is None:
        from assistant.service import get_assistant

        assistant = get_assistant()
    settings = settings or getattr(assistant, "settings", None) or get_settings()
    infos = assistant.documents()
    docs = DocumentTexts({doc_stem(i.meta.document): i.meta.document for i in infos}, assistant.document_text)
    warnings: list[str] = []
    for s in sets:
        found = [*s.warnings, *_gold_checks([s], docs)]
        if s.name in GATE_SPLITS and found:  # a gate split's warnings name its questions: count them only
            found = [f"{s.name}: {len(found)} gold data warning(s), not shown (gate split: totals only)"]
        warnings += found

    def ask_assistant(q: GoldQuestion) -> Answer:
        return assistant.ask(q.question, history=q.history, debug=True, mode=mode)

    scores, records = _run_questions(sets, ask_assistant, docs, progress, "assistant")
    metrics: dict[str, Any] = {"run": _run_info(sets, settings, mode, len(infos), baseline), **breakdown(scores, GATE_SPLITS)}

    baseline_records: list[dict[str, Any]] | None = None
    metrics["baseline"] = None
    if baseline:
        naive = _build_baseline(assistant, docs, settings, baseline_embeddings, baseline_cache, progress)
        base_scores, baseline_records = _run_questions(
            sets, lambda q: naive.ask(q.question), docs, progress, "baseline"
        )
        metrics["baseline"] = breakdown(base_scores, GATE_SPLITS)
    metrics["gold_warnings"] = warnings

    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _write_jsonl(out / "results.jsonl", records)
    if baseline_records is not None:
        _write_jsonl(out / "baseline_results.jsonl", baseline_records)

    reference = reference_results = None
    if reference_dir is not None and reference_dir.resolve() != out.resolve():
        reference = _read_json(reference_dir / "metrics.json")
        reference_results = _read_jsonl(reference_dir / "results.jsonl")
    report = render_report(
        metrics["run"],
        metrics,
        records,
        baseline=metrics["baseline"],
        reference=reference,
        reference_results=reference_results,
        warnings=warnings,
    )
    (out / "report.md").write_text(report, encoding="utf-8")
    return EvalResult(out=out, metrics=metrics, results=records, baseline_results=baseline_records, warnings=warnings)


def save_reference(out: Path, reference_dir: Path = REFERENCE_DIR) -> list[Path]:
    """Make a run the reference that later reports compare with: copy its metrics.json and its
    results.jsonl into `reference_dir` (the retrieved passages without their text, to keep the
    committed file small; everything the comparison and a reader need stays)."""
    sources = [out / name for name in REFERENCE_FILES]
    for source in sources:
        if not source.is_file():
            raise GoldFormatError(f"{source}: not found; run the evaluation with --out {out} first.", source)
    reference_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = Path(shutil.copy2(sources[0], reference_dir / "metrics.json"))
    records = _read_jsonl(sources[1]) or []
    for record in records:
        record["retrieved"] = [{k: v for k, v in p.items() if k != "text"} for p in record.get("retrieved", [])]
    results_path = reference_dir / "results.jsonl"
    _write_jsonl(results_path, records)
    return [metrics_path, results_path]


def _summary_line(label: str, m: dict[str, Any]) -> str:
    def f(name: str) -> str:
        v = m.get(name)
        return "–" if v is None else f"{v:.3f}"

    p50 = m.get("latency_p50_ms")
    return (
        f"{label:<10} n={m['n']:<4} hit@5 {f('hit@5')}  MRR {f('mrr')}  key facts {f('key_facts')}  "
        f"cite {f('cite_correct')}  refusal {f('refusal_accuracy')}  false refusal {f('false_refusal_rate')}  "
        f"p50 {'–' if p50 is None else f'{p50:,.0f}'} ms"
    )


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cli_eval(
    gold: Path | None,
    out: Path,
    mode: str | None,
    baseline: bool,
    gate: bool,
    *,
    split: str | None = None,
    save_as_reference: bool = False,
    thresholds_path: Path = THRESHOLDS_PATH,
    quiet: bool = False,
) -> int:
    """Run the evaluation, print a summary; exit code 0 ok, 1 gate failed, 2 could not run."""
    try:
        result = run_eval(gold, out, mode, baseline, split, progress=None if quiet else _stderr)
    except InkoopwijzerError as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    m = result.metrics
    print(_summary_line("all", m["overall"]))
    for name, values in m["by_split"].items():
        print(_summary_line(name, values))
    if m.get("baseline"):
        print(_summary_line("baseline", m["baseline"]["overall"]))
    if result.warnings:
        print(f"{len(result.warnings)} gold data warning(s): see {out / 'report.md'}")
    print(f"report: {out / 'report.md'}")
    if save_as_reference:
        for path in save_reference(out):
            print(f"reference updated: {_display_path(path)}")
    if gate:
        try:
            thresholds = load_thresholds(thresholds_path)
        except InkoopwijzerError as exc:
            print(f"eval: {exc}", file=sys.stderr)
            return 2
        # the gate splits this run measured (the overall metrics, when the file names no split); none: all, each failing
        splits = [split] if split else [s for s in gated(thresholds) if s in m["by_split"] or s == "overall"] or None
        failures = check_gate(m, thresholds, splits)
        for failure in failures:
            print(f"gate: {failure}")
        print(f"gate ({', '.join(splits or gated(thresholds))}): {'FAILED' if failures else 'passed'}")
        if failures:
            return 1
    return 0
