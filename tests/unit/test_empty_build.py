"""A first build with nothing to index (every file fails to parse, or there are no files) says so
with an `IngestError` that lists the failed files and what to do, and writes no index; the
server's background build reports that error instead of a crash."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import index.build as build
from index.store import current_version, ensure_index, ingest_paths
from inkoopwijzer.errors import IngestError
from inkoopwijzer.settings import Settings


def _settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "var", corpus_dir=corpus)  # type: ignore[call-arg]


def _nothing_written(settings: Settings) -> None:
    assert current_version(settings) is None
    index_dir = settings.index_dir
    leftovers = [p.name for p in index_dir.iterdir() if p.name != ".ingest.lock"] if index_dir.exists() else []
    assert leftovers == [], "no half-written index version is left behind"


def test_every_file_failing_lists_them_and_what_to_do(tmp_path: Path) -> None:
    corpus = tmp_path / "beleid"
    corpus.mkdir()
    (corpus / "kapot.pdf").write_bytes(b"%PDF-1.4 dit is geen pdf")
    (corpus / "leeg.txt").write_bytes(b"")
    settings = _settings(tmp_path, corpus)
    with pytest.raises(IngestError) as err:
        ingest_paths([corpus], settings)
    message = str(err.value)
    assert err.value.reason == "no_documents"
    assert "kapot.pdf" in message and "leeg.txt" in message and "all 2 file(s)" in message
    assert "inkoopwijzer ingest" in message and "max()" not in message
    _nothing_written(settings)


def test_an_empty_corpus_says_where_to_put_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "leeg"
    corpus.mkdir()
    settings = _settings(tmp_path, corpus)
    with pytest.raises(IngestError) as err:
        ensure_index(settings)  # what the server runs at start when there is no index
    assert err.value.reason == "no_documents"
    assert str(corpus) in str(err.value) and "INKOOPWIJZER_CORPUS_DIR" in str(err.value)
    _nothing_written(settings)


def test_the_background_build_reports_it(tmp_path: Path) -> None:
    corpus = tmp_path / "leeg"
    corpus.mkdir()
    settings = _settings(tmp_path, corpus)
    build.start_background_build(settings)
    deadline = time.monotonic() + 30
    while (progress := build.build_progress(settings)) is not None and progress.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert progress is not None and progress.state == "failed"
    assert progress.error is not None and "No policy documents" in progress.error
    _nothing_written(settings)


def test_a_build_that_fails_halfway_leaves_no_half_written_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.store

    corpus = tmp_path / "beleid"
    corpus.mkdir()
    (corpus / "beleid.txt").write_text("Zorginkoopbeleid 2027\n\nDe offerte moet uiterlijk 1 juli 2026 binnen zijn.\n")
    settings = _settings(tmp_path, corpus)

    def disk_full(*_args: object) -> None:
        raise OSError("schijf vol")

    monkeypatch.setattr(index.store, "write_facts", disk_full)  # after the texts are written, before any search index
    with pytest.raises(OSError, match="schijf vol"):
        ingest_paths([corpus], settings)
    _nothing_written(settings)


def test_removing_every_document_is_refused_and_keeps_the_index(tmp_path: Path) -> None:
    from index.store import remove_documents

    corpus = tmp_path / "beleid"
    corpus.mkdir()
    (corpus / "beleid.txt").write_text("Zorginkoopbeleid 2027\n\nDe offerte moet uiterlijk 1 juli 2026 binnen zijn.\n")
    settings = _settings(tmp_path, corpus)
    before = ingest_paths([corpus], settings).index_version
    with pytest.raises(IngestError) as err:
        remove_documents(["beleid.txt"], settings)
    assert err.value.reason == "no_documents" and "inkoopwijzer ingest" in str(err.value)
    version = current_version(settings)
    assert version is not None and version.name == before and [d.document for d in version.documents] == ["beleid.txt"]
