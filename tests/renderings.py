"""The shipped policies in renderings the parser was not written against, made from the plain texts
in `../shared/corpus/txt/` by a small converter of our own that knows nothing of the parser.

The converter: markdown links become their text; a line cut mid-sentence joins the next; a tab row
is a table row (a run of them a table, its first row the header); a line starting with '-', '•' or
'o ' is a list item; a short line without closing punctuation is a heading; the rest paragraphs.
Words get soft hyphens from pyphen's Dutch patterns, so that the renderers really hyphenate.

Renderings (`KINDS`):
- `chromium-pdf`: HTML printed to PDF by headless Chromium (serif font, justified, ligatures on,
  no running header, the HTML title a file name);
- `libreoffice-pdf`: a DOCX (python-docx, with a running header) converted by LibreOffice;
- `two-column-pdf`: a two-column brochure (reportlab, Times, running header and page footer);
- `docx` and `html`: the files themselves.

`build(kind)` makes them once into `var/test-data/renderings/<kind>-<hash>/` (the hash covers the
texts and this file), so later test sessions reuse them. Used by tests/integration/test_renderings.py
and bench/bench_renderings.py.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_TXT = REPO.parent / "shared" / "corpus" / "txt"
CORPUS_TXT = SHARED_TXT if SHARED_TXT.is_dir() else REPO / "evals" / "data" / "corpus_txt"
SHIPPED = REPO / "data" / "policies"
CACHE = Path(os.environ.get("INKOOPWIJZER_TEST_DATA_DIR", REPO / "var" / "test-data")) / "renderings"
KINDS = ("chromium-pdf", "libreoffice-pdf", "two-column-pdf", "docx", "html")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


class RenderingUnavailable(RuntimeError):
    """The tool a rendering needs is not installed (`make install` installs them)."""


# the converter --------------------------------------------------------------------


@dataclass
class Item:
    kind: str  # heading | para | item | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|\*|__)(?=\S)(.+?)(?<=\S)\1")


def _plain(line: str) -> str:
    """Markdown links as their text, emphasis markers and HTML tags (some table cells carry them) dropped."""
    return re.sub(r"<[^>]+>", " ", _EMPHASIS.sub(r"\2", _LINK.sub(r"\1", line))).replace("  ", " ")
_CLOSED = re.compile(r"[.:;,!?)]$")


def items(text: str) -> list[Item]:
    """The plain text as headings, paragraphs, list items and tables."""
    lines = [_plain(ln).rstrip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln.strip()]
    out: list[Item] = []
    for i, ln in enumerate(lines):
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if "\t" in ln:
            row = [c.strip() for c in ln.strip("\n").split("\t")]
            if out and out[-1].kind == "table":
                out[-1].rows.append(row)
            else:
                out.append(Item("table", rows=[row]))
            continue
        s = ln.strip()
        prev = out[-1] if out else None
        if prev is not None and prev.kind in ("para", "item") and not _CLOSED.search(prev.text) and s[:1].islower():
            prev.text = f"{prev.text} {s}"  # a line cut mid-sentence
            continue
        m = re.match(r"^(?:[-•]|o(?= ))\s+(.*)$", s)
        if m:
            out.append(Item("item", m.group(1)))
        elif len(s) <= 90 and not _CLOSED.search(s) and (s[:1].isupper() or s[:1].isdigit()) and not nxt[:1].islower():
            out.append(Item("heading", s))
        else:
            out.append(Item("para", s))
    return out


def soft_hyphens(text: str) -> str:
    """Soft hyphens at the breaks pyphen's Dutch patterns allow, in words of 7+ letters."""
    import pyphen

    dic = pyphen.Pyphen(lang="nl_NL")
    return re.sub(r"\b[a-zà-ÿ]{7,}\b", lambda m: dic.inserted(m.group(0), hyphen="\u00ad"), text)


# renderers ------------------------------------------------------------------------


