"""The facts of an index version: its documents' dated events and thresholds (`ingest.facts`),
stored as `facts.json` in the version folder and written with the rest of the version, so a
query never sees facts of another version than its passages.

    write_facts(folder, documents)  at ingest, inside the version being built
    load_facts(version)             the stored facts; a version written before facts existed, or by an
                                    older extractor (`FACTS_VERSION`), gets them again from its stored
                                    passages and texts (nothing is parsed or embedded), written back
                                    atomically beside them
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.facts import FACTS_VERSION, Facts, extract_facts
from inkoopwijzer.types import Chunk, DatedEvent, DocumentMeta, Threshold

if TYPE_CHECKING:
    from .store import IndexVersion

__all__ = ["FACTS_FILE", "DocumentParts", "facts_of", "load_facts", "write_facts"]

log = logging.getLogger(__name__)

FACTS_FILE = "facts.json"

# (metadata, passages, document text, page map) of one document
DocumentParts = tuple[DocumentMeta, list[Chunk], str, list[tuple[int, int]]]


def facts_of(documents: Iterable[DocumentParts]) -> Facts:
    """Extract the facts of every document; one that fails is logged and has none (never stops the rest)."""
    out = Facts()
    for meta, chunks, text, pages in documents:
        try:
            found = extract_facts(meta, text, chunks, pages)
        except Exception:  # noqa: BLE001 - one document's odd text must not stop an ingest
            log.exception("fact extraction failed for %s; it has no dated events or thresholds", meta.document)
            continue
        out.events.extend(found.events)
        out.thresholds.extend(found.thresholds)
    return out


def write_facts(folder: Path, documents: Iterable[DocumentParts]) -> Facts:
    """Extract and write `facts.json` into a version folder (atomically: a reader sees the old file or the new)."""
    facts = facts_of(documents)
    payload = {
        "extractor": FACTS_VERSION,
        "events": [e.model_dump(mode="json") for e in facts.events],
        "thresholds": [t.model_dump(mode="json") for t in facts.thresholds],
    }
    tmp = folder / f".{FACTS_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / FACTS_FILE)
    return facts


def _from_passages(version: IndexVersion) -> list[DocumentParts]:
    by_doc: dict[str, list[Chunk]] = {}
    for c in version.chunks():
        by_doc.setdefault(c.document, []).append(c)
    return [(m, by_doc.get(m.document, []), version.text(m.document), version.page_map(m.document)) for m in version.documents]


_cache: dict[str, tuple[float, Facts]] = {}
_lock = threading.Lock()


def load_facts(version: IndexVersion) -> Facts:
    """The facts of a version (read once per version and cached)."""
    path = version.path / FACTS_FILE
    try:
        stamp = path.stat().st_mtime
    except OSError:
        stamp = -1.0
    key = str(version.path)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    data = json.loads(path.read_text(encoding="utf-8")) if stamp >= 0 else {}
    if data.get("extractor") == FACTS_VERSION:
        facts = Facts(
            events=[DatedEvent.model_validate(e) for e in data.get("events", [])],
            thresholds=[Threshold.model_validate(t) for t in data.get("thresholds", [])],
        )
    else:
        # written before facts were stored, or by an older extractor: from the version's own passages
        log.info("extracting the facts of index version %s again from its passages", version.name)
        try:
            facts = write_facts(version.path, _from_passages(version))
            stamp = (version.path / FACTS_FILE).stat().st_mtime
        except OSError:  # a read-only index still answers, with facts kept in memory
            facts = facts_of(_from_passages(version))
    with _lock:
        _cache.clear()  # one version answers at a time; keep only its facts
        _cache[key] = (stamp, facts)
    return facts
