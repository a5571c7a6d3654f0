"""A version diff as the desk shows it: each added, removed or changed sentence, the changed words
struck through and inserted, changed dates and amounts highlighted."""

from __future__ import annotations

import difflib
import html
import re

from inkoopwijzer.types import PolicyDiff, SentenceChange

__all__ = ["diff_html", "words_html"]

_KIND = {"added": ("toegevoegd", "#dcfce7"), "removed": ("geschrapt", "#fee2e2"), "changed": ("gewijzigd", "#fef9c3")}


def _esc(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=True)


def _marked(text: str, values: list[str]) -> str:
    """Escaped text with the given dates and amounts in <mark>."""
    return _render(_tokens(" ".join(text.split()), values), set(), "span")


def _tokens(text: str, values: list[str]) -> list[tuple[str, bool]]:
    """The words of a text, each with whether it is part of one of `values` (a changed date or amount)."""
    spans = [(m.start(), m.end()) for v in set(values) for m in re.finditer(re.escape(v), text)]
    return [(m.group(0), any(s < m.end() and m.start() < e for s, e in spans)) for m in re.finditer(r"\S+", text)]


def _render(tokens: list[tuple[str, bool]], changed: set[int], tag: str) -> str:
    out = []
    for i, (word, valued) in enumerate(tokens):
        piece = f"<mark>{_esc(word)}</mark>" if valued else _esc(word)
        out.append(f"<{tag}>{piece}</{tag}>" if i in changed else piece)
    return " ".join(out)


def words_html(old: str, new: str, old_values: list[str], new_values: list[str]) -> tuple[str, str]:
    """The two wordings with the words that differ in <del> (old) and <ins> (new); changed dates and
    amounts in <mark>."""
    a, b = _tokens(" ".join(old.split()), old_values), _tokens(" ".join(new.split()), new_values)
    gone: set[int] = set()
    came: set[int] = set()
    matcher = difflib.SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            gone.update(range(i1, i2))
            came.update(range(j1, j2))
    return _render(a, gone, "del"), _render(b, came, "ins")


def _change(c: SentenceChange) -> str:
    label, color = _KIND[c.kind]
    page = c.new_page or c.old_page
    where = f" · p. {page}" if page else ""
    values = ""
    if c.old_values or c.new_values:
        values = f' · <span class="iw-diff-values">{_esc(", ".join(c.old_values) or "—")} → {_esc(", ".join(c.new_values) or "—")}</span>'
    head = f'<div class="iw-diff-head"><strong>{label}</strong>{where}{values}</div>'
    if c.kind == "changed" and c.old and c.new:
        old, new = words_html(c.old, c.new, c.old_values, c.new_values)
        body = f'<div class="iw-diff-old">Was: {old}</div><div class="iw-diff-new">Nu: {new}</div>'
    elif c.kind == "removed" and c.old:
        body = f'<div class="iw-diff-old"><del>{_marked(c.old, c.old_values)}</del></div>'
    else:
        body = f'<div class="iw-diff-new"><ins>{_marked(c.new or "", c.new_values)}</ins></div>'
    return (f'<div class="iw-diff-change iw-diff-{c.kind}" style="border-left: 4px solid {color}; padding: .3rem .6rem; '
            f'margin: .4rem 0; background: {color}33">{head}{body}</div>')


def diff_html(diff: PolicyDiff) -> str:
    """The whole diff: a summary line, then one block per change in the order of the newer text."""
    counts = {k: sum(1 for c in diff.changes if c.kind == k) for k in ("changed", "removed", "added")}
    summary = (f"<p><strong>{_esc(diff.old)}</strong> → <strong>{_esc(diff.new)}</strong>: {counts['changed']} gewijzigd, "
               f"{counts['removed']} geschrapt, {counts['added']} toegevoegd; {diff.unchanged} zinnen gelijk.</p>")
    if not diff.changes:
        return summary + "<p>Geen verschillen in de tekst.</p>"
    style = "<style>.iw-diff mark { background: #fde68a; } .iw-diff del { color: #991b1b; } .iw-diff ins { color: #166534; text-decoration: none; font-weight: 600; }</style>"
    return f'{style}<div class="iw-diff">{summary}{"".join(_change(c) for c in diff.changes)}</div>'
