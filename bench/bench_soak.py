"""Soak: 32 concurrent clients for a minute, twice, against one `inkoopwijzer serve` on
127.0.0.1 — errors, throughput, and the server's memory after each minute (a leak shows
as growth from the first minute to the second).

    .venv/bin/python bench/bench_soak.py [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_concurrency import RATE_LIMIT, REQUEST_TIMEOUT_S, run_level  # noqa: E402
from common import (  # noqa: E402
    WORK_DIR,
    ensure_seed,
    log,
    parse_args,
    question_variants,
    rss_mb,
    run_header,
    running_server,
    save_results,
)
from report import render  # noqa: E402

CLIENTS = 32


def main(argv: list[str] | None = None) -> int:
    import httpx

    args = parse_args(__doc__ or "", argv)
    seconds = 10.0 if args.quick else 60.0
    header = run_header(args.quick)
    settings = ensure_seed()
    results: dict[str, Any] = {"clients": CLIENTS, "seconds_per_round": seconds, "rounds": []}
    log_file = WORK_DIR / "logs" / "serve-soak.log"
    with running_server(settings.data_dir, log_file, INKOOPWIJZER_RATE_LIMIT_PER_MINUTE=RATE_LIMIT) as server:
        for q in question_variants(5, start=20_000):
            httpx.post(f"{server.url}/api/ask", json={"question": q}, timeout=REQUEST_TIMEOUT_S).raise_for_status()
        results["rss_after_warmup_mb"] = rss_mb(server.proc.pid)
        offset = 30_000
        for round_no in (1, 2):
            log(f"round {round_no}: {CLIENTS} clients for {seconds:.0f} s")
            questions = question_variants(int(seconds * 80), start=offset)
            offset += len(questions)
            level = run_level(server.url, CLIENTS, questions, seconds)
            level["server_rss_mb"] = rss_mb(server.proc.pid)
            log(f"  {level['completed']} answers, {level['errors']} errors, RSS {level['server_rss_mb']}")
            results["rounds"].append(level)
    first, second = (r["server_rss_mb"].get("rss", 0.0) for r in results["rounds"])
    results["rss_growth_round2_mb"] = round(second - first, 1)
    path = save_results("soak", header, results)
    log(f"wrote {path}")
    render()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
