"""A list the chunker cut in two: a quote that starts in the second half gets the list's
opening (its introduction and first items) from the passage before, so "ZORG-ID Smart …;
Twiin …" is quoted as what it is, the rest of "… voldoet u minimaal aan: Mitz …; NEN 7510 …";
a quote that ends with a list's introduction at the end of its passage ("We stellen de
volgende eisen aan het behandelplan:") gets the list's first items from the next passage; and a
quote that ends with an item at the end of its passage ("Electieve orthopedie: …;") gets the
list's remaining items ("Amputatie: …; Overig: ….") from the next passage."""

from __future__ import annotations

from index.search import Hit, HybridSearcher

from .extractive import Unit, split_units
from .quotes import LIST_CHARS, LIST_GAP, LIST_ITEMS


class ListIndex:
    """Finds, among a document's passages in order, the one a list continues from or into."""

    def __init__(self, searcher: HybridSearcher) -> None:
        self.searcher = searcher

    def opening(self, first: Unit) -> list[Unit]:
        """The introduction and items before `first`, when `first` opens a passage that continues
        a list (the chunker carried the list's introduction into its context) and that opening is
        short (LIST_ITEMS, LIST_CHARS); else none."""
        chunk = first.hit.chunk
        intro = chunk.context.strip()
        if chunk.kind != "list" or not intro.endswith(":") or first.start - chunk.start > LIST_GAP:
            return []
        before = [c for c in self.searcher.by_document[chunk.document] if c.end <= chunk.start]
        if not before or chunk.start - before[-1].end > LIST_GAP:
            return []
        units = split_units(Hit(chunk=before[-1], meta=first.hit.meta, score=0.0), first.rank)
        start = next((i for i in range(len(units) - 1, -1, -1) if units[i].text.endswith(":") and units[i].text in intro), None)
        if start is None:
            return []
        items = units[start:]
        if len(items) - 1 > LIST_ITEMS or sum(len(u.text) for u in items) > LIST_CHARS:
            return []
        return items

    def following(self, intro: Unit) -> list[Unit]:
        """The items after `intro`, a unit ending in ':' that ends its passage, from the next
        passage: up to the next introduction, as many as LIST_ITEMS and LIST_CHARS allow (a
        quote of the introduction alone says nothing)."""
        chunk = intro.hit.chunk
        if not intro.text.rstrip().endswith(":") or chunk.end - intro.end > LIST_GAP:
            return []
        after = [c for c in self.searcher.by_document[chunk.document] if c.start >= chunk.end]
        if not after or after[0].start - chunk.end > LIST_GAP:
            return []
        items: list[Unit] = []
        size = 0
        for u in split_units(Hit(chunk=after[0], meta=intro.hit.meta, score=0.0), intro.rank):
            if u.text.rstrip().endswith(":") or len(items) == LIST_ITEMS or (items and size + len(u.text) > LIST_CHARS):
                break
            items.append(u)
            size += len(u.text)
        return items if size <= LIST_CHARS else []

    def rest(self, last: Unit) -> list[Unit]:
        """The items after `last`, an item that ends with ';' at the end of its passage, from the
        next passage when the chunker carried the list's introduction into it: up to the item that
        ends with a full stop (the list's last, by the usual punctuation of Dutch lists), as many
        as LIST_ITEMS and LIST_CHARS allow; none when the list runs on past them."""
        chunk = last.hit.chunk
        if not last.text.rstrip().endswith(";") or chunk.end - last.end > LIST_GAP:
            return []
        after = [c for c in self.searcher.by_document[chunk.document] if c.start >= chunk.end]
        if not after or after[0].start - chunk.end > LIST_GAP or not after[0].context.rstrip().endswith(":"):
            return []
        nxt = after[0]
        units = split_units(Hit(chunk=nxt, meta=last.hit.meta, score=0.0), last.rank)
        items: list[Unit] = []
        for i, u in enumerate(units):
            items.append(u)
            if len(items) > 2 * LIST_ITEMS or sum(len(x.text) for x in items) > LIST_CHARS:
                return []
            ends_item = i + 1 == len(units) or "\n\n" in nxt.text[u.end - nxt.start : units[i + 1].start - nxt.start]
            if ends_item and not u.text.rstrip().endswith(";"):
                return items  # the list's last item
        return []
