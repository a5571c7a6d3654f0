"""What a PDF page draws besides its text that tells the text's structure.

- **Rules**: thin horizontal lines, such as the borders between a table's rows. A renderer that
  sets a table tight (LibreOffice) leaves no more space between two rows than between two lines
  of one cell: the border is what tells them apart.
- **Marks**: small square-ish shapes, such as the discs a browser draws for a list's bullets
  instead of writing a bullet character.

Read from the page's path objects with pypdfium2 (the page's own, not those inside form objects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Shapes", "page_shapes"]

_RULE_HEIGHT = 2.0  # a rule is at most this thick (points) ...
_RULE_WIDTH = 10.0  # ... and at least this long
_MARK_SIZE = (1.5, 8.0)  # a mark's width and height lie in this range (points), nearly equal


@dataclass
class Shapes:
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x0, x1, y)
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)  # (x0, y0, x1, y1)

    def rule_between(self, below: float, above: float, x: float) -> bool:
        """Whether a rule runs strictly between the heights `below` and `above` across x."""
        return any(below < y < above and x0 - 2.0 <= x <= x1 for x0, x1, y in self.rules)

    def rules_across(self, x: float, below: float, above: float) -> int:
        """How many rules between the heights `below` and `above` cross x (a table's row borders
        cross the gaps between its columns; nothing crosses the gutter between text columns)."""
        return sum(1 for x0, x1, y in self.rules if below <= y <= above and x0 < x < x1)


def page_shapes(page: Any) -> Shapes:
    """The rules and marks a pypdfium2 page draws."""
    import pypdfium2.raw as pdfium_c

    shapes = Shapes()
    low, high = _MARK_SIZE
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=0):
        x0, y0, x1, y1 = obj.get_bounds()
        w, h = x1 - x0, y1 - y0
        if h <= _RULE_HEIGHT and w >= _RULE_WIDTH:
            shapes.rules.append((x0, x1, (y0 + y1) / 2))
        elif low <= w <= high and low <= h <= high and abs(w - h) <= 0.25 * max(w, h):
            shapes.marks.append((x0, y0, x1, y1))
    return shapes
