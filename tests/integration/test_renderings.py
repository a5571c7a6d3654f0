"""The shipped policies in five renderings the parser was not written against (tests/renderings.py):
the same checks on each. The shipped rendering (data/policies) is the reference.

- the parse has the sentences of the shipped rendering (white space aside);
- metadata (insurer, title, years, care types) right for all five policies, with no catalog;
- no ligature, soft hyphen or line-break hyphen in the text, and (PDF) every word has its box;
- every tuning and probe question on the Zorg en Zekerheid and the ZG policy (the sample) scores within
  a tolerance of a reference: a DOCX or HTML rendering of the shipped rendering's figures; a PDF
  rendering of the DOCX made from the same text, so that the PDF parser alone is measured (what the
  plain texts' structure costs against the shipped PDFs is the DOCX's own check).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import renderings as R

from ingest.metadata import looks_like_file_name
from ingest.pipeline import ParsedDocument, parse_file

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]

SHIPPED = sorted(R.SHIPPED.glob("*.pdf"))
EXPECTED = {  # what each policy says of itself (README of the corpus)
    "000": ("Zilveren Kruis", [2027], "MSZ", "inkoopbeleid msz 2027"),
    "001": ("Zorg en Zekerheid", [2027], "MSZ", "zorginkoopbeleid 2027"),
    "002": ("Zilveren Kruis", [2027, 2028], "GRZ", "inkoopbeleid geriatrische revalidatiezorg"),
    "003": ("Zilveren Kruis", [2024, 2025], "ZG", "zintuiglijk gehandicaptenzorg"),
    "004": ("Salland", [2027], "MSZ", "zorginkoopbeleid 2027"),
}
# the sample's hit@5 and key facts may be this much below the reference's (3 of its 71 questions).
# DOCX and HTML are measured against the shipped PDFs, whose structure the plain texts they are made
# from lack (docs/evaluation.md, Renderings): they lose 6 of the 71 answers there (0.085, measured when
# the sample became every question, before this tolerance was set); so 0.10 for them.
TOLERANCE = 0.05  # every rendering (DOCX and HTML had 0.10 while their headings had no levels)
SAMPLE_DOCS = ("001", "003")
# what each rendering's sample is measured against (the rest: the shipped rendering)
SAMPLE_REFERENCE = {"chromium-pdf": "docx", "libreoffice-pdf": "docx", "two-column-pdf": "docx"}


def _available(kind: str) -> None:
    try:
        R.build(kind)
    except R.RenderingUnavailable as exc:
        pytest.skip(str(exc))


@cache
def _parse(path: Path) -> ParsedDocument:
    return parse_file(path)


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def _sentences(text: str) -> set[str]:
    prose = " ".join(ln for ln in text.split("\n") if "\t" not in ln)
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])", " ".join(prose.split()))
    return {p.lower() for p in parts if len(p) > 40 and p.endswith(".")}


@pytest.mark.parametrize("kind", R.KINDS)
def test_the_parse_has_the_sentences_of_the_shipped_rendering(kind: str) -> None:
    _available(kind)
    for shipped, rendered in zip(SHIPPED, R.files(kind), strict=True):
        want = _sentences(_parse(shipped).text)
        have = _fold(_parse(rendered).text)
        missing = sorted(s for s in want if s not in have)
        assert len(missing) <= 0.03 * len(want), (rendered.name, len(missing), len(want), missing[:5])


def _chapters(parsed: ParsedDocument) -> dict[str, str]:
    """Each sentence of the document → the chapter it stands in (its section path's first
    heading, without numbering or case)."""
    out: dict[str, str] = {}
    for c in parsed.chunks:
        chapter = " ".join(re.sub(r"^\d+(\.\d+)*\.?\s+", "", c.section.split(" › ")[0]).split()).lower()
        for s in re.split(r"(?<=[.!?])\s+", " ".join(c.text.split())):
            if len(s) > 40:
                out.setdefault(s.lower(), chapter)
    return out


@pytest.mark.parametrize("kind", R.KINDS)
def test_sentences_stand_in_the_chapter_they_stand_in_in_the_shipped_rendering(kind: str) -> None:
    """The renderings set every heading in one style; their levels come from the documents' own
    contents (`structure.levels_from_contents`). The ZG policy has no contents, so its chapters
    are a heading's at best."""
    _available(kind)
    shares = {}
    for shipped, rendered in zip(SHIPPED, R.files(kind), strict=True):
        want, have = _chapters(_parse(shipped)), _chapters(_parse(rendered))
        common = [s for s in want if s in have]
        shares[rendered.stem[:3]] = sum(want[s] == have[s] for s in common) / max(1, len(common))
    assert min(shares.values()) >= 0.6 and sum(shares.values()) / len(shares) >= 0.8, shares


@pytest.mark.parametrize("kind", R.KINDS)
def test_metadata_is_found_in_the_document_without_a_catalog(kind: str) -> None:
    _available(kind)
    for path in R.files(kind):
        insurer, years, care, title = EXPECTED[path.stem[:3]]
        meta = _parse(path).meta
        assert (meta.insurer, meta.years, meta.care_types[:1]) == (insurer, years, [care]), path.name
        assert title in _fold(meta.title).replace("- ", "-"), (path.name, meta.title)
        assert not looks_like_file_name(meta.title, path.stem), meta.title


