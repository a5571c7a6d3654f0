"""The whole evaluation (tuning, held-out and probe) on each rendering of the shipped policies.

    .venv/bin/python bench/bench_renderings.py                 # shipped + the five renderings
    .venv/bin/python bench/bench_renderings.py --kinds docx html

The renderings are made from the plain texts by the tests' converter (tests/renderings.py:
Chromium and LibreOffice PDFs, a two-column PDF, DOCX and HTML). Each is ingested into its own
index under var/bench/renderings/<kind>/ (one embedding cache for all), as a user would upload it,
and the gold questions are asked through the real assistant. Writes
bench/results/renderings.json and prints a Markdown table of hit@5 and key facts, overall and per
split, with each rendering's difference from the shipped rendering.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from common import BENCH_TODAY, RESULTS_DIR, WORK_DIR, log, run_header

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import renderings as R  # noqa: E402  (tests/renderings.py: the converter and the cache)

OUT = RESULTS_DIR / "renderings.json"
BASE = WORK_DIR / "renderings"
METRICS = ("hit@5", "key_facts", "cite_correct")


def evaluate(kind: str, files: list[Path]) -> dict[str, Any]:
    import os

    os.environ["INKOOPWIJZER_TODAY"] = BENCH_TODAY
    from assistant.service import Assistant
    from evals.runner import run_eval
    from index.store import ingest_paths
    from inkoopwijzer.settings import Settings

    data = BASE / kind
    settings = Settings(data_dir=data, today=BENCH_TODAY)
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    shared = BASE / "embeddings.sqlite"
    link = settings.cache_dir / "embeddings.sqlite"
    if not link.exists():
        shared.touch()
        link.symlink_to(shared.resolve())
    started = time.perf_counter()
    report = ingest_paths(files, settings, wait=600)
    ingest_s = time.perf_counter() - started
    result = run_eval(None, data / "eval", None, False, assistant=Assistant(settings), settings=settings, reference_dir=None)
    m = result.metrics
    return {
        "kind": kind,
        "documents": [f.model_dump() for f in report.files],
        "failed": [f.model_dump() for f in report.failed],
        "ingest_s": round(ingest_s, 1),
        "overall": {k: m["overall"].get(k) for k in (*METRICS, "n")},
        "by_split": {s: {k: v.get(k) for k in (*METRICS, "n")} for s, v in m["by_split"].items()},
    }


def table(results: list[dict[str, Any]]) -> str:
    ref = next((r for r in results if r["kind"] == "shipped"), None)

    def cell(r: dict[str, Any], where: str, metric: str) -> str:
        v = r["overall"][metric] if where == "overall" else r["by_split"].get(where, {}).get(metric)
        if v is None:
            return "–"
        if ref is None or r is ref:
            return f"{v:.3f}"
        base = ref["overall"][metric] if where == "overall" else ref["by_split"].get(where, {}).get(metric)
        return f"{v:.3f} ({v - base:+.3f})" if base is not None else f"{v:.3f}"

    splits = ["overall", "tuning", "heldout", "probe"]
    head = "| rendering | " + " | ".join(f"hit@5 {s}" for s in splits) + " | " + " | ".join(f"key facts {s}" for s in splits) + " |"
    rows = [head, "|" + "---|" * (1 + 2 * len(splits))]
    for r in results:
        rows.append(
            f"| {r['kind']} | "
            + " | ".join(cell(r, s, "hit@5") for s in splits)
            + " | "
            + " | ".join(cell(r, s, "key_facts") for s in splits)
            + " |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", nargs="*", default=["shipped", *R.KINDS])
    parser.add_argument("--fresh", action="store_true", help="rebuild each rendering's index from scratch")
    args = parser.parse_args()
    earlier = json.loads(OUT.read_text(encoding="utf-8")).get("results", []) if OUT.is_file() else []
    results: list[dict[str, Any]] = [r for r in earlier if r["kind"] not in args.kinds]  # kept from earlier runs
    for kind in args.kinds:
        if args.fresh:
            shutil.rmtree(BASE / kind, ignore_errors=True)
        files = sorted(R.SHIPPED.glob("*.pdf")) if kind == "shipped" else R.files(kind)
        log(f"{kind}: {len(files)} files")
        results.append(evaluate(kind, files))
        log(f"{kind}: {results[-1]['overall']}")
        OUT.write_text(json.dumps({"run": run_header(False), "results": results}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
