"""Notices for answers that quote a policy a newer version replaces: when a quoted sentence was
changed or removed in the newer version, the answer says so, with both wordings."""

from __future__ import annotations

from index.diff import changes_at, successor_diff
from index.store import IndexVersion
from inkoopwijzer.types import Answer

__all__ = ["with_change_notices"]

# A quoted sentence longer than this is shortened in the notice (the citation keeps it whole).
NOTICE_QUOTE_CHARS = 300


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NOTICE_QUOTE_CHARS else text[: NOTICE_QUOTE_CHARS - 1].rsplit(" ", 1)[0] + " …"


def with_change_notices(answer: Answer, version: IndexVersion) -> Answer:
    """The answer with a notice for every quoted sentence that a newer version of its policy changed or dropped."""
    notices: list[str] = []
    en = answer.language == "en"
    for c in answer.citations:
        diff = successor_diff(version, c.document)
        if diff is None:
            continue
        for change in changes_at(diff, c.start, c.end):
            if change.kind == "changed" and change.old and change.new:
                values = ""
                if change.old_values or change.new_values:
                    values = f" ({', '.join(change.old_values) or '—'} → {', '.join(change.new_values) or '—'})"
                if en:
                    text = (f"[{c.n}] was changed in the newer version {diff.new}{values}. "
                            f"Then: “{_short(change.old)}” Now: “{_short(change.new)}”")
                else:
                    text = (f"Let op: [{c.n}] is gewijzigd in de nieuwere versie {diff.new}{values}. "
                            f"Was: “{_short(change.old)}” Nu: “{_short(change.new)}”")
            elif change.kind == "removed" and change.old:
                text = (f"[{c.n}] was removed from the newer version {diff.new}: “{_short(change.old)}”" if en else
                        f"Let op: [{c.n}] staat niet meer in de nieuwere versie {diff.new}: “{_short(change.old)}”")
            else:
                continue
            if text not in notices and text not in answer.notices:
                notices.append(text)
    if not notices:
        return answer
    return answer.model_copy(update={"notices": [*answer.notices, *notices]})
