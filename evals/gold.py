"""Load and validate a gold question file (JSON Lines, `/work/shared/eval-format.md`).

Structural problems (bad JSON, a missing or mistyped field, an unknown type, a duplicate id)
raise `GoldFormatError` naming the file and line. Inconsistencies that still allow scoring
(an `unanswerable` question with a source, an answerable one without evidence) become warnings,
listed in the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from inkoopwijzer.errors import BadRequestError
from inkoopwijzer.types import Turn

from .matching import doc_stem

__all__ = ["GoldFormatError", "GoldQuestion", "GoldSet", "QuestionType", "load_gold"]

QuestionType = Literal[
    "deadline",
    "threshold",
    "condition",
    "process",
    "change",
    "definition",
    "ambiguous",
    "comparison",
    "yesno",
    "unanswerable",
    "followup",
]
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)


class GoldFormatError(BadRequestError):
    """A gold file that cannot be read; the message names the file and line."""

    def __init__(self, message: str, path: Path, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


class GoldQuestion(BaseModel):
    """One line of a gold file. Unknown fields are ignored; `language` may override detection."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    type: QuestionType
    answer: str = ""
    must_contain: list[list[str]] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    insurer: str | None = None
    history: list[Turn] = Field(default_factory=list)
    notes: str | None = None
    language: Literal["nl", "en"] | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _known_type(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in QUESTION_TYPES:
            raise ValueError(f"unknown type {value!r}; use one of {', '.join(QUESTION_TYPES)}")
        return value

    @field_validator("must_contain", mode="before")
    @classmethod
    def _alternatives(cls, value: Any) -> Any:
        """Each item is a string or a non-empty list of strings; stored as a list of alternatives."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError("must be a list of strings or of lists of alternative strings")
        items: list[list[str]] = []
        for i, item in enumerate(value):
            alternatives = [item] if isinstance(item, str) else item
            if (
                not isinstance(alternatives, list)
                or not alternatives
                or not all(isinstance(a, str) and a.strip() for a in alternatives)
            ):
                raise ValueError(f"item {i} must be a non-empty string or a non-empty list of non-empty strings")
            items.append(alternatives)
        return items

    @field_validator("source", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            raise ValueError("must be a file name, a list of file names, or null")
        return value

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            raise ValueError("must be a list of quotes, not a single string")
        return value

    @property
    def source_stems(self) -> list[str]:
        """Expected documents as match keys (file stems, extension and case ignored)."""
        return list(dict.fromkeys(doc_stem(s) for s in self.source))

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


@dataclass
class GoldSet:
    """The questions of one gold file; `name` is the split it is reported as."""

    name: str
    path: Path
    questions: list[GoldQuestion]
    warnings: list[str] = field(default_factory=list)


def _describe(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(line)"
        msg = str(e["msg"]).removeprefix("Value error, ")
        parts.append(f"field '{loc}': {msg}")
    return "; ".join(parts)


def _warnings(q: GoldQuestion, where: str) -> list[str]:
    out = []
    if q.type == "unanswerable":
        if q.source or q.evidence or q.must_contain:
            out.append(f"{where} ({q.id}): unanswerable question has source, evidence or must_contain; ignored")
        return out
    if not q.evidence:
        out.append(f"{where} ({q.id}): no evidence quotes; retrieval is not scored for it")
    if not q.must_contain:
        out.append(f"{where} ({q.id}): empty must_contain; key facts are not scored for it")
    if not q.source:
        out.append(f"{where} ({q.id}): no source; citation correctness is not scored for it")
    if q.type == "followup" and not q.history:
        out.append(f"{where} ({q.id}): followup question without history")
    if q.type == "ambiguous" and len(q.source_stems) < 2:
        out.append(f"{where} ({q.id}): ambiguous question with fewer than two sources")
    return out


def load_gold(path: Path, name: str | None = None) -> GoldSet:
    """Read a gold file; raises `GoldFormatError` (file:line: what is wrong) on a malformed line."""
    if not path.is_file():
        raise GoldFormatError(f"{path}: gold file not found; pass --gold with a JSON Lines file.", path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise GoldFormatError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8.", path) from exc
    questions: list[GoldQuestion] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}).", path, number) from exc
        if not isinstance(record, dict):
            raise GoldFormatError(f"{where}: each line must be a JSON object.", path, number)
        try:
            q = GoldQuestion.model_validate(record)
        except ValidationError as exc:
            label = f" ({record['id']})" if isinstance(record.get("id"), str) else ""
            raise GoldFormatError(f"{where}{label}: {_describe(exc)}.", path, number) from exc
        if q.id in seen:
            raise GoldFormatError(f"{where}: duplicate id {q.id!r} (first on line {seen[q.id]}).", path, number)
        seen[q.id] = number
        questions.append(q)
        warnings.extend(_warnings(q, where))
    if not questions:
        raise GoldFormatError(f"{path}: no questions in the file.", path)
    return GoldSet(name=name or path.stem, path=path, questions=questions, warnings=warnings)
