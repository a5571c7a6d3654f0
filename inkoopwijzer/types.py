"""The shared data model: documents, passages (chunks), and the one `Answer` type.

`Answer` is what the CLI prints (`--json`), the API returns, the UI renders and the
evaluation scores. Render it at the edge; never re-parse its text.
"""

from __future__ import annotations

import calendar
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal, NamedTuple, overload

from pydantic import BaseModel, Field, computed_field

__all__ = [
    "Answer",
    "AnswerStatus",
    "AnswerTable",
    "Chunk",
    "Citation",
    "DatedEvent",
    "DocumentMeta",
    "EventKind",
    "FactSource",
    "FileReport",
    "Filters",
    "IngestFailure",
    "IngestReport",
    "PolicyDiff",
    "SentenceChange",
    "RetrievedPassage",
    "TableCell",
    "TableRow",
    "TextBox",
    "TextBoxes",
    "Threshold",
    "ThresholdKind",
    "Turn",
]


class DocumentMeta(BaseModel):
    """What we know of one policy document, found in its text or set by a catalog."""

    document: str = Field(description="Source file name, e.g. 000_2839806238769069.pdf")
    doc_id: str = Field(description="Stable id: the source file's stem")
    title: str
    insurer: str | None = None
    care_types: list[str] = Field(default_factory=list, description="e.g. ['MSZ'], ['GRZ', 'ELV']")
    years: list[int] = Field(default_factory=list, description="Years the policy covers")
    version: str | None = None
    published: str | None = Field(default=None, description="Publication date, ISO yyyy-mm-dd")
    content_hash: str
    pages: int | None = None
    superseded_by: str | None = Field(default=None, description="document that replaces this one")


class TextBox(NamedTuple):
    """Where a stretch of a PDF document's text is drawn: document text `[start:end)` stands on
    page `page` (1-based) inside the box, in PDF points with the origin bottom-left. Offsets are
    those of the document text that citations quote (after ligatures and hyphens are mended).

    A tuple, not a model: a document has one per word, tens of thousands (`TextBoxes` holds them)."""

    start: int
    end: int
    page: int
    x0: float
    y0: float
    x1: float
    y1: float


# (typecode, field) of the columns of `TextBoxes`: offsets and pages as 32-bit integers, coordinates as doubles
_BOX_COLUMNS = (("i", "start"), ("i", "end"), ("i", "page"), ("d", "x0"), ("d", "y0"), ("d", "x1"), ("d", "y1"))


