"""Count what the answerer is made of: lines of code, hand-set numeric constants, regular
expressions and listed words in `assistant/` (code) and in the data files it reads.

    python bench/census.py [--json] [PATH ...]        (default: assistant/ and assistant/data/)

- lines: non-blank, non-comment lines of Python;
- constants: names in capitals bound to a number (a weight, a threshold) and unnamed numbers in
  expressions (other than 0, 1, -1, 2 and 1000), plus numbers in data files (a fitted model's
  weights are not hand-set: `assistant/data/ranker.json` counts as fitted);
- regexes: string literals that are regular expressions or pieces of one (in code and data files);
- listed words: string elements of list/set/tuple/dict literals of at least two strings in code,
  and the words of the strings in data files (words, phrases and aliases; a phrase of three words
  counts three, as a `"a b c".split()` list in code does). Comments and notes in data files
  (`_comment`, `note`) are no listed words; nor are a model file's version and training facts.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_FITTED = {"ranker.json", "unit_model.json"}
_PROSE = {"_comment", "note", "notes"}


def _python(path: Path) -> dict[str, int]:
    src = path.read_text(encoding="utf-8")
    tree = ast.parse(src)
    lines = sum(1 for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#"))
    constants = regexes = words = unnamed = 0
    named_values: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Constant):
            named_values.add(id(node.value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
            and node.value not in (0, 1, -1, 2, 1000)
            and id(node) not in named_values
        ):
            unnamed += 1
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _looks_like_regex(node.value):
            regexes += 1
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            for t in targets:
                if isinstance(t, ast.Name) and t.id.isupper() and isinstance(value, ast.Constant):
                    if isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
                        constants += 1
        if isinstance(node, (ast.List, ast.Set, ast.Tuple)):
            strs = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str) and not _looks_like_regex(e.value)]
            if len(strs) >= 2:
                words += len(strs)
        if isinstance(node, ast.Dict):
            strs = [
                e
                for e in [*node.keys, *node.values]
                if isinstance(e, ast.Constant) and isinstance(e.value, str) and not _looks_like_regex(e.value)
            ]
            if len(strs) >= 2:
                words += len(strs)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
            # "a b c".split(): a word list written as one string
            if isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) and not node.args:
                words += len(node.func.value.value.split())
    return {"lines": lines, "constants": constants + unnamed, "regexes": regexes, "words": words}


def _looks_like_regex(text: str) -> bool:
    """A string literal that is a regular expression (or a piece of one)."""
    return any(m in text for m in ("\\b", "\\s", "\\d", "\\w", "(?", "[^", ")?", "|"))


def _data(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    fitted = path.name in _FITTED
    counts = {"lines": 0, "constants": 0, "regexes": 0, "words": 0}

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if str(k) not in _PROSE:
                    walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            if key in ("pattern", "patterns", "regex", "regexes") or _looks_like_regex(node):
                counts["regexes"] += 1
            elif not fitted:
                counts["words"] += len(node.split())
        elif isinstance(node, (int, float)) and not isinstance(node, bool) and not fitted:
            counts["constants"] += 1

    walk(data)
    return counts


def census(paths: list[Path]) -> dict[str, int]:
    total = {"lines": 0, "constants": 0, "regexes": 0, "words": 0, "files": 0}
    for root in paths:
        files = [root] if root.is_file() else sorted([*root.rglob("*.py"), *root.rglob("*.json")])
        for f in files:
            counts = _python(f) if f.suffix == ".py" else _data(f)
            total["files"] += 1
            for k, v in counts.items():
                total[k] += v
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    paths = args.paths or [REPO / "assistant"]
    result = census(paths)
    if args.json:
        print(json.dumps(result))
    else:
        print(", ".join(f"{k} {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