def to_html(its: list[Item], title: str) -> str:
    css = (
        "body{font-family:'DejaVu Serif',serif;font-size:10.5pt;line-height:1.35;text-align:justify;"
        "hyphens:manual;font-variant-ligatures:common-ligatures;margin:0}"
        "h1{font-size:18pt}h2{font-size:13pt;margin:14pt 0 4pt}table{border-collapse:collapse;width:100%;"
        "margin:6pt 0}td,th{border:1px solid #999;padding:3pt;vertical-align:top;text-align:left;font-size:9.5pt}"
        "@page{size:A4;margin:20mm}"
    )
    parts = [f"<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
             f"<style>{css}</style></head><body>"]
    first = True
    in_list = False
    for it in its:
        if it.kind != "item" and in_list:
            parts.append("</ul>")
            in_list = False
        if it.kind == "heading":
            tag = "h1" if first else "h2"
            first = False
            parts.append(f"<{tag}>{html.escape(it.text)}</{tag}>")
        elif it.kind == "para":
            parts.append(f"<p>{html.escape(soft_hyphens(it.text))}</p>")
        elif it.kind == "item":
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{html.escape(soft_hyphens(it.text))}</li>")
        else:
            head, *body = it.rows
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr>")
            for row in body:
                parts.append("<tr>" + "".join(f"<td>{html.escape(soft_hyphens(c))}</td>" for c in row) + "</tr>")
            parts.append("</table>")
    if in_list:
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def to_docx(its: list[Item], path: Path) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Zorginkoopbeleid"
    first = True
    for it in its:
        if it.kind == "heading":
            document.add_heading(it.text, level=1 if first else 2)
            first = False
        elif it.kind == "para":
            document.add_paragraph(soft_hyphens(it.text))
        elif it.kind == "item":
            document.add_paragraph(soft_hyphens(it.text), style="List Bullet")
        else:
            cols = max(len(r) for r in it.rows)
            table = document.add_table(rows=0, cols=cols)
            table.style = "Table Grid"
            for row in it.rows:
                cells = table.add_row().cells
                for i, c in enumerate(row):
                    cells[i].text = soft_hyphens(c)
    document.save(str(path))


def _esc(text: str) -> str:
    # quotes stay as they are: reportlab drops the space before an escaped quote ('&#x27;')
    return html.escape(text, quote=False)


def to_two_column_pdf(its: list[Item], path: Path, header: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

    width, height = A4
    margin, gutter = 45.0, 18.0
    col = (width - 2 * margin - gutter) / 2
    frames = [Frame(margin + i * (col + gutter), margin, col, height - 2 * margin - 10, id=f"c{i}") for i in range(2)]

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(margin, height - margin + 12, header)
        canvas.drawRightString(width - margin, margin - 20, f"{doc.page}")

    template = BaseDocTemplate(str(path), pagesize=A4, title=path.name, author="")
    template.addPageTemplates([PageTemplate(id="two", frames=frames, onPage=decorate)])
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=10, leading=12.5, alignment=4,
                          spaceAfter=5, hyphenationLang="nl_NL", embeddedHyphenation=1, uriWasteReduce=0.3)
    item = ParagraphStyle("item", parent=body, leftIndent=10, bulletIndent=0, spaceAfter=2)
    h1 = ParagraphStyle("h1", fontName="Times-Bold", fontSize=16, leading=19, spaceAfter=8)
    h2 = ParagraphStyle("h2", fontName="Times-Bold", fontSize=12, leading=14.5, spaceBefore=6, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName="Times-Roman", fontSize=8.5, leading=10)
    head = ParagraphStyle("head", fontName="Times-Bold", fontSize=8.5, leading=10)
    story = []
    first = True
    for it in its:
        if it.kind == "heading":
            story.append(Paragraph(_esc(it.text), h1 if first else h2))
            first = False
        elif it.kind == "para":
            story.append(Paragraph(_esc(soft_hyphens(it.text)), body))
        elif it.kind == "item":
            story.append(Paragraph(_esc(soft_hyphens(it.text)), item, bulletText="•"))
        else:
            n = max(len(r) for r in it.rows)
            data = [[Paragraph(_esc(c), head if i == 0 else cell) for c in r + [""] * (n - len(r))] for i, r in enumerate(it.rows)]
            t = Table(data, colWidths=[col / n] * n, repeatRows=1, splitInRow=1)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(t)
    template.build(story)


