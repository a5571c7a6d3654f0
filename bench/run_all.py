"""Run every benchmark and write docs/benchmarks.md (`make bench` runs this).

    .venv/bin/python bench/run_all.py            # full run, ≈20–25 min on 2 cores
    .venv/bin/python bench/run_all.py --quick    # smoke run, ≈3 min
    .venv/bin/python bench/run_all.py --force    # full run even on a busy machine

Timings on a machine doing other work are not worth recording: a full run first waits (up
to two minutes) for the 1-minute load average to fall below 1.0, and when it does not,
does a smoke run instead unless `--force` is given. Each benchmark runs in its own process
with a time limit; the report is rewritten after each, so a failure keeps the others' figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

from common import BENCH_DIR, QUIET_LOAD, REPO_ROOT, load_average, log, run_header, save_results
from report import render

# (script, time limit in seconds for a full run, for a smoke run); ingest first: it fills the
# seed's embedding cache and the baseline collection that the others reuse
BENCHMARKS = [
    ("bench_ingest.py", 1200, 240),
    ("bench_query.py", 600, 600),  # a fresh checkout embeds the corpus once for the seed index
    ("bench_concurrency.py", 420, 180),
    ("bench_scale.py", 1200, 300),
    ("bench_soak.py", 300, 120),
    ("bench_attacks.py", 1200, 420),  # issue 20: long-history attack, memory per ingest (docs/security.md)
    ("bench_layout.py", 300, 120),  # memory of the page-view layouts (word boxes)
    ("bench_llm.py", 600, 300),  # skipped when no local model is installed (`make llm`)
    ("bench_fresh_clone.py", 600, 300),  # a clone of HEAD started as `make run` starts it: install end → first answer
]
WAIT_FOR_QUIET_S = 120


def wait_for_quiet(limit: float) -> float:
    """The 1-minute load once it is below the threshold, or after `limit` seconds."""
    t0 = time.monotonic()
    load = load_average()[0]
    while load >= QUIET_LOAD and time.monotonic() - t0 < limit:
        log(f"1-minute load {load} ≥ {QUIET_LOAD}: waiting for the machine to quieten")
        time.sleep(15)
        load = load_average()[0]
    return load


def run_bounded(cmd: list[str], limit: float) -> int | None:
    """Run a benchmark in its own process group; past `limit`, stop it and what it started
    (its servers) — SIGTERM first, so it can shut its servers down itself. None on timeout."""
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, start_new_session=True)
    try:
        return proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: small inputs, few repeats")
    parser.add_argument("--force", action="store_true", help="do the full run even when the machine is busy")
    args = parser.parse_args(argv)
    quick = args.quick
    load = load_average()[0] if quick or args.force else wait_for_quiet(WAIT_FOR_QUIET_S)
    if not quick and not args.force and load >= QUIET_LOAD:
        log(f"the machine is busy (1-minute load {load}); doing a smoke run instead. "
            "Run `make bench` on a quiet machine, or pass --force.")
        quick = True
    header = run_header(quick)
    header["load_before"] = list(load_average())
    t0 = time.perf_counter()
    runs = []
    for script, full_limit, quick_limit in BENCHMARKS:
        cmd = [sys.executable, str(BENCH_DIR / script)] + (["--quick"] if quick else [])
        log(f"running {script}{' --quick' if quick else ''}")
        t = time.perf_counter()
        rc = run_bounded(cmd, quick_limit if quick else full_limit)
        if rc is None:
            log(f"{script} ran over its time limit and was stopped")
        runs.append({"script": script, "returncode": -1 if rc is None else rc, "timed_out": rc is None, "seconds": round(time.perf_counter() - t, 1)})
        render()
    save_results("run_all", header, {"runs": runs, "total_s": round(time.perf_counter() - t0, 1)})
    path = render()
    failed = [r["script"] for r in runs if r["returncode"] != 0]
    log(f"wrote {path.relative_to(REPO_ROOT)} in {time.perf_counter() - t0:.0f} s"
        + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
