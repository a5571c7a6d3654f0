"""Index versions: ingest writes a complete new version beside the current one and
switches a pointer only when it is complete.

Layout under `<data_dir>/index/`:

    current.json          {"version": "v-…"}   (replaced atomically with os.replace)
    .ingest.lock          held while an ingest runs (a second one refuses or waits)
    v-…/documents.json    document metadata and source paths
    v-…/chunks.jsonl      passages
    v-…/texts/<doc>.txt   document texts (citations are offsets into these)
    v-…/facts.json        dated events and thresholds of the documents (`index.facts`)
    v-…/diffs/<doc>.json  a superseded document against its successor (`index.diff`; read by answers)
    v-…/texts/<doc>.boxes.json   PDF: where each word of the text is drawn ([start, end, page, x0, y0, x1, y1])
    corrections.json      metadata the desk corrected, per document (kept over re-ingests)
    v-…/bm25/             keyword index
    v-…/lexicon/          corpus words and their embeddings (question words → the policies' words)
    v-…/chroma/           embedded Chroma (a Chroma server holds collection `inkoopwijzer_v-…` instead)

A query never sees a half-built version, and a failed or killed ingest leaves the
previous version answering. Old versions are removed after the switch (the newest two kept).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ingest.metadata import load_catalog
from ingest.pipeline import PARSER_VERSION, ParsedDocument, discover
from ingest.safety import ParseBudget
from inkoopwijzer.errors import IndexBusyError, IngestError, StoreUnavailableError
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Chunk, DocumentMeta, IngestFailure, IngestReport, TextBoxes

from .diff import write_successor_diffs
from .embeddings import get_embedder
from .facts import write_facts
from .keyword import KeywordIndex
from .lexicon import Lexicon
from .validity import mark_superseded

__all__ = [
    "EF_SEARCH",
    "INDEX_FORMAT",
    "IndexVersion",
    "chroma_client",
    "close_client",
    "correct_metadata",
    "current_version",
    "ensure_index",
    "ingest_paths",
    "remove_documents",
    "upgrade_index",
]

Progress = Callable[[str, int, int], None]

# What a version holds; bumped when a version gains a part or its tokens change (2: the lexicon;
# 3: keyword tokens lemmatised before stemming; 4: the vector index searched exhaustively, EF_SEARCH;
# 5: dated events and thresholds in facts.json; 6: the diffs of superseded documents, diffs/). An ingest
# rebuilds a version of an older format even when no document changed; the rebuild takes every
# embedding from the cache.
INDEX_FORMAT = 6

# Candidates the vector index (HNSW) explores per query. Chroma's default (100) is approximate: with
# 60-80 results asked, which passages came back varied from one process to the next, and so did the
# answers. At this size a policy corpus of thousands of passages is searched exactly, and the same
# question always gets the same answer.
EF_SEARCH = 2000


@dataclass
class IndexVersion:
    """One complete, immutable index version on disk."""

    name: str
    path: Path
    documents: list[DocumentMeta]
    sources: dict[str, str]  # document → source path

    @property
    def collection_name(self) -> str:
        return f"inkoopwijzer_{self.name}".replace(".", "_")

    def _manifest(self, key: str) -> int:
        try:
            return int(json.loads((self.path / "manifest.json").read_text(encoding="utf-8")).get(key, 1))
        except (OSError, ValueError):
            return 1

    @property
    def format(self) -> int:
        return self._manifest("format")

    @property
    def parser(self) -> int:
        """The `PARSER_VERSION` that cut this version's passages."""
        return self._manifest("parser")

    def chunks(self) -> list[Chunk]:
        with (self.path / "chunks.jsonl").open(encoding="utf-8") as fh:
            return [Chunk.model_validate_json(line) for line in fh if line.strip()]

    def _meta(self, document: str) -> DocumentMeta:
        meta = next((d for d in self.documents if d.document == document), None)
        if meta is None:
            raise KeyError(document)
        return meta

    def text(self, document: str) -> str:
        return (self.path / "texts" / f"{self._meta(document).doc_id}.txt").read_text(encoding="utf-8")

    def boxes(self, document: str) -> TextBoxes:
        """Where each word of a PDF document's text is drawn (empty for other files, and for an
        index written before positions were kept)."""
        path = self.path / "texts" / f"{self._meta(document).doc_id}.boxes.json"
        if not path.is_file():
            return TextBoxes()
        return TextBoxes(json.loads(path.read_text(encoding="utf-8")))

    def page_map(self, document: str) -> list[tuple[int, int]]:
        path = self.path / "texts" / f"{self._meta(document).doc_id}.pages.json"
        if not path.is_file():
            return []
        return [(int(a), int(b)) for a, b in json.loads(path.read_text(encoding="utf-8"))]