def _chromium_pdf(html_files: list[Path], out: Path) -> None:
    if CHROMIUM is None:
        raise RenderingUnavailable("chromium is not installed (make install installs it)")
    for f in html_files:
        target = out / f"{f.stem}.pdf"
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
                 "--no-pdf-header-footer", f"--print-to-pdf={target}", f.as_uri()],
                check=True, capture_output=True, timeout=180,
            )


def _libreoffice_pdf(docx_files: list[Path], out: Path) -> None:
    if SOFFICE is None:
        raise RenderingUnavailable("LibreOffice is not installed (make install installs libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out), *map(str, docx_files)],
            check=True, capture_output=True, timeout=600,
        )


# the cache --------------------------------------------------------------------------


def sources() -> list[Path]:
    return sorted(CORPUS_TXT.glob("*.txt"))


def source_text(stem: str) -> str:
    """The plain text a rendering was made from, as the converter reads it (links as their text)."""
    text = (CORPUS_TXT / f"{stem}.txt").read_text(encoding="utf-8")
    return "\n".join(_plain(ln) for ln in text.splitlines())


# the converter's own source, read once: a cache folder always matches the code that made it
_CONVERTER = Path(__file__).read_bytes()


def _key(kind: str) -> str:
    h = hashlib.sha256(_CONVERTER)
    for p in sources():
        h.update(p.read_bytes())
    return f"{kind}-{h.hexdigest()[:12]}"


def build(kind: str) -> Path:
    """The folder holding the five policies in this rendering (built on first use)."""
    if kind not in KINDS:
        raise ValueError(f"unknown rendering {kind!r}; one of {', '.join(KINDS)}")
    folder = CACHE / _key(kind)
    if (folder / ".complete").exists():
        return folder
    tmp = CACHE / f".building-{_key(kind)}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    work = tmp / "work"
    work.mkdir(parents=True)
    parsed = {p.stem: items(p.read_text(encoding="utf-8")) for p in sources()}
    if kind in ("html", "chromium-pdf"):
        pages = []
        for stem, its in parsed.items():
            target = (tmp if kind == "html" else work) / f"{stem}.html"
            target.write_text(to_html(its, title=f"{stem}.html"), encoding="utf-8")
            pages.append(target)
        if kind == "chromium-pdf":
            _chromium_pdf(pages, tmp)
    elif kind in ("docx", "libreoffice-pdf"):
        files = []
        for stem, its in parsed.items():
            target = (tmp if kind == "docx" else work) / f"{stem}.docx"
            to_docx(its, target)
            files.append(target)
        if kind == "libreoffice-pdf":
            _libreoffice_pdf(files, tmp)
    else:
        for stem, its in parsed.items():
            to_two_column_pdf(its, tmp / f"{stem}.pdf", header="Zorginkoopbeleid — uitgave voor zorgaanbieders")
    shutil.rmtree(work, ignore_errors=True)
    made = sorted(p for p in tmp.iterdir() if p.is_file())
    if len(made) != len(parsed):
        raise RuntimeError(f"{kind}: made {len(made)} files for {len(parsed)} texts in {tmp}")
    (tmp / ".complete").write_text("ok", encoding="utf-8")
    if (folder / ".complete").exists():  # another session built it meanwhile
        shutil.rmtree(tmp, ignore_errors=True)
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    for stale in CACHE.glob(f"{kind}-*"):  # made by an earlier converter
        if stale != folder and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return folder


def files(kind: str) -> list[Path]:
    return sorted(p for p in build(kind).iterdir() if p.is_file() and not p.name.startswith("."))
