"""Synthetic corpora for the scale benchmark, made by varying the five shipped policies, and
an embedding cache pre-filled so that building their index embeds nothing new.

How a corpus of N documents is made (document i is a variant of original i mod 5):
- the first five are the originals themselves;
- every other one is given one of the 11 Dutch insurer groups the metadata knows and one of
  its 9 care types (99 combinations, cycled), so a question that names no insurer fans out
  over 11 insurers as it would on a real market-wide corpus;
- each further pass over the 99 combinations is an older generation: years (and the dates
  with them) one year earlier per generation, so those versions are superseded by the newer
  one or outdated, as in a corpus that keeps its history. At 1,000 documents about 100
  policies are current and the rest are history; at 50 nearly all are current;
- insurer names and labels in the text are replaced, euro amounts scaled by 1.00–1.30, and a
  reference number ("Kenmerk") keeps every file's content unique;
- each is written as Markdown: the text the assistant extracted from the PDF, with the
  section headings it found marked `#`, so the Markdown chunker cuts passages much like the
  PDF ones (≈530 passages per five documents against 509); a `catalog.json` sets title,
  insurer, years and care types as the original's, varied alike.

Why the embedding cache can be pre-filled: the cache is keyed by the passage text, so the
benchmark parses each synthetic file exactly as ingest will (same parser, settings and
catalog), and stores, under each synthetic passage's text, the vector of the original
passage at the same relative position in its document (`CachedEmbedder.store`). Ingest
then finds every vector in the cache; the real model embeds only the ~509 original passages,
once, for the seed index. The dense vectors are therefore the originals' (the varied names
and numbers do not reach them; BM25 does see them), which is what the timings need:
index size and search cost depend on the number of vectors, not their values.
"""

from __future__ import annotations

import bisect
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

INSURER_GROUPS = ["CZ", "Caresq", "DSW", "Eno", "Menzis", "ONVZ", "Salland", "VGZ", "Zilveren Kruis",
                  "Zorg en Zekerheid", "a.s.r."]
CARE_TYPES = ["MSZ", "GRZ", "ELV", "ZG", "GGZ", "WV", "AMB", "FYSIO", "HA"]
COMBINATIONS = len(INSURER_GROUPS) * len(CARE_TYPES)

# the names of real insurers and their labels as they occur in the shipped policies
_REAL_NAMES = re.compile(
    r"zilveren\s+kruis|zorg\s+en\s+zekerheid|salland(?:\s+zorgverzekeraar)?|hollandzorg|achmea|de\s+friesland|"
    r"\bfbto\b|interpolis",
    re.I,
)
_YEAR = re.compile(r"\b(20[0-4]\d)\b")
_AMOUNT = re.compile(r"€\s?(\d{1,3}(?:\.\d{3})+|\d+)")


@dataclass(frozen=True)
class Variation:
    insurer: str | None  # None: keep the original's (and its care types)
    care_type: str | None
    year_shift: int
    amount_factor: float

    def apply(self, text: str) -> str:
        if self.insurer:
            text = _REAL_NAMES.sub(self.insurer, text)
        if self.year_shift:
            text = _YEAR.sub(lambda m: str(int(m.group(1)) + self.year_shift), text)
        if self.amount_factor != 1.0:
            text = _AMOUNT.sub(lambda m: "€ " + _amount(int(m.group(1).replace(".", "")) * self.amount_factor), text)
        return text


def _amount(value: float) -> str:
    return f"{round(value):,}".replace(",", ".")


