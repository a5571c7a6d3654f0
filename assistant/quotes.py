"""How far a quote reaches around its best sentence: a paragraph for a condition or procedure,
the next sentence for a value (a short condition, a schedule's next step), the list a sentence
introduces."""

from __future__ import annotations

import re

from .extractive import VALUE_PATTERN, Unit, introduces_list
from .query import FactKind

# a sentence that opens by pointing back at the one before ("Hiervoor maken we afspraken …")
_POINTS_BACK = re.compile(r"^(?:hiervoor|daarvoor|hierbij|daarbij|hierin|daarin|hierdoor|daardoor|daarom|hiermee|daarmee)\b", re.I)


def _paragraph_break(a: Unit, b: Unit) -> bool:
    """Whether a blank line separates two consecutive units of one passage (the items of a
    list passage belong together: the list is one answer), and `b` starts anew: not a line the
    PDF broke off mid-sentence ("… unieke verzekerden," / "de ontwikkeling …"), nor a sentence
    that points back at `a` ("Hiervoor …")."""
    if a.hit.chunk.kind == "list":
        return False
    text = a.hit.chunk.text
    base = a.hit.chunk.start
    if "\n\n" not in text[a.end - base : b.start - base]:
        return False
    continues = b.text[:1].islower() and not re.search(r"[.!?:;]\s*$", a.text)
    return not (continues or _POINTS_BACK.match(b.text))


def _new_row(a: Unit, b: Unit) -> bool:
    """Whether `b` starts another row of a table than `a` ends in (a row is its own fact)."""
    if a.hit.chunk.kind != "table":
        return False
    base = a.hit.chunk.start
    return "\n" in a.hit.chunk.text[a.end - base : b.start - base]


def paragraph_of(unit: Unit, units: list[Unit], max_chars: int) -> list[Unit]:
    """The unit with its paragraph around it (units of the same passage not separated by a
    blank line), as far as `max_chars` allows: the sentences after it first, then those before.
    A question about a condition, procedure or definition is answered by the paragraph, not
    by its one best sentence."""
    same = sorted((u for u in units if u.hit.chunk.id == unit.hit.chunk.id), key=lambda u: u.start)
    idx = next((i for i, u in enumerate(same) if u.start == unit.start), -1)
    if idx < 0:
        return [unit]
    lo = hi = idx
    size = len(unit.text)
    grew = True
    while grew:
        grew = False
        if hi + 1 < len(same) and not _paragraph_break(same[hi], same[hi + 1]):
            if size + len(same[hi + 1].text) <= max_chars:
                hi += 1
                size += len(same[hi].text)
                grew = True
        if lo > 0 and not _paragraph_break(same[lo - 1], same[lo]):
            if size + len(same[lo - 1].text) <= max_chars:
                lo -= 1
                size += len(same[lo].text)
                grew = True
    return same[lo : hi + 1]


# a value's sentence is quoted with the next sentence of its paragraph when that is at most this
# long ("De deal geldt voor de periode tot en met 2026.", "Dit geldt niet voor…")
NEXT_CHARS = 110


# … and with the next sentence of its paragraph, up to this long, when that states another value of
# the kind asked (a schedule's next step)
STEP_CHARS = 250


def _next_step(unit: Unit, nxt: Unit, fact: FactKind) -> bool:
    pattern = VALUE_PATTERN.get(fact)
    if pattern is None or len(nxt.text) > STEP_CHARS:
        return False
    found = {m.group(0) for m in pattern.finditer(nxt.text)}
    return bool(found - {m.group(0) for m in pattern.finditer(unit.text)})


def with_neighbour(unit: Unit, units: list[Unit], fact: FactKind) -> list[Unit]:
    """A quote of one unit, plus the next one when the first only introduces it (ends with
    ':' or is a bare statement heading its explanation) or when it is short (NEXT_CHARS)."""
    same = [u for u in units if u.hit.chunk.id == unit.hit.chunk.id]
    same.sort(key=lambda u: u.start)
    idx = next((i for i, u in enumerate(same) if u.start == unit.start), -1)
    out = [unit]
    if idx < 0:
        return out
    is_statement = unit.hit.chunk.section.endswith(" ".join(unit.text.split()))
    if introduces_list(unit.text):
        out.extend(same[idx + 1 : idx + 7])  # the list it introduces
    elif is_statement:
        out.extend(same[idx + 1 : idx + 3])  # a heading statement: its explanation holds the facts
    elif idx + 1 < len(same) and len(unit.text) < 60 and not _new_row(unit, same[idx + 1]):
        out.append(same[idx + 1])
    elif idx + 1 < len(same) and not _paragraph_break(unit, same[idx + 1]) and len(same[idx + 1].text) <= NEXT_CHARS:
        out.append(same[idx + 1])  # a short next sentence of its paragraph: the condition or exception that goes with it
    elif idx + 1 < len(same) and not _paragraph_break(unit, same[idx + 1]) and _next_step(unit, same[idx + 1], fact):
        out.append(same[idx + 1])  # the next step of a schedule: "ontvangt op 9 juni …" → "U heeft tot uiterlijk 22 juli …"
    if len(out) == 2 and introduces_list(out[1].text):
        out.extend(list_after(out[1], units))  # … and the list that one introduces ("Lever … aan over de volgende aspecten:")
    return out


# the items a sentence ending in ':' introduces, when the whole list (the first item within LIST_GAP
# characters of it) has at most LIST_ITEMS items of LIST_CHARS characters in all; a longer list is not quoted
LIST_ITEMS = 6
LIST_GAP = 12
LIST_CHARS = 500


def list_after(intro: Unit, units: list[Unit]) -> list[Unit]:
    """The units that follow `intro` (a sentence ending in ':') in its document, in the same
    passage or a list passage of their own: the list it introduces, if it is short."""
    doc = intro.hit.meta.document
    after = sorted({u.start: u for u in units if u.hit.meta.document == doc and u.start >= intro.end}.values(), key=lambda u: u.start)
    if not after or after[0].start - intro.end > LIST_GAP:
        return []
    chunk = after[0].hit.chunk.id
    items = [u for u in after if u.hit.chunk.id == chunk]
    if len(items) > LIST_ITEMS or sum(len(u.text) for u in items) > LIST_CHARS:
        return []
    return items
