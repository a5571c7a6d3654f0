"""Concurrency benchmark: `POST /api/ask` on a local `inkoopwijzer serve` under 1, 8 and 32
concurrent clients: throughput, latency p50/p95, errors (target: 32 clients, no errors).

Each client is a thread with its own httpx client, sending its share of the requests back
to back; all start together. Every request carries a different question (the thirty
questions with varied openings), so none is answered from the server's query-embedding
memo. Bounded: a fixed number of requests per level and a time limit per level; only
127.0.0.1.

The server's rate limit (default 120 requests a minute per client address) would answer
429 here, since all clients share 127.0.0.1: the benchmark server runs with
INKOOPWIJZER_RATE_LIMIT_PER_MINUTE=1000000.

    .venv/bin/python bench/bench_concurrency.py            # full: 48 / 160 / 320 requests
    .venv/bin/python bench/bench_concurrency.py --quick    # smoke: 6 / 16 / 32 requests
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from common import (
    WORK_DIR,
    ensure_seed,
    log,
    ms_since,
    parse_args,
    question_variants,
    rss_mb,
    run_header,
    running_server,
    save_results,
    summarize,
)
from report import render

RATE_LIMIT = "1000000"
LEVELS_FULL = {1: 48, 8: 160, 32: 320}  # clients → requests
LEVELS_QUICK = {1: 6, 8: 16, 32: 32}
LEVEL_TIME_LIMIT_S = 180.0
REQUEST_TIMEOUT_S = 120.0


def run_level(url: str, clients: int, questions: list[str], time_limit: float) -> dict[str, Any]:
    """`clients` threads share `questions`; each request's latency, status and error."""
    import httpx

    lock = threading.Lock()
    queue = list(reversed(questions))
    latencies: list[float] = []
    codes: Counter[str] = Counter()
    errors: list[str] = []
    start = threading.Barrier(clients)
    deadline = [0.0]

    def client() -> None:
        with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S) as http:
            start.wait()
            while True:
                with lock:
                    if not queue or time.perf_counter() > deadline[0]:
                        return
                    q = queue.pop()
                t = time.perf_counter()
                try:
                    r = http.post("/api/ask", json={"question": q})
                    ms = ms_since(t)
                    with lock:
                        codes[str(r.status_code)] += 1
                        if r.status_code == 200 and r.json().get("status"):
                            latencies.append(ms)
                        else:
                            errors.append(f"{r.status_code}: {r.text[:200]}")
                except httpx.HTTPError as exc:
                    with lock:
                        codes[exc.__class__.__name__] += 1
                        errors.append(f"{exc.__class__.__name__}: {exc}")

    deadline[0] = time.perf_counter() + time_limit
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for f in [pool.submit(client) for _ in range(clients)]:
            f.result()
    wall = time.perf_counter() - t0
    done = len(latencies)
    return {
        "clients": clients,
        "requests": len(questions),
        "completed": done,
        "not_sent": len(queue),
        "errors": len(errors),
        "error_samples": errors[:5],
        "status_codes": dict(codes),
        "wall_s": round(wall, 2),
        "throughput_rps": round(done / wall, 2) if wall else 0.0,
        "latency_ms": summarize(latencies),
    }


def main(argv: list[str] | None = None) -> int:
    import httpx

    args = parse_args(__doc__ or "", argv)
    quick = args.quick
    header = run_header(quick)
    levels = LEVELS_QUICK if quick else LEVELS_FULL
    settings = ensure_seed()
    results: dict[str, Any] = {"rate_limit_per_minute": int(RATE_LIMIT), "levels": []}
    log_file = WORK_DIR / "logs" / "serve-concurrency.log"
    with running_server(settings.data_dir, log_file, INKOOPWIJZER_RATE_LIMIT_PER_MINUTE=RATE_LIMIT) as server:
        results["startup_s"] = round(server.startup_s, 2)
        # warm-up: the first answer builds the engine
        for q in question_variants(5, start=10_000):
            httpx.post(f"{server.url}/api/ask", json={"question": q}, timeout=REQUEST_TIMEOUT_S).raise_for_status()
        results["rss_after_warmup_mb"] = rss_mb(server.proc.pid)
        offset = 0
        for clients, n in levels.items():
            log(f"{clients} concurrent client(s), {n} requests")
            level = run_level(server.url, clients, question_variants(n, start=offset), LEVEL_TIME_LIMIT_S)
            offset += n
            level["server_rss_mb"] = rss_mb(server.proc.pid)
            log(f"  {level['throughput_rps']} req/s, p95 {level['latency_ms'].get('p95')} ms, errors {level['errors']}")
            results["levels"].append(level)
    top = results["levels"][-1]
    results["target"] = {
        "clients": 32,
        "met": top["clients"] == 32 and top["errors"] == 0 and top["not_sent"] == 0,
    }
    path = save_results("concurrency", header, results)
    render()
    log(f"done → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