class TextBoxes(Sequence[TextBox]):
    """A document's text boxes, read like a list of `TextBox` but held as one typed array per
    field: 44 bytes a box, where a list of pydantic `TextBox` models took about 1,200 (50 MB for
    the shipped corpus's five PDFs, loaded with every page view's layout; bench/bench_layout.py)."""

    __slots__ = ("_columns",)

    def __init__(self, boxes: Iterable[Sequence[float]] = ()) -> None:
        """From `TextBox`es or [start, end, page, x0, y0, x1, y1] rows."""
        self._columns = tuple(array(code) for code, _ in _BOX_COLUMNS)
        for box in boxes:
            for column, value in zip(self._columns, box, strict=True):
                column.append(value)  # type: ignore[arg-type]  # an int column takes ints only (TypeError otherwise)

    @classmethod
    def _of(cls, columns: tuple[array, ...]) -> TextBoxes:  # type: ignore[type-arg]
        out = cls()
        out._columns = columns
        return out

    def __len__(self) -> int:
        return len(self._columns[0])

    @overload
    def __getitem__(self, index: int) -> TextBox: ...
    @overload
    def __getitem__(self, index: slice) -> TextBoxes: ...
    def __getitem__(self, index: int | slice) -> TextBox | TextBoxes:
        if isinstance(index, slice):
            return TextBoxes._of(tuple(c[index] for c in self._columns))
        return TextBox(*(c[index] for c in self._columns))

    def __iter__(self) -> Iterator[TextBox]:
        return map(TextBox._make, zip(*self._columns, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TextBoxes):
            return self._columns == other._columns
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # compared by value, so (like a list) not hashable

    def __repr__(self) -> str:
        return f"TextBoxes({len(self)} boxes)"

    @property
    def nbytes(self) -> int:
        """Memory its arrays hold."""
        return sum(c.itemsize * len(c) for c in self._columns)

    def rows(self) -> list[list[float]]:
        """The boxes as [start, end, page, x0, y0, x1, y1] lists (as the index stores them)."""
        return [list(row) for row in zip(*self._columns, strict=True)]


class Chunk(BaseModel):
    """One citable passage of a document."""

    id: str = Field(description="Stable id derived from document and content")
    document: str
    text: str = Field(description="Verbatim slice of the document text: text[start:end]")
    context: str = Field(
        default="", description="Table headers / caption carried for a passage cut from a table"
    )
    section: str = Field(default="", description="Section path, e.g. 'Contracteerprocedure › Planning'")
    page: int | None = None
    page_end: int | None = None
    start: int
    end: int
    kind: Literal["text", "table", "list"] = "text"
    ocr: bool = Field(default=False, description="Read by OCR from a scanned page")

    def search_text(self, meta: DocumentMeta | None = None) -> str:
        """The text embedded and keyword-indexed: title, section and table context first."""
        head = []
        if meta is not None:
            head.append(meta.title)
        if self.section:
            head.append(self.section)
        if self.context:
            head.append(self.context)
        return "\n".join([*head, self.text])


class Filters(BaseModel):
    """Restrictions on what may be retrieved."""

    insurers: list[str] = Field(default_factory=list)
    care_types: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    include_outdated: bool = False

    def is_empty(self) -> bool:
        return not (self.insurers or self.care_types or self.years or self.documents)


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class Citation(BaseModel):
    """A numbered source of an answer: the verbatim quote and where it stands."""

    n: int
    document: str
    title: str
    insurer: str | None = None
    section: str = ""
    page: int | None = None
    quote: str = Field(description="Verbatim text of the document")
    start: int = Field(description="Offset of the quote in the document text")
    end: int
    chunk_id: str
    outdated: bool = False
    ocr: bool = Field(default=False, description="The quote was read by OCR from a scanned page")
    page_images: list[str] = Field(
        default_factory=list,
        description="URLs of the cited page(s) as PNG with the quote marked (PDF sources; two when the quote spans a page break)",
    )

    @computed_field(description="URL of the page the quote starts on, as PNG with the quote marked")  # type: ignore[prop-decorator]
    @property
    def page_image(self) -> str | None:
        """The image of the page the quote starts on."""
        return self.page_images[0] if self.page_images else None


class RetrievedPassage(BaseModel):
    """A ranked search result, as shown in debug output and scored by the evaluation."""

    chunk_id: str
    document: str
    title: str = ""
    insurer: str | None = None
    section: str = ""
    page: int | None = None
    text: str
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None


class FeatureContribution(BaseModel):
    """One feature of a scored unit: its value and what it added to the score (weight × value)."""

    feature: str
    value: float
    contribution: float


class QuoteExplanation(BaseModel):
    """Why a quote was chosen (debug only): its unit's score as the sum of the unit model's
    feature contributions, largest first."""

    citation: int = Field(description="`Citation.n` of the quote")
    unit: str = Field(description="The scored sentence, table row or list item the quote is built around")
    score: float
    model: str = Field(description="Version of the unit model (assistant/data/unit_model.json)")
    contributions: list[FeatureContribution] = Field(default_factory=list)


AnswerStatus = Literal["answered", "not_found", "clarify", "building"]  # building: no index yet, ask again soon


class TableCell(BaseModel):
    """One value of a comparison table, with the number of the citation it comes from."""

    value: str
    citation: int | None = Field(default=None, description="`Citation.n` of the quote that states the value")


class TableRow(BaseModel):
    """One insurer's (or one policy's) row of a comparison table."""

    insurer: str | None = None
    title: str = Field(default="", description="The policy the row's values come from")
    document: str = ""
    cells: list[TableCell] = Field(default_factory=list, description="One per column after the insurer")


class AnswerTable(BaseModel):
    """A comparison of insurers or policies: a lead sentence answering it, then one row each."""

    lead: str = Field(description="e.g. 'Zilveren Kruis het eerst: 15 september 2026'")
    columns: list[str] = Field(description="Headers of the cells, e.g. ['Uiterste datum']")
    rows: list[TableRow] = Field(default_factory=list)


class Answer(BaseModel):
    """The one result type of Inkoopwijzer."""

    question: str
    status: AnswerStatus
    answer: str = Field(description="The text shown to the user, with [n] citation markers")
    citations: list[Citation] = Field(default_factory=list)
    related: list[Citation] = Field(
        default_factory=list, description="'Mogelijk relevant' passages when nothing answered"
    )
    retrieved: list[RetrievedPassage] | None = None
    explained: list[QuoteExplanation] | None = Field(default=None, description="debug only: why each quote was chosen")
    refusal: str | None = Field(default=None, description="debug only: why nothing answered (the rule, with its figures)")
    notices: list[str] = Field(default_factory=list)
    mode: str = "extractive"
    language: Literal["nl", "en"] = "nl"
    insurers: list[str] = Field(default_factory=list, description="Insurers the answer is about")
    table: AnswerTable | None = Field(default=None, description="A comparison question's table, one row per insurer")
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per stage")


class IngestFailure(BaseModel):
    path: str
    error: str
    reason: str = "error"


class FileReport(BaseModel):
    """What ingest found in one file: shown by `inkoopwijzer ingest` and the desk's upload view."""

    document: str
    title: str
    insurer: str | None = None
    insurer_registered: bool = False
    care_types: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    version: str | None = None
    pages: int | None = None
    passages: int = 0
    tables: int = Field(default=0, description="Tables found (runs of table rows)")
    ocr_pages: list[int] = Field(default_factory=list, description="Pages read by OCR")
    warnings: list[str] = Field(default_factory=list)


class IngestReport(BaseModel):
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[IngestFailure] = Field(default_factory=list)
    files: list[FileReport] = Field(default_factory=list, description="One report per file parsed")
    index_version: str | None = None
    seconds: float = 0.0


# --- facts extracted at ingest: dated events and thresholds --------------------------------


class FactSource(BaseModel):
    """Where a fact is stated: the verbatim unit (sentence or table row), its section and page."""

    document: str
    quote: str = Field(description="Verbatim text of the document: text[start:end]")
    section: str = ""
    page: int | None = None
    start: int
    end: int
    chunk_id: str = Field(default="", description="The passage that holds the quote")


EventKind = Literal["deadline", "event", "start", "window"]


class DatedEvent(BaseModel):
    """A dated event of a policy: a deadline for providers, something the insurer does, a rule or
    contract that starts, or a window. Exactly one of `date`, `month`, `quarter`, `start`+`end` or
    `day_month` says when."""

    uid: str = Field(description="Stable across re-ingests of unchanged text: insurer, policy, date and the unit's words")
    kind: EventKind
    date: str | None = Field(default=None, description="ISO yyyy-mm-dd")
    month: str | None = Field(default=None, description="yyyy-mm when only the month is given")
    quarter: str | None = Field(default=None, description="yyyy-Qn when only the quarter is given")
    start: str | None = Field(default=None, description="A window's first day, ISO")
    end: str | None = Field(default=None, description="A window's last day, ISO")
    day_month: str | None = Field(default=None, description="--mm-dd when the text gives no year and none can be inferred")
    approximate: bool = Field(default=False, description="Only a month or quarter, or 'rond', 'eind', 'begin' …")
    year_inferred: bool = Field(default=False, description="The text left the year out; it comes from the table or the sentence")
    who: str = Field(default="", description="Who it concerns, e.g. 'nieuwe zorgaanbieders'")
    what: str = Field(description="What happens, in the policy's words")
    insurer: str | None = None
    document: str
    title: str = ""
    care_types: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list, description="Years the policy covers")
    sources: list[FactSource] = Field(default_factory=list, description="Every place the policy states it (first: the main one)")

    def first_day(self) -> str | None:
        """The first day the event refers to (ISO), for sorting and filtering; None without a year."""
        if self.date:
            return self.date
        if self.start:
            return self.start
        if self.month:
            return f"{self.month}-01"
        if self.quarter:
            year, q = self.quarter.split("-Q")
            return f"{year}-{3 * int(q) - 2:02d}-01"
        return None

    def last_day(self) -> str | None:
        """The last day the event refers to (ISO): a window's end, a month's or quarter's last day."""
        if self.date:
            return self.date
        if self.end:
            return self.end
        if self.month:
            y, m = (int(x) for x in self.month.split("-"))
            return f"{self.month}-{calendar.monthrange(y, m)[1]:02d}"
        if self.quarter:
            year, q = self.quarter.split("-Q")
            m = 3 * int(q)
            return f"{year}-{m:02d}-{calendar.monthrange(int(year), m)[1]:02d}"
        return None


