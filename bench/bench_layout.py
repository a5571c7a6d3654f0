"""Memory of the page-view layouts (issue: +53 MB per load), on the seed index of the shipped corpus.

A page view needs a document's layout (`Assistant.document_layout`): its text, page map,
passage spans and the word boxes ingest recorded (`IndexVersion.boxes`, one `TextBox` per word
of a PDF). Each run is a fresh process that, for every document of the index:

1. loads its boxes alone (`IndexVersion.boxes`): Python memory kept by them, and the peak while
   they are read (`tracemalloc`), and the time the read takes;
2. then loads every layout once through one `Assistant` (as a server does after a page view of
   each document): the process's resident memory before and after (RSS), and the memory the
   layouts keep (`tracemalloc`, with the layout cache holding them).

Runs are repeated and medians reported, since RSS depends on the allocator's mood.

    .venv/bin/python bench/bench_layout.py                  # 5 runs, figures as "after"
    .venv/bin/python bench/bench_layout.py --label before   # on the code before a change

Writes bench/results/layout.json (each label's latest figures; the other label's are kept);
`bench/report.py` puts them in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from common import (
    BENCH_DIR,
    REPO_ROOT,
    SEED_DIR,
    bench_settings,
    ensure_seed,
    load_results,
    log,
    rss_mb,
    run_header,
    save_results,
)

MIB = 1024 * 1024
PRODUCT = ["ingest", "index", "assistant", "ui", "inkoopwijzer"]  # what a change to the figures would be in


def _measure() -> dict[str, Any]:
    """One run, in this (fresh) process."""
    import os

    from assistant.service import Assistant
    from index.store import current_version

    settings = bench_settings(SEED_DIR)
    version = current_version(settings)
    if version is None:
        raise SystemExit("no seed index: run without --child first")
    documents = [d.document for d in version.documents]
    boxes: dict[str, Any] = {}
    for name in documents:
        gc.collect()
        tracemalloc.start()
        t0 = time.perf_counter()
        loaded = version.boxes(name)
        seconds = time.perf_counter() - t0
        kept, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        boxes[name] = {"boxes": len(loaded), "kept_mib": kept / MIB, "peak_mib": peak / MIB, "ms": seconds * 1000}
        del loaded
    gc.collect()
    assistant = Assistant(settings)
    before = rss_mb(os.getpid())["rss"]
    tracemalloc.start()
    t0 = time.perf_counter()
    layouts = [assistant.document_layout(name) for name in documents]
    seconds = time.perf_counter() - t0
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = rss_mb(os.getpid())["rss"]
    del layouts
    return {
        "boxes": boxes,
        "layouts": {"documents": len(documents), "rss_growth_mib": after - before, "kept_mib": kept / MIB,
                    "peak_mib": peak / MIB, "ms": seconds * 1000},
    }


def _median(runs: list[dict[str, Any]], *path: str) -> float:
    values = []
    for r in runs:
        for key in path:
            r = r[key]
        values.append(float(r))  # type: ignore[arg-type]
    return round(statistics.median(values), 2)


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    docs = list(runs[0]["boxes"])
    return {
        "runs": len(runs),
        "boxes": {d: {"boxes": runs[0]["boxes"][d]["boxes"],
                      **{k: _median(runs, "boxes", d, k) for k in ("kept_mib", "peak_mib", "ms")}} for d in docs},
        "boxes_all": {"boxes": sum(runs[0]["boxes"][d]["boxes"] for d in docs),
                      "kept_mib": round(sum(_median(runs, "boxes", d, "kept_mib") for d in docs), 2)},
        "layouts": {"documents": runs[0]["layouts"]["documents"],
                    **{k: _median(runs, "layouts", k) for k in ("rss_growth_mib", "kept_mib", "peak_mib", "ms")}},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--label", default="after", help="what the figures are of: before / after a change")
    parser.add_argument("--quick", action="store_true", help="2 runs")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure()))
        return 0
    header = run_header(args.quick)
    ensure_seed()
    runs = []
    for i in range(2 if args.quick else args.runs):
        done = subprocess.run([sys.executable, str(BENCH_DIR / "bench_layout.py"), "--child"],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        log(f"layout run {i + 1}: {runs[-1]['layouts']}")
    previous = load_results("layout") or {}
    labels = {k: v for k, v in previous.get("labels", {}).items() if k != args.label}
    labels[args.label] = {**header, "code": _code(), **summarize(runs)}
    save_results("layout", header, {"labels": labels})
    from report import render

    render()
    return 0


def _code() -> str:
    """The commit measured (and whether the product code in the work tree differed from it)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO_ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *PRODUCT], capture_output=True, text=True,
                           cwd=REPO_ROOT).stdout.strip()
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


if __name__ == "__main__":
    sys.exit(main())