@pytest.mark.parametrize("kind", R.KINDS)
def test_no_ligature_soft_hyphen_or_line_break_hyphen(kind: str) -> None:
    _available(kind)
    for path in R.files(kind):
        text = _parse(path).text
        assert not re.search("[\ufb00-\ufb06\u00ad\u2010\u2011]", text), path.name
        source = _fold(R.source_text(path.stem))
        for m in re.finditer(r"(\w+)- (\w+)", text):
            if m.group(2) in ("en", "of", "tot"):
                continue  # 'voor- en nazorg'
            assert _fold(m.group(0)) in source, (path.name, m.group(0))


@pytest.mark.parametrize("kind", [k for k in R.KINDS if k.endswith("-pdf")])
def test_every_word_of_a_pdf_has_its_box_on_its_page(kind: str) -> None:
    import pypdfium2 as pdfium

    from ingest.textnorm import normalize_text

    _available(kind)
    for path in R.files(kind)[:3]:
        doc = _parse(path)
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", doc.text)]
        covered = {b.start for b in doc.boxes}
        assert len(covered & {s for s, _ in words}) >= 0.98 * len(words), path.name
        pdf = pdfium.PdfDocument(str(path))
        try:
            for box in doc.boxes[:: max(1, len(doc.boxes) // 60)]:
                word = doc.text[box.start : box.end]
                page = pdf[box.page - 1].get_textpage()
                drawn = normalize_text(page.get_text_bounded(box.x0 - 1, box.y0 - 1, box.x1 + 1, box.y1 + 1))

                def letters(t: str) -> str:
                    return re.sub(r"[\W_]", "", t.lower())

                # the word as cited is what the page draws in its box (a mended hyphen aside)
                assert letters(word) in letters(drawn), (path.name, box, word, drawn)
        finally:
            pdf.close()


# the evaluation sample --------------------------------------------------------------


def _sample(tmp: Path) -> Path:
    """Every tuning and probe question on the sample's policies (no subsample: a stride over the ids
    moved whenever questions were added)."""
    rows: list[dict[str, Any]] = []
    for split in ("tuning", "probe"):
        for line in (R.REPO / "evals" / "data" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            src = q.get("source") or []
            src = src if isinstance(src, list) else [src]
            if src and all(str(s)[:3] in SAMPLE_DOCS for s in src):
                rows.append(q)
    rows.sort(key=lambda q: q["id"])
    path = tmp / "sample.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in rows), encoding="utf-8")
    return path


def _sample_scores(kind: str, files: list[Path], gold: Path, out: Path, test_settings: Any) -> dict[str, float]:
    from assistant.service import Assistant
    from evals.runner import run_eval
    from index.store import ingest_paths
    from inkoopwijzer.settings import Settings

    data = test_settings.data_dir / "rendering-indexes" / kind
    settings = Settings(data_dir=data)
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    shared = test_settings.cache_dir / "embeddings.sqlite"
    link = settings.cache_dir / "embeddings.sqlite"
    if not link.exists():
        link.symlink_to(shared.resolve())  # one embedding cache for every rendering, kept between sessions
    report = ingest_paths([f for f in files if f.stem[:3] in SAMPLE_DOCS], settings, wait=600)
    assert not report.failed, report.failed
    result = run_eval(gold, out, None, False, "sample", assistant=Assistant(settings), settings=settings, reference_dir=None)
    overall = result.metrics["overall"]
    return {"hit@5": overall["hit@5"], "key_facts": overall["key_facts"]}


def _record(kind: str, got: dict[str, float], shipped: dict[str, float]) -> None:
    """The sample's figures per rendering, for docs/evaluation.md (test-artifacts/renderings-sample.json)."""
    path = R.REPO / "test-artifacts" / "renderings-sample.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data["shipped"] = shipped
    data[kind] = got
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


_scored: dict[str, dict[str, float]] = {}  # each rendering's sample figures, measured once per session


@pytest.fixture(scope="module")
def sample_scores(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Any:
    """A function: the sample's figures on a rendering ("shipped" or one of `R.KINDS`)."""
    tmp = tmp_path_factory.mktemp("sample")
    gold = _sample(tmp)

    def scores(kind: str) -> dict[str, float]:
        if kind not in _scored:
            files = SHIPPED if kind == "shipped" else R.files(kind)
            _scored[kind] = _sample_scores(kind, files, gold, tmp / kind, settings)
        return _scored[kind]

    return scores


@pytest.mark.parametrize("kind", R.KINDS)
def test_an_evaluation_sample_scores_as_on_its_reference(kind: str, sample_scores: Any) -> None:
    _available(kind)
    against = SAMPLE_REFERENCE.get(kind, "shipped")
    if against != "shipped":
        _available(against)
    got, reference = sample_scores(kind), sample_scores(against)
    _record(kind, got, sample_scores("shipped"))
    for metric in ("hit@5", "key_facts"):
        floor = reference[metric] - TOLERANCE
        assert got[metric] >= floor, (kind, metric, got, against, reference)