ThresholdKind = Literal["amount", "percentage", "count", "duration"]


class Threshold(BaseModel):
    """An amount, percentage, count or duration a policy sets, with what it is a threshold of."""

    uid: str
    kind: ThresholdKind
    value: float
    upper: float | None = Field(default=None, description="The upper bound of a range ('0-7 dagen')")
    unit: str = Field(description="'EUR', '%', or the counted or time unit ('fte', 'zorgverleners', 'weken')")
    comparator: Literal["min", "max", "less", "more", "exact", "range"] = "exact"
    text: str = Field(description="The value as written, e.g. 'minimaal €285.000'")
    subject: str = Field(description="What it is a threshold of, in the policy's words")
    insurer: str | None = None
    document: str
    title: str = ""
    care_types: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    sources: list[FactSource] = Field(default_factory=list)


# --- what changed between two versions of a policy ------------------------------------------


class SentenceChange(BaseModel):
    """A sentence (or table row) added, removed or changed in a newer version of a policy."""

    kind: Literal["added", "removed", "changed"]
    old: str | None = Field(default=None, description="The old wording (removed, changed)")
    new: str | None = Field(default=None, description="The new wording (added, changed)")
    old_start: int | None = None
    old_end: int | None = None
    new_start: int | None = None
    new_end: int | None = None
    old_page: int | None = None
    new_page: int | None = None
    section: str = ""
    old_values: list[str] = Field(default_factory=list, description="Dates and amounts only in the old wording")
    new_values: list[str] = Field(default_factory=list, description="Dates and amounts only in the new wording")


class PolicyDiff(BaseModel):
    """The sentences that differ between an older and a newer version of a policy."""

    old: str = Field(description="The older document")
    new: str = Field(description="The newer document")
    old_title: str = ""
    new_title: str = ""
    unchanged: int = Field(default=0, description="Sentences both versions have")
    changes: list[SentenceChange] = Field(default_factory=list)
