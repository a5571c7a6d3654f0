"""What changed between two versions of a policy, sentence by sentence.

    diff_texts(old_text, new_text) -> list[SentenceChange]
    policy_diff(version, old, new) -> PolicyDiff       (two documents of one index version, computed)
    write_successor_diffs(folder, documents, previous) (at ingest: each superseded document against its successor)
    successor_diff(version, old)   -> PolicyDiff | None (that diff, as ingest stored it; never computed)
    changes_at(diff, start, end)   -> the changes of the old document's text[start:end]

Both texts are cut into sentences and table rows (`ingest.facts.sentence_spans`) and aligned on
their white-space-folded wording (difflib). Within a stretch where the versions differ, a removed and
an added sentence that share most of their words are one changed sentence; the others are removed or
added. A sentence that only moved elsewhere is not a change. Dates and amounts that differ between the
two wordings of a changed sentence are listed, so they can be highlighted.

The alignment costs time quadratic in a stretch's sentences (seconds for long policies), so the diff an
answer needs (a quoted policy against the one that replaces it) is computed once, when ingest writes the
index version (`diffs/<doc_id>.json`), and only read when a question is answered.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.dates import find_when
from ingest.facts import sentence_spans
from inkoopwijzer.types import DocumentMeta, PolicyDiff, SentenceChange

if TYPE_CHECKING:
    from .store import IndexVersion

__all__ = ["DIFFS", "changes_at", "diff_texts", "policy_diff", "successor_diff", "values_in", "write_successor_diffs"]

DIFFS = "diffs"  # the folder of an index version with the diff of each superseded document: <its doc_id>.json

# Two sentences in a stretch that differs are one changed sentence when their words are this alike.
CHANGED_RATIO = 0.6

_AMOUNT = re.compile(
    r"(?:€|EUR\b)\s?\d[\d.]*(?:,(?:\d{1,2}|-{1,2}))?(?:\s*(?:miljoen|mln|duizend))?"
    r"|\d[\d.]*(?:,\d+)?\s?(?:%|procent\b|euro\b|fte\b|werkdagen\b|dagen\b|weken\b|maanden\b|jaar\b|uur\b)",
    re.I,
)


def _fold(text: str) -> str:
    return " ".join(text.split())


def values_in(text: str) -> list[str]:
    """The dates and amounts a sentence states, as written."""
    found = [(w.start, text[w.start : w.end]) for w in find_when(text)]
    taken = [(w.start, w.end) for w in find_when(text)]
    found += [(m.start(), m.group(0)) for m in _AMOUNT.finditer(text) if not any(s <= m.start() < e for s, e in taken)]
    return [_fold(v) for _, v in sorted(found)]


def _values_changed(old: str, new: str) -> tuple[list[str], list[str]]:
    a, b = Counter(values_in(old)), Counter(values_in(new))
    return list((a - b).elements()), list((b - a).elements())


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _alike(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def _page(pages: list[tuple[int, int]], offset: int) -> int | None:
    if not pages:
        return None
    i = bisect.bisect_right([s for s, _ in pages], offset) - 1
    return pages[i][1] if i >= 0 else None


def diff_texts(
    old_text: str,
    new_text: str,
    old_pages: list[tuple[int, int]] | None = None,
    new_pages: list[tuple[int, int]] | None = None,
) -> tuple[list[SentenceChange], int]:
    """The changed, removed and added sentences from `old_text` to `new_text`, and how many are the same."""
    old = sentence_spans(old_text)
    new = sentence_spans(new_text)
    a = [_fold(old_text[s:e]) for s, e in old]
    b = [_fold(new_text[s:e]) for s, e in new]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    removed: list[int] = []
    added: list[int] = []
    pairs: list[tuple[int, int]] = []
    unchanged = 0
    anchor: dict[int, int] = {}  # old sentence → where its stretch stands in the new text (to order the changes)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            unchanged += i2 - i1
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        for i in olds:
            anchor[i] = new[j1][0] if j1 < len(new) else len(new_text)
        for i in olds:  # pair each old sentence with the most alike new one of the same stretch
            best = max(news, key=lambda j: _alike(a[i], b[j]), default=None)
            if best is not None and _alike(a[i], b[best]) >= CHANGED_RATIO:
                pairs.append((i, best))
                news.remove(best)
            else:
                removed.append(i)
        added.extend(news)
    # a sentence removed here and added there unchanged only moved
    moved = Counter(a[i] for i in removed) & Counter(b[j] for j in added)
    for text, n in moved.items():
        for _ in range(n):
            removed.remove(next(i for i in removed if a[i] == text))
            added.remove(next(j for j in added if b[j] == text))
            unchanged += 1
    changes: list[SentenceChange] = []
    for i, j in pairs:
        (os_, oe), (ns, ne) = old[i], new[j]
        lost, gained = _values_changed(a[i], b[j])
        changes.append(SentenceChange(
            kind="changed", old=old_text[os_:oe], new=new_text[ns:ne], old_start=os_, old_end=oe, new_start=ns, new_end=ne,
            old_page=_page(old_pages or [], os_), new_page=_page(new_pages or [], ns), old_values=lost, new_values=gained,
        ))
    for i in removed:
        os_, oe = old[i]
        changes.append(SentenceChange(kind="removed", old=old_text[os_:oe], old_start=os_, old_end=oe,
                                      old_page=_page(old_pages or [], os_), old_values=values_in(a[i])))
    for j in added:
        ns, ne = new[j]
        changes.append(SentenceChange(kind="added", new=new_text[ns:ne], new_start=ns, new_end=ne,
                                      new_page=_page(new_pages or [], ns), new_values=values_in(b[j])))
    starts = {s: i for i, (s, _) in enumerate(old)}

    def place(c: SentenceChange) -> tuple[int, int]:
        if c.new_start is not None:
            return (c.new_start, 1)
        return (anchor.get(starts.get(c.old_start or 0, -1), 0), 0)

    changes.sort(key=place)
    return changes, unchanged


def policy_diff(version: IndexVersion, old: str, new: str) -> PolicyDiff:
    """The changes from document `old` to document `new` of an index version."""
    metas = {m.document: m for m in version.documents}
    changes, same = diff_texts(version.text(old), version.text(new), version.page_map(old), version.page_map(new))
    return PolicyDiff(old=old, new=new, old_title=metas[old].title, new_title=metas[new].title, unchanged=same, changes=changes)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_successor_diffs(
    folder: Path,
    documents: Mapping[str, tuple[DocumentMeta, str, list[tuple[int, int]]]],
    previous: Path | None = None,
) -> int:
    """Write the diff of each superseded document against its successor into `folder/diffs/`
    (`documents`: name → (metadata with `superseded_by` set, text, page map)). A pair whose two texts
    are those of a diff in the `previous` version's folder is taken from it, not computed again.
    Returns how many were computed."""
    computed = 0
    for name, (meta, text, pages) in sorted(documents.items()):
        if not meta.superseded_by or meta.superseded_by not in documents:
            continue
        new_meta, new_text, new_pages = documents[meta.superseded_by]
        hashes = {"old": name, "new": new_meta.document, "old_text": _sha(text), "new_text": _sha(new_text)}
        diff = None
        if previous is not None:
            try:
                stored = json.loads((previous / DIFFS / f"{meta.doc_id}.json").read_text(encoding="utf-8"))
                if all(stored.get(k) == v for k, v in hashes.items()):
                    diff = PolicyDiff.model_validate(stored["diff"])
            except (OSError, ValueError, KeyError):
                diff = None
        if diff is None:
            changes, same = diff_texts(text, new_text, pages, new_pages)
            diff = PolicyDiff(old=name, new=new_meta.document, unchanged=same, changes=changes)
            computed += 1
        diff = diff.model_copy(update={"old_title": meta.title, "new_title": new_meta.title})  # titles may be corrected
        (folder / DIFFS).mkdir(exist_ok=True)
        (folder / DIFFS / f"{meta.doc_id}.json").write_text(
            json.dumps({**hashes, "diff": diff.model_dump(mode="json")}, ensure_ascii=False), encoding="utf-8"
        )
    return computed


# the stored diffs read, per (index version, document); versions never change, so neither do they
_cache: OrderedDict[tuple[str, str], PolicyDiff | None] = OrderedDict()
_lock = threading.Lock()
CACHE_SIZE = 64


def successor_diff(version: IndexVersion, old: str) -> PolicyDiff | None:
    """A superseded document against the version that replaces it, as ingest stored it; None when
    it is not superseded, or in an index written before diffs were stored (`INDEX_FORMAT` 5:
    `ensure_index` rebuilds it). Never computed here: this is on the path of every answer."""
    meta = next((m for m in version.documents if m.document == old), None)
    if meta is None or not meta.superseded_by:
        return None
    key = (str(version.path), old)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    try:
        stored = json.loads((version.path / DIFFS / f"{meta.doc_id}.json").read_text(encoding="utf-8"))
        diff: PolicyDiff | None = PolicyDiff.model_validate(stored["diff"])
    except (OSError, ValueError, KeyError):
        diff = None
    if diff is not None and diff.new != meta.superseded_by:
        diff = None
    with _lock:
        _cache[key] = diff
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return diff


def changes_at(diff: PolicyDiff, start: int, end: int) -> list[SentenceChange]:
    """The changes of the old document's sentences that overlap its text[start:end]."""
    return [
        c for c in diff.changes
        if c.old_start is not None and c.old_end is not None and c.old_start < end and start < c.old_end
    ]
