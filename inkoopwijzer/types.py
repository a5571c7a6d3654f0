"""The shared data model: documents, passages (chunks), and the one `Answer` type.

`Answer` is what the CLI prints (`--json`), the API returns, the UI renders and the
evaluation scores. Render it at the edge; never re-parse its text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "Answer",
    "AnswerStatus",
    "Chunk",
    "Citation",
    "DocumentMeta",
    "Filters",
    "IngestFailure",
    "IngestReport",
    "RetrievedPassage",
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


AnswerStatus = Literal["answered", "not_found", "clarify"]


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
    notices: list[str] = Field(default_factory=list)
    mode: str = "extractive"
    language: Literal["nl", "en"] = "nl"
    insurers: list[str] = Field(default_factory=list, description="Insurers the answer is about")
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per stage")


class IngestFailure(BaseModel):
    path: str
    error: str
    reason: str = "error"


class IngestReport(BaseModel):
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[IngestFailure] = Field(default_factory=list)
    index_version: str | None = None
    seconds: float = 0.0