def variation(i: int) -> Variation:
    """Document i's variation: the originals unchanged, then insurer × care type, newest first."""
    if i < 5:
        return Variation(None, None, 0, 1.0)
    k = i - 5
    insurer = INSURER_GROUPS[k % len(INSURER_GROUPS)]
    care = CARE_TYPES[(k // len(INSURER_GROUPS)) % len(CARE_TYPES)]
    return Variation(insurer, care, -(k // COMBINATIONS), 1.0 + 0.05 * (k % 7))


def markdown_of(text: str, sections: list[str]) -> str:
    """The document text with the headings named in its passages' section paths marked `#`.

    Paragraphs are separated by two blank lines, so the plain-text reader never mistakes the
    short lines of these PDFs for hard-wrapped text.
    """
    depth: dict[str, int] = {}
    for path in sections:
        for level, part in enumerate(p.strip() for p in path.split("›") if p.strip()):
            depth.setdefault(part, level + 1)
    out = []
    for para in text.split("\n\n"):
        head = para.strip()
        if head in depth and "\n" not in head:
            out.append("#" * min(depth[head], 3) + " " + head)
        else:
            out.append(para)
    return "\n\n\n".join(out) + "\n"


@dataclass
class Original:
    document: str
    doc_id: str
    meta: Any  # DocumentMeta
    markdown: str
    mids: list[float]  # relative midpoints of its passages, ascending
    vectors: np.ndarray  # the passages' vectors, in the same order


def originals(seed_settings: Any) -> list[Original]:
    """The seed index's documents with their passages' cached vectors."""
    from index.embeddings import get_embedder
    from index.store import current_version

    version = current_version(seed_settings)
    if version is None:
        raise RuntimeError("the seed index is missing; run bench/bench_ingest.py or bench_query.py first")
    embedder = get_embedder(seed_settings)
    chunks = version.chunks()
    out = []
    for meta in version.documents:
        cs = sorted((c for c in chunks if c.document == meta.document), key=lambda c: c.start)
        text = version.text(meta.document)
        texts = [c.search_text(meta) for c in cs]
        found = embedder.cached(texts)
        missing = [t for t in texts if t not in found]
        if missing:
            raise RuntimeError(f"{len(missing)} passages of {meta.document} are not in the seed's embedding cache")
        out.append(
            Original(
                document=meta.document,
                doc_id=meta.doc_id,
                meta=meta,
                markdown=markdown_of(text, [c.section for c in cs]),
                mids=[(c.start + c.end) / 2 / max(1, len(text)) for c in cs],
                vectors=np.stack([found[t] for t in texts]),
            )
        )
    return out


def write_corpus(folder: Path, n: int, origs: list[Original]) -> list[tuple[Path, Original]]:
    """Write n Markdown documents and their catalog.json into an emptied folder."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    catalog: dict[str, dict[str, Any]] = {}
    files = []
    for i in range(n):
        o = origs[i % len(origs)]
        v = variation(i)
        name = f"{i:04d}_{o.doc_id}.md"
        # a reference number keeps every variant's content (and so its content hash) unique
        head = f"Kenmerk: ZI-{i:05d}\n\n\n" if i >= len(origs) else ""
        (folder / name).write_text(head + v.apply(o.markdown), encoding="utf-8")
        m = o.meta
        catalog[name] = {
            "title": v.apply(m.title),
            "insurer": v.insurer or m.insurer,
            "care_types": [v.care_type] if v.care_type else m.care_types,
            "years": [y + v.year_shift for y in m.years],
            "version": m.version,
            "published": v.apply(m.published) if m.published else None,
        }
        files.append((folder / name, o))
    (folder / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False, indent=1), encoding="utf-8")
    return files


def synthetic_vectors(files: list[tuple[Path, Original]], settings: Any) -> Iterator[tuple[list[str], np.ndarray]]:
    """(passage texts, vectors) per synthetic file, parsed exactly as ingest will parse it."""
    from ingest.metadata import load_catalog
    from ingest.pipeline import parse_file

    catalogs: dict[Path, dict[str, dict[str, Any]]] = {}
    for path, o in files:
        folder = path.resolve().parent
        if folder not in catalogs:
            catalogs[folder] = load_catalog(folder)
        doc = parse_file(
            path.resolve(),
            max_file_mb=settings.max_file_mb,
            max_pages=settings.max_pdf_pages,
            chunk_target=settings.chunk_target_chars,
            catalog=catalogs[folder],
        )
        size = max(1, len(doc.text))
        rows = []
        for c in doc.chunks:
            mid = (c.start + c.end) / 2 / size
            j = bisect.bisect_left(o.mids, mid)
            if j == len(o.mids) or (j > 0 and mid - o.mids[j - 1] <= o.mids[j] - mid):
                j -= 1
            rows.append(max(j, 0))
        yield [c.search_text(doc.meta) for c in doc.chunks], o.vectors[rows]


def prefill_cache(files: list[tuple[Path, Original]], settings: Any) -> dict[str, int]:
    """Store a vector for every passage the synthetic corpus will have; check none is missing."""
    from index.embeddings import get_embedder

    embedder = get_embedder(settings)
    texts_all: list[str] = []
    batch_t: list[str] = []
    batch_v: list[np.ndarray] = []
    for texts, vecs in synthetic_vectors(files, settings):
        texts_all.extend(texts)
        batch_t.extend(texts)
        batch_v.append(vecs)
        if len(batch_t) >= 5000:
            embedder.store(batch_t, np.concatenate(batch_v))
            batch_t, batch_v = [], []
    if batch_t:
        embedder.store(batch_t, np.concatenate(batch_v))
    unique = set(texts_all)
    found = embedder.cached(list(unique))
    if len(found) != len(unique):
        raise RuntimeError(f"{len(unique) - len(found)} synthetic passages have no cached vector; refusing to embed")
    return {"passages": len(texts_all), "unique_passages": len(unique)}
