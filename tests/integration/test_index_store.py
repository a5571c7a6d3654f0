"""Index versions, safe updates, removal and the Chroma server mode, with real parts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from filelock import FileLock

from inkoopwijzer.errors import IndexBusyError, StoreUnavailableError
from inkoopwijzer.types import Filters

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "data" / "policies"
ZG = POLICIES / "003_2c4c2530db87d994.pdf"


def _small_doc(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / "testverzekeraar_ggz_2027.md"
    f.write_text(
        "# Inkoopbeleid GGZ 2027\n\nVersie 1.0\n\n## Planning\n\n"
        "Menzis ontvangt uw offerte uiterlijk 3 oktober 2026 via het portaal.\n\n"
        "## Tarieven\n\nHet maximumtarief voor een intake bedraagt € 250 per cliënt.\n",
        encoding="utf-8",
    )
    return f


def test_ingest_search_and_remove(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from index.search import get_searcher
    from index.store import current_version, ingest_paths, remove_documents

    small = _small_doc(tmp_path / "docs")
    report = ingest_paths([ZG, small], fresh_settings)
    assert report.added == 2 and not report.failed
    searcher = get_searcher(fresh_settings)
    hits = searcher.search("maximumtarief intake", Filters(include_outdated=True), k=3)
    assert hits[0].chunk.document == small.name
    n_before = searcher.collection.count()

    report = remove_documents([small.name], fresh_settings)
    assert report.removed == 1
    searcher = get_searcher(fresh_settings)
    version = current_version(fresh_settings)
    assert version is not None and [d.document for d in version.documents] == [ZG.name]
    assert searcher.collection.count() < n_before
    assert all(c.document == ZG.name for c in searcher.chunks)
    assert searcher.keyword.n_docs == len(searcher.chunks)
    hits = searcher.search("maximumtarief intake € 250", Filters(include_outdated=True), k=5)
    assert all(h.chunk.document == ZG.name for h in hits)


def test_a_document_carried_into_a_new_version_keeps_its_text_pages_and_boxes(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every way of writing a new version from an old one (another file ingested, a document
    removed, metadata corrected) carries the other documents' text, page map and word boxes over."""
    from index.store import correct_metadata, current_version, ingest_paths, remove_documents

    ingest_paths([ZG], fresh_settings)
    first = current_version(fresh_settings)
    assert first is not None and len(first.boxes(ZG.name)) > 1000

    def kept(version: object) -> tuple[str, list[tuple[int, int]], list[list[float]]]:
        assert version is not None
        return version.text(ZG.name), version.page_map(ZG.name), version.boxes(ZG.name).rows()  # type: ignore[attr-defined]

    expected = kept(first)
    small = _small_doc(tmp_path / "docs")
    for change in (lambda: ingest_paths([small], fresh_settings),
                   lambda: correct_metadata(ZG.name, {"years": [2027, 2028]}, fresh_settings),
                   lambda: remove_documents([small.name], fresh_settings)):
        before = current_version(fresh_settings)
        change()
        after = current_version(fresh_settings)
        assert after is not None and before is not None and after.name != before.name
        assert kept(after) == expected


