"""A PDF rendering's parse against the DOCX parse of the same text, block by block.

    .venv/bin/python bench/compare_blocks.py two-column-pdf              # counts per difference
    .venv/bin/python bench/compare_blocks.py two-column-pdf --show split  # and the blocks of one

Both files are parsed as ingest does (loader, table of contents dropped, broken sentences mended,
section paths). Every DOCX block of 25+ letters is looked up in the rendering's parse by its
letters (case and everything but letters and digits ignored) and counted as: `same` (same kind and
section path), `kind` (same text, another kind), `section` (same text and kind, another section
path), `merged` (its text is inside a longer block), `split` (its text is cut over two or more
blocks), `missing` (neither). The renderings come from tests/renderings.py (cached).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import renderings as R  # noqa: E402

from ingest.pipeline import _load  # noqa: E402
from ingest.structure import PlacedBlock, drop_toc, join_broken_sentences, place_blocks  # noqa: E402
from ingest.text import mark_statements  # noqa: E402
from ingest.textnorm import Hyphenation  # noqa: E402

MIN_LETTERS = 25


def placed_blocks(path: Path) -> list[PlacedBlock]:
    raw = _load(path, 2000, None, None)
    hyph = raw.hyphenation if isinstance(raw.hyphenation, Hyphenation) else Hyphenation(b.text for b in raw.blocks)
    blocks = join_broken_sentences(drop_toc(raw.blocks), hyph)
    if raw.statements_by_text:
        mark_statements(blocks)
    return place_blocks(blocks)[1]


def letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def differences(docx: list[PlacedBlock], pdf: list[PlacedBlock]) -> list[tuple[str, PlacedBlock, list[PlacedBlock]]]:
    """(difference, the DOCX block, the rendering's blocks it was found in) for each DOCX block."""
    keys = [letters(p.block.text) for p in pdf]
    by_key: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        by_key.setdefault(k, []).append(i)
    out = []
    for d in docx:
        key = letters(d.block.text)
        if len(key) < MIN_LETTERS:
            continue
        if key in by_key:
            found = [pdf[i] for i in by_key[key]]
            if any(p.block.kind == d.block.kind and p.section == d.section for p in found):
                out.append(("same", d, found[:1]))
            elif any(p.block.kind == d.block.kind for p in found):
                out.append(("section", d, found[:1]))
            else:
                out.append(("kind", d, found[:1]))
            continue
        inside = [pdf[i] for i, k in enumerate(keys) if key in k]
        if inside:
            out.append(("merged", d, inside[:1]))
            continue
        parts = [pdf[i] for i, k in enumerate(keys) if len(k) >= 8 and k in key]
        out.append(("split" if parts else "missing", d, parts))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=[k for k in R.KINDS if k.endswith("-pdf")])
    parser.add_argument("--show", nargs="*", default=[], help="print the blocks of these differences")
    parser.add_argument("--docs", nargs="*", default=[], help="only these documents (file stems)")
    args = parser.parse_args()
    docx = {p.stem: p for p in R.files("docx")}
    total: Counter[str] = Counter()
    by_kind: Counter[tuple[str, str]] = Counter()
    for path in R.files(args.kind):
        if args.docs and path.stem not in args.docs:
            continue
        diffs = differences(placed_blocks(docx[path.stem]), placed_blocks(path))
        for what, d, found in diffs:
            total[what] += 1
            by_kind[(what, d.block.kind)] += 1
            if what in args.show:
                print(f"--- {path.stem} {what}: docx {d.block.kind} [{d.section}]")
                print(f"    {d.block.text[:300]!r}")
                for p in found[:4]:
                    print(f"  > {p.block.kind} p{p.block.page} [{p.section}]")
                    print(f"    {p.block.text[:300]!r}")
    print(f"{args.kind}: " + ", ".join(f"{k} {n}" for k, n in total.most_common()))
    for (what, kind), n in sorted(by_kind.items()):
        if what != "same":
            print(f"  {what:8} {kind:10} {n}")


if __name__ == "__main__":
    main()