@dataclass(frozen=True)
class _Document:
    """What a new version holds of one document."""

    meta: DocumentMeta
    chunks: list[Chunk]
    text: str
    source: str  # the path of the file it was parsed from
    pages: list[tuple[int, int]]
    boxes: TextBoxes


def _carried_over(old: IndexVersion, leave_out: Collection[str] = ()) -> dict[str, _Document]:
    """The documents of the old version (but those in `leave_out`) as they are: passages, text,
    page map and word boxes, for a new version. The one way a document goes from one version to
    the next without being parsed again."""
    chunks: dict[str, list[Chunk]] = {}
    for c in old.chunks():
        chunks.setdefault(c.document, []).append(c)
    return {
        d.document: _Document(d, chunks.get(d.document, []), old.text(d.document), old.sources.get(d.document, ""),
                              old.page_map(d.document), old.boxes(d.document))
        for d in old.documents
        if d.document not in leave_out
    }


def _index_dir(settings: Settings) -> Path:
    return settings.index_dir


def current_version(settings: Settings) -> IndexVersion | None:
    """The version queries should use, or None when nothing was built yet."""
    pointer = _index_dir(settings) / "current.json"
    try:
        name = json.loads(pointer.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    path = _index_dir(settings) / name
    try:
        data = json.loads((path / "documents.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    docs = [DocumentMeta.model_validate(d["meta"]) for d in data]
    return IndexVersion(name, path, docs, {d["meta"]["document"]: d.get("source", "") for d in data})


def chroma_client(settings: Settings, version_path: Path | None = None) -> Any:
    """A Chroma client: HTTP when `INKOOPWIJZER_CHROMA_URL` is set, else embedded per version."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # noqa: BLE001 - chromadb raises several types when unreachable
            raise StoreUnavailableError(
                f"Chroma server at {settings.chroma_url} is unreachable ({exc.__class__.__name__}); "
                "start it or unset INKOOPWIJZER_CHROMA_URL."
            ) from exc
    if version_path is None:
        raise ValueError("an embedded Chroma needs a version path")
    return chromadb.PersistentClient(path=str(version_path / "chroma"), settings=chroma_settings)


def close_client(client: Any) -> None:
    """Release a Chroma client's system. chromadb keeps every embedded client's system (its
    SQLite, its vector segments) in a process-wide table until the client is closed: a client
    per index version, never closed, kept each old version in memory (+11 MB an ingest)."""
    try:
        client.close()
    except Exception:  # noqa: BLE001 - best effort: closing an HTTP client that lost its server
        pass


def _chroma_metadata(chunk: Chunk, meta: DocumentMeta) -> dict[str, Any]:
    md: dict[str, Any] = {
        "document": chunk.document,
        "insurer": meta.insurer or "",
        "section": chunk.section,
        "page": chunk.page if chunk.page is not None else -1,
    }
    for ct in meta.care_types:
        md[f"ct_{ct}"] = True
    for y in meta.years:
        md[f"y_{y}"] = True
    return md


def _lock(settings: Settings, wait: float) -> FileLock:
    _index_dir(settings).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(_index_dir(settings) / ".ingest.lock"))
    try:
        lock.acquire(timeout=wait)
    except Timeout as exc:
        raise IndexBusyError(
            "Another ingest is running on this index; wait for it to finish and try again."
        ) from exc
    return lock


def ingest_paths(
    paths: Iterable[Path],
    settings: Settings,
    *,
    progress: Progress | None = None,
    wait: float = 0.0,
    remove_missing: bool = True,
) -> IngestReport:
    """Parse, embed and index files into a new version, then switch to it.

    Documents already indexed keep their place unless a given file replaces them; with
    `remove_missing`, documents that came from a walked folder but are gone are removed.
    One bad file never stops the others: it is reported in `failed`.
    """
    t0 = time.perf_counter()
    lock = _lock(settings, wait)
    try:
        return _ingest_locked(list(paths), settings, progress, remove_missing, t0)
    finally:
        lock.release()


def _ingest_locked(
    paths: list[Path], settings: Settings, progress: Progress | None, remove_missing: bool, t0: float
) -> IngestReport:
    old = current_version(settings)
    report = IngestReport()
    files = list(dict.fromkeys(f.resolve() for f in discover(paths)))
    folders = [p.resolve() for p in paths if p.is_dir()]
    parsed: dict[str, tuple[ParsedDocument, str]] = {}
    catalogs: dict[Path, dict[str, dict[str, Any]]] = {}
    # each file is parsed in a child process, within a time and memory budget (ingest.safety); the
    # loop below lets no exception out, so the child is closed after it
    budget = ParseBudget(
        settings.parse_timeout_s, settings.parse_memory_mb, settings.ocr_page_timeout_s, settings.ocr_max_s
    )
    corrections = load_corrections(settings)
    for i, f in enumerate(files):
        if progress:
            progress("parse", i, len(files))
        try:
            folder = f.parent
            if folder not in catalogs:
                catalogs[folder] = load_catalog(folder)
            doc = budget.parse(
                f,
                max_file_mb=settings.max_file_mb,
                max_pages=settings.max_pdf_pages,
                chunk_target=settings.chunk_target_chars,
                catalog={**catalogs[folder], **corrections},
                max_inflated_mb=settings.max_inflated_mb,
                max_zip_ratio=settings.max_zip_ratio,
            )
            if doc.meta.document in parsed:
                raise IngestError(f"{f.name}: a file with the same name was already given in this ingest.", "duplicate")
            twin = next(
                (
                    d.document
                    for d in [p.meta for p, _ in parsed.values()] + (old.documents if old else [])
                    if d.content_hash == doc.meta.content_hash and d.document != doc.meta.document
                ),
                None,
            )
            if twin is not None:
                raise IngestError(f"{f.name}: same content as {twin}, which is already indexed; skipped.", "duplicate")
            parsed[doc.meta.document] = (doc, str(f.resolve()))
            if doc.report is not None:
                report.files.append(doc.report)
        except IngestError as exc:
            report.failed.append(IngestFailure(path=str(f), error=str(exc), reason=exc.reason))
        except ValueError as exc:  # a bad catalog
            report.failed.append(IngestFailure(path=str(f), error=str(exc), reason="catalog"))
        except Exception as exc:  # noqa: BLE001 - any parser crash is this file's problem only
            report.failed.append(
                IngestFailure(path=str(f), error=f"{f.name}: could not be read ({exc.__class__.__name__}: {exc}).", reason="corrupt")
            )
    budget.close()

    old_docs = {d.document: d for d in old.documents} if old else {}
    state: dict[str, _Document] = {}
    if old:
        gone = []
        for d in old.documents:
            src = old.sources.get(d.document, "")
            in_walked_folder = any(src.startswith(str(folder) + os.sep) for folder in folders)
            if remove_missing and in_walked_folder and not Path(src).exists() and d.document not in parsed:
                gone.append(d.document)
        report.removed += len(gone)
        # a document parsed now replaces its old self below; the old one is not read
        state = _carried_over(old, leave_out={*gone, *parsed})
    for name, (doc, src) in parsed.items():
        prev = old_docs.get(name)
        if prev is None:
            report.added += 1
        elif prev.content_hash != doc.meta.content_hash or _chunks_changed(old, name, doc) or _meta_changed(prev, doc.meta):
            report.updated += 1
        else:
            report.unchanged += 1
        state[name] = _Document(doc.meta, doc.chunks, doc.text, src, doc.pages, doc.boxes)

    if not state:  # nothing to index: no index is written (an empty one cannot be searched)
        raise _nothing_indexed(paths, files, report.failed)
    changed = report.added or report.updated or report.removed
    if old is not None and not changed and old.format >= INDEX_FORMAT and old.parser >= PARSER_VERSION:
        report.documents = len(state)
        report.chunks = sum(len(d.chunks) for d in state.values())
        report.index_version = old.name
        report.seconds = round(time.perf_counter() - t0, 2)
        return report
    version = _write_version(state, settings, progress)
    report.documents = len(state)
    report.chunks = sum(len(d.chunks) for d in state.values())
    report.index_version = version
    report.seconds = round(time.perf_counter() - t0, 2)
    return report


_LISTED_FAILURES = 10


def _nothing_indexed(paths: list[Path], files: list[Path], failed: list[IngestFailure]) -> IngestError:
    """The error of an ingest that leaves no document to index: which files failed and why, and
    what to do next."""
    where = ", ".join(str(p) for p in paths) or "(no paths)"
    nothing_written = "No index was written."
    if not files:
        return IngestError(
            f"No policy documents in {where}: add PDF, TXT, MD, DOCX or HTML files there (the shipped corpus is "
            f"INKOOPWIJZER_CORPUS_DIR) and run `inkoopwijzer ingest` again. {nothing_written}",
            "no_documents",
        )
    if failed:
        reasons = [f.error if Path(f.path).name in f.error else f"{Path(f.path).name}: {f.error}" for f in failed]
        more = len(reasons) - _LISTED_FAILURES
        listed = "\n".join(f"  - {r}" for r in reasons[:_LISTED_FAILURES]) + (f"\n  … and {more} more" if more > 0 else "")
        return IngestError(
            f"No document could be indexed: all {len(failed)} file(s) in {where} failed:\n{listed}\n"
            "Fix or replace these files (a PDF with a text layer, or TXT, MD, DOCX or HTML) and run "
            f"`inkoopwijzer ingest` again. {nothing_written}",
            "no_documents",
        )
    return IngestError(
        f"No documents are left to index from {where}: add policy documents and run `inkoopwijzer ingest` again. "
        f"{nothing_written}",
        "no_documents",
    )


def _meta_changed(old: DocumentMeta, new: DocumentMeta) -> bool:
    """Whether what ingest found (or the desk corrected) about a document differs from the index's."""
    fields = ("title", "insurer", "care_types", "years", "version", "published")
    return any(getattr(old, f) != getattr(new, f) for f in fields)


def _chunks_changed(old: IndexVersion | None, name: str, doc: ParsedDocument) -> bool:
    if old is None:
        return True
    # a passage's id is its text and place; its context, section and page count too (they are searched and cited)
    def key(c: Chunk) -> tuple[object, ...]:
        return (c.id, c.context, c.section, c.page, c.page_end, c.kind)

    return {key(c) for c in old.chunks() if c.document == name} != {key(c) for c in doc.chunks}


def _write_version(state: dict[str, _Document], settings: Settings, progress: Progress | None) -> str:
    base = _index_dir(settings)
    name = "v-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    tmp = base / f".building-{name}"
    final = base / name
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "texts").mkdir(parents=True)
    try:
        _fill_version(tmp, name, state, settings, progress)
    except BaseException:  # a failed build leaves no half-written version behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    os.replace(tmp, final)
    _switch(base, name)
    _cleanup(base, keep=2, settings=settings)
    return name


def _fill_version(tmp: Path, name: str, state: dict[str, _Document], settings: Settings, progress: Progress | None) -> None:
    """Write a version's files, search indexes and vectors into `tmp`."""
    metas = mark_superseded([state[d].meta for d in sorted(state)])  # in one order, whatever the ingest's
    by_doc = {m.document: m for m in metas}
    all_chunks: list[Chunk] = []
    docs_json = []
    for doc_name, doc in sorted(state.items()):
        meta = by_doc[doc_name]
        (tmp / "texts" / f"{meta.doc_id}.txt").write_text(doc.text, encoding="utf-8")
        (tmp / "texts" / f"{meta.doc_id}.pages.json").write_text(json.dumps(doc.pages), encoding="utf-8")
        if doc.boxes:
            (tmp / "texts" / f"{meta.doc_id}.boxes.json").write_text(json.dumps(doc.boxes.rows(), separators=(",", ":")), encoding="utf-8")
        docs_json.append({"meta": meta.model_dump(), "source": doc.source})
        all_chunks.extend(doc.chunks)
    (tmp / "documents.json").write_text(json.dumps(docs_json, ensure_ascii=False, indent=1), encoding="utf-8")
    with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for c in all_chunks:
            fh.write(c.model_dump_json() + "\n")
    if progress:
        progress("facts", 0, 1)
    write_facts(tmp, ((by_doc[name], doc.chunks, doc.text, doc.pages) for name, doc in sorted(state.items())))
    # computed here, once a version, so that an answer quoting a superseded policy only reads it
    previous = current_version(settings)
    write_successor_diffs(
        tmp, {name: (by_doc[name], doc.text, doc.pages) for name, doc in state.items()}, previous.path if previous else None
    )

    search_texts = [c.search_text(by_doc[c.document]) for c in all_chunks]
    embedder = get_embedder(settings)
    _embed_missing(embedder, search_texts, settings, progress)
    KeywordIndex.build(search_texts).save(tmp / "bm25")
    if progress:
        progress("lexicon", len(all_chunks), len(all_chunks))
    Lexicon.build(search_texts, embedder.embed_terms).save(tmp / "lexicon")

    collection_name = f"inkoopwijzer_{name}"
    client = chroma_client(settings, tmp)
    try:
        collection = client.create_collection(
            collection_name,
            configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
            embedding_function=None,
        )
        step = 200
        for i in range(0, len(all_chunks), step):
            if progress:
                progress("index", i, len(all_chunks))
            part = all_chunks[i : i + step]
            vectors = embedder.embed_passages(search_texts[i : i + step])  # from the cache, batch by batch
            collection.add(
                ids=[c.id for c in part],
                embeddings=[v.tolist() for v in vectors],
                documents=[c.text for c in part],
                metadatas=[_chroma_metadata(c, by_doc[c.document]) for c in part],
            )
    except StoreUnavailableError:
        raise
    except Exception as exc:  # noqa: BLE001 - network errors from the HTTP client
        if settings.chroma_url:
            raise StoreUnavailableError(f"Chroma server at {settings.chroma_url} failed during ingest: {exc}") from exc
        raise
    finally:
        close_client(client)
    (tmp / "manifest.json").write_text(
        json.dumps({"version": name, "format": INDEX_FORMAT, "parser": PARSER_VERSION, "chunks": len(all_chunks), "embedding": embedder.name}), encoding="utf-8"
    )


def _embed_missing(embedder: Any, texts: list[str], settings: Settings, progress: Progress | None) -> None:
    """Embed, in batches and with progress, every text the embedding cache lacks."""
    have = embedder.cached(texts)
    missing = list(dict.fromkeys(t for t in texts if t not in have))
    ready = len(set(texts)) - len(missing)  # progress counts all passages: those cached or shipped are done
    total = ready + len(missing)
    batch = settings.embedding_batch_size
    for i in range(0, len(missing), batch):
        if progress:
            progress("embed", ready + i, total)
        part = missing[i : i + batch]
        embedder.store(part, embedder.inner.embed_passages(part))
    if progress:
        progress("embed", total, total)


def _switch(base: Path, name: str) -> None:
    tmp = base / "current.json.tmp"
    tmp.write_text(json.dumps({"version": name}), encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, base / "current.json")


def _cleanup(base: Path, keep: int, settings: Settings) -> None:
    versions = sorted(p for p in base.glob("v-*") if p.is_dir())
    for old in versions[:-keep]:
        if settings.chroma_url:
            try:
                chroma_client(settings).delete_collection(f"inkoopwijzer_{old.name}")
            except Exception:  # noqa: BLE001 - best effort
                pass
        shutil.rmtree(old, ignore_errors=True)
    for stale in base.glob(".building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def remove_documents(names: list[str], settings: Settings) -> IngestReport:
    """Remove documents (by file name) from both the dense and keyword index."""
    return _rebuild(names, settings, wait=0.0)


def upgrade_index(settings: Settings, wait: float = 600.0) -> IngestReport:
    """Rebuild an index of an older format from what it holds (no file is parsed again)."""
    return _rebuild([], settings, wait=wait)


def _rebuild(names: list[str], settings: Settings, wait: float) -> IngestReport:
    """A new version without the documents `names`, written when one was dropped or the
    current version's format is older."""
    lock = _lock(settings, wait)
    try:
        old = current_version(settings)
        report = IngestReport()
        if old is None:
            return report
        indexed = {d.document for d in old.documents}
        report.removed = sum(1 for n in indexed if n in names)
        for n in names:
            if n not in indexed:
                report.failed.append(IngestFailure(path=n, error=f"{n}: not in the index.", reason="missing"))
        if not report.removed and old.format >= INDEX_FORMAT:
            report.documents = len(indexed)
            report.chunks = sum(1 for _ in old.chunks())
            return report
        state = _carried_over(old, leave_out=names)
        if not state:  # an index with no document cannot be searched (nor built)
            raise IngestError(
                f"Removing {', '.join(names)} would leave the index without documents: add the policies that "
                "replace them first (`inkoopwijzer ingest <files>`), then remove these. Nothing was removed.",
                "no_documents",
            )
        report.index_version = _write_version(state, settings, None)
        report.documents = len(state)
        report.chunks = sum(len(d.chunks) for d in state.values())
        return report
    finally:
        lock.release()


_CORRECTABLE = {"title", "insurer", "care_types", "years", "version", "published"}


def _corrections_path(settings: Settings) -> Path:
    return _index_dir(settings) / "corrections.json"


def load_corrections(settings: Settings) -> dict[str, dict[str, Any]]:
    """Metadata the desk corrected, per document name (applied over what ingest finds)."""
    try:
        data = json.loads(_corrections_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def correct_metadata(document: str, fields: dict[str, Any], settings: Settings, wait: float = 0.0) -> IngestReport:
    """Correct a document's metadata (title, insurer, care types, years, version, published) and
    write a new index version. The correction is kept, so a later ingest of the file keeps it.
    Passages are not parsed again; only those whose embedded text changes (the title is part of
    it) are embedded again: the embedding cache is keyed by the embedded text."""
    unknown = set(fields) - _CORRECTABLE
    if unknown:
        raise ValueError(f"cannot correct {', '.join(sorted(unknown))}; correctable: {', '.join(sorted(_CORRECTABLE))}.")
    lock = _lock(settings, wait)
    try:
        old = current_version(settings)
        if old is None or document not in {d.document for d in old.documents}:
            raise IngestError(f"{document}: not in the index.", "missing")
        meta = old._meta(document)
        updated = DocumentMeta.model_validate({**meta.model_dump(), **fields})
        corrections = load_corrections(settings)
        corrections[document] = {**corrections.get(document, {}), **fields}
        state = _carried_over(old)
        state[document] = replace(state[document], meta=updated)
        report = IngestReport(updated=1)
        report.index_version = _write_version(state, settings, None)
        tmp = _corrections_path(settings).with_suffix(".tmp")
        tmp.write_text(json.dumps(corrections, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, _corrections_path(settings))
        report.documents = len(state)
        report.chunks = sum(len(d.chunks) for d in state.values())
        return report
    finally:
        lock.release()


def ensure_index(settings: Settings, progress: Progress | None = None) -> IngestReport | None:
    """Build the index from the shipped corpus when none exists; parse its documents again
    when an older parser cut them (from their source files, where these still exist); rebuild
    one of an older format from what it holds. None when the current one is up to date."""
    current = current_version(settings)
    if current is not None and current.format >= INDEX_FORMAT and current.parser >= PARSER_VERSION:
        return None
    if current is not None and current.parser < PARSER_VERSION:
        sources = [Path(s) for s in current.sources.values() if s and Path(s).is_file()]
        if sources:
            return ingest_paths(sources, settings, progress=progress, wait=600.0, remove_missing=False)
    if current is not None:
        return upgrade_index(settings)
    return ingest_paths([settings.corpus_dir], settings, progress=progress, wait=600.0)