def test_an_index_of_an_older_format_is_rebuilt(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An index written before the lexicon existed is rebuilt (not left half-capable) by the
    next ingest or by `ensure_index`, without parsing the files again."""
    import json
    import shutil

    from index.search import get_searcher
    from index.store import EF_SEARCH, INDEX_FORMAT, current_version, ensure_index, ingest_paths

    small = _small_doc(tmp_path / "docs")
    ingest_paths([small], fresh_settings)
    old = current_version(fresh_settings)
    assert old is not None and old.format == INDEX_FORMAT
    assert len(get_searcher(fresh_settings).lexicon) > 0
    # the vector index explores enough candidates to search exactly (the same answer every run)
    assert get_searcher(fresh_settings).collection.configuration["hnsw"]["ef_search"] == EF_SEARCH
    manifest = json.loads((old.path / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("format")
    (old.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    shutil.rmtree(old.path / "lexicon")
    assert old.format == 1

    small.unlink()  # the upgrade must not need the source files
    report = ensure_index(fresh_settings)
    assert report is not None and report.documents == 1
    new = current_version(fresh_settings)
    assert new is not None and new.name != old.name and new.format == INDEX_FORMAT
    assert "maximumtarief" in get_searcher(fresh_settings).lexicon
    assert ensure_index(fresh_settings) is None  # now current: nothing to do


def test_an_index_cut_by_an_older_parser_is_parsed_again(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """When parsing changes (PARSER_VERSION), `ensure_index` (what `make run` calls) parses the
    documents again from their source files instead of keeping the old passages."""
    import json

    from index.store import current_version, ensure_index, ingest_paths
    from ingest.pipeline import PARSER_VERSION

    small = _small_doc(tmp_path / "docs")
    ingest_paths([small], fresh_settings)
    old = current_version(fresh_settings)
    assert old is not None and old.parser == PARSER_VERSION
    assert ensure_index(fresh_settings) is None
    # stand in for passages an older parser cut: one passage lost, and no parser recorded
    lines = (old.path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    n_chunks = len(lines)
    (old.path / "chunks.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    manifest = json.loads((old.path / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("parser")
    (old.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert old.parser == 1

    report = ensure_index(fresh_settings)
    assert report is not None and report.updated == 1
    new = current_version(fresh_settings)
    assert new is not None and new.name != old.name and new.parser == PARSER_VERSION
    assert len(new.chunks()) == n_chunks
    assert ensure_index(fresh_settings) is None


def test_a_passage_whose_context_changed_is_indexed_again(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A passage's context (a list's introduction, a table's header) is searched: when parsing
    gives the same text with another context, the next ingest writes it, not 'unchanged'."""
    import json

    from index.store import current_version, ingest_paths

    small = _small_doc(tmp_path / "docs")
    ingest_paths([small], fresh_settings)
    old = current_version(fresh_settings)
    assert old is not None
    rows = [json.loads(x) for x in (old.path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0]["context"] = "een oude inleiding:"
    (old.path / "chunks.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    report = ingest_paths([small], fresh_settings)
    assert report.updated == 1 and report.unchanged == 0
    new = current_version(fresh_settings)
    assert new is not None and new.name != old.name
    assert all(c.context != "een oude inleiding:" for c in new.chunks())


def test_second_ingest_waits_or_refuses(fresh_settings) -> None:  # type: ignore[no-untyped-def]
    from index.store import ingest_paths

    fresh_settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(fresh_settings.index_dir / ".ingest.lock"))
    with lock:
        with pytest.raises(IndexBusyError, match="Another ingest"):
            ingest_paths([ZG], fresh_settings, wait=0.2)


def test_interrupted_ingest_leaves_previous_index_answering(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL an ingest half-way: the previous version still answers, the next ingest completes."""
    from index.search import get_searcher
    from index.store import current_version, ingest_paths
    from inkoopwijzer.settings import Settings

    # empty cache and no shipped embeddings (another corpus folder): embedding takes a while
    s = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "other-corpus", embedding_batch_size=1)
    small = _small_doc(tmp_path / "docs")
    ingest_paths([small], s)
    before = current_version(s)
    assert before is not None
    env = {**os.environ, "INKOOPWIJZER_DATA_DIR": str(s.data_dir), "INKOOPWIJZER_EMBEDDING_BATCH_SIZE": "1",
           "INKOOPWIJZER_CORPUS_DIR": str(s.corpus_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "inkoopwijzer", "ingest", str(POLICIES / "001_3ba7a5f8c5435087.pdf"), str(small)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(s.index_dir.glob(".building-*")):
        time.sleep(0.2)
    time.sleep(1.5)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    after = current_version(s)
    assert after is not None and after.name == before.name
    hits = get_searcher(s).search("maximumtarief intake", Filters(), k=1)
    assert hits and hits[0].chunk.document == small.name

    report = ingest_paths([POLICIES / "001_3ba7a5f8c5435087.pdf", small], s)
    assert report.added == 1 and report.unchanged == 1
    assert not list(s.index_dir.glob(".building-*"))
    assert current_version(s).name != before.name  # type: ignore[union-attr]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma run did not start within 60 s")


def test_chroma_server_mode(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ingest into a real `chroma run` over HTTP, answer from it, survive it going away."""
    from assistant.service import Assistant
    from index.search import get_searcher
    from index.store import ingest_paths
    from inkoopwijzer.settings import Settings

    port = _free_port()
    s = Settings(data_dir=fresh_settings.data_dir, chroma_url=f"http://127.0.0.1:{port}")
    proc = _start_chroma(tmp_path / "chroma-server", port)
    try:
        report = ingest_paths([ZG], s)
        assert report.added == 1
        hits = get_searcher(s).search("looptijd overeenkomst zintuiglijk", Filters(include_outdated=True), k=3)
        assert hits and hits[0].chunk.document == ZG.name
        assistant = Assistant(s)
        assert assistant.health().store_ok
        proc.terminate()
        proc.wait(timeout=20)
        with pytest.raises(StoreUnavailableError):
            get_searcher(s).search("looptijd overeenkomst", Filters(include_outdated=True), k=3)
        health = assistant.health()
        assert not health.store_ok and health.detail  # /healthz reports unhealthy with the reason
        proc = _start_chroma(tmp_path / "chroma-server", port)
        hits = get_searcher(s).search("looptijd overeenkomst zintuiglijk", Filters(include_outdated=True), k=3)
        assert hits and hits[0].chunk.document == ZG.name
        assert assistant.health().store_ok  # answers resume without a restart
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_make_runs_ingest_if_missing_rebuilds_an_older_format(fresh_settings, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`make run` calls `inkoopwijzer ingest --if-missing`: an index of an older format (a
    tokenizer change) must be rebuilt there, not kept as "present"."""
    import json

    from typer.testing import CliRunner

    from index.store import INDEX_FORMAT, current_version, ingest_paths
    from inkoopwijzer import settings as settings_module
    from inkoopwijzer.cli import app

    ingest_paths([_small_doc(tmp_path / "docs")], fresh_settings)
    old = current_version(fresh_settings)
    assert old is not None
    manifest = json.loads((old.path / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = INDEX_FORMAT - 1
    (old.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(settings_module, "get_settings", lambda: fresh_settings)

    result = CliRunner().invoke(app, ["ingest", "--if-missing"])
    assert result.exit_code == 0, result.output
    assert "built by an older version" in result.output
    new = current_version(fresh_settings)
    assert new is not None and new.name != old.name and new.format == INDEX_FORMAT

    again = CliRunner().invoke(app, ["ingest", "--if-missing"])
    assert "nothing to do" in again.output and current_version(fresh_settings).name == new.name  # type: ignore[union-attr]


def test_the_corpus_parsed_again_after_a_parser_change_equals_a_fresh_ingest(fresh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An index cut by an older parser and brought up to date by `ensure_index` holds what a fresh
    ingest of the same files holds: the same passages, documents, facts and keyword index."""
    import json
    import shutil

    from index.store import current_version, ensure_index, ingest_paths
    from inkoopwijzer.settings import Settings

    ingest_paths([fresh_settings.corpus_dir], fresh_settings)
    old = current_version(fresh_settings)
    assert old is not None
    lines = (old.path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    (old.path / "chunks.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # an older cut
    manifest = json.loads((old.path / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("parser")
    (old.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert ensure_index(fresh_settings) is not None
    upgraded = current_version(fresh_settings)

    fresh = Settings(data_dir=tmp_path / "fresh")
    fresh.cache_dir.mkdir(parents=True)
    shutil.copy(fresh_settings.cache_dir / "embeddings.sqlite", fresh.cache_dir / "embeddings.sqlite")
    ingest_paths([fresh.corpus_dir], fresh)
    new = current_version(fresh)
    assert upgraded is not None and new is not None
    for name in ("chunks.jsonl", "documents.json", "facts.json"):
        assert (upgraded.path / name).read_bytes() == (new.path / name).read_bytes(), name
    bm25 = sorted(p.relative_to(new.path / "bm25") for p in (new.path / "bm25").rglob("*") if p.is_file())
    assert bm25 and all((upgraded.path / "bm25" / p).read_bytes() == (new.path / "bm25" / p).read_bytes() for p in bm25)
