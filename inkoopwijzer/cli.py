"""`inkoopwijzer` command line: a thin layer over the public functions of each package.

Heavy imports happen inside the commands, so `inkoopwijzer --help` is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .errors import InkoopwijzerError

if TYPE_CHECKING:
    from .types import FileReport

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Inkoopwijzer: grounded, cited answers about Dutch health insurers' procurement policies.",
)


def _settings():  # type: ignore[no-untyped-def]
    from .settings import get_settings

    return get_settings()


def _fail(exc: Exception, code: int = 1) -> None:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: the shipped corpus)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Only build when no index of the current format exists")
    ] = False,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another ingest to finish")] = 0.0,
) -> None:
    """Parse, embed and index policy documents (a new index version, switched atomically)."""
    from tqdm import tqdm

    from index.store import current_version, ensure_index, ingest_paths

    settings = _settings()
    current = current_version(settings)
    if if_missing and current is not None:
        # an index of an older format is rebuilt; one cut by an older parser is parsed again
        upgraded = ensure_index(settings)
        if upgraded is None:
            typer.echo(f"index present ({current.name}); nothing to do")
            return
        typer.echo(f"index {current.name} was built by an older version; rebuilt it")
        typer.echo(f"documents {upgraded.documents}, passages {upgraded.chunks} (index {upgraded.index_version})")
        return
    targets = list(paths or [settings.corpus_dir])
    missing = [p for p in targets if not p.exists()]
    if missing:
        typer.secho(f"error: no such file or folder: {', '.join(map(str, missing))}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if as_json or not sys.stderr.isatty() and stage != "embed":
            return
        bar = bars.get(stage)
        if bar is None:
            unit = "passage" if stage in ("embed", "index") else "file"
            bar = bars[stage] = tqdm(total=total, desc=stage, unit=unit, leave=False)
        bar.n = done
        bar.refresh()

    try:
        report = ingest_paths(targets, settings, progress=progress, wait=wait)
    except InkoopwijzerError as exc:
        _fail(exc)
        return
    finally:
        for bar in bars.values():
            bar.close()
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(
            f"documents {report.documents}, passages {report.chunks}: added {report.added}, updated {report.updated}, "
            f"removed {report.removed}, unchanged {report.unchanged}, failed {len(report.failed)} "
            f"({report.seconds:.1f} s, index {report.index_version})"
        )
        for file in report.files:
            typer.echo(_file_report(file))
        for f in report.failed:
            typer.secho(f"  failed: {f.error}", fg=typer.colors.YELLOW, err=True)
    raise typer.Exit(1 if report.failed else 0)


def _file_report(f: FileReport) -> str:
    """One file's ingest report: what was found, how much, and what to check."""
    years = "–".join(str(y) for y in (f.years[:1] + f.years[-1:] if len(f.years) > 1 else f.years)) or "?"
    insurer = (f.insurer or "?") + ("" if f.insurer_registered or not f.insurer else " (not in the registry)")
    lines = [
        f"  {f.document}: {f.title}",
        f"    insurer {insurer}; years {years}; care types {', '.join(f.care_types) or '?'}"
        + (f"; version {f.version}" if f.version else ""),
        f"    pages {f.pages if f.pages is not None else '–'}, passages {f.passages}, tables {f.tables}"
        + (f", OCR on page(s) {', '.join(map(str, f.ocr_pages))}" if f.ocr_pages else ""),
    ]
    lines += [f"    warning: {w}" for w in f.warnings]
    return "\n".join(lines)


@app.command()
def correct(
    document: Annotated[str, typer.Argument(help="Document file name, as `inkoopwijzer documents` lists it")],
    title: Annotated[str | None, typer.Option(help="The document's title")] = None,
    insurer: Annotated[str | None, typer.Option(help="The insurer, e.g. VGZ")] = None,
    years: Annotated[str | None, typer.Option(help="Years covered, e.g. 2027,2028")] = None,
    care_types: Annotated[str | None, typer.Option("--care-types", help="Care type codes, e.g. MSZ,AMB")] = None,
) -> None:
    """Correct a document's metadata and re-index (only passages whose embedded text changes are embedded again)."""
    from index.store import correct_metadata

    fields: dict[str, object] = {}
    if title is not None:
        fields["title"] = title
    if insurer is not None:
        fields["insurer"] = insurer or None
    try:
        if years is not None:
            fields["years"] = [int(y) for y in years.replace(" ", "").split(",") if y]
    except ValueError:
        _fail(ValueError(f"--years {years!r}: give years as 2027 or 2027,2028."), 2)
    if care_types is not None:
        fields["care_types"] = [c.strip() for c in care_types.split(",") if c.strip()]
    if not fields:
        _fail(ValueError("nothing to correct: give --title, --insurer, --years or --care-types."), 2)
    try:
        report = correct_metadata(document, fields, _settings())
    except (InkoopwijzerError, ValueError) as exc:
        _fail(exc)
        return
    typer.echo(f"{document}: corrected {', '.join(fields)}; index {report.index_version}")


@app.command()
def embeddings(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Ingest the corpus in a scratch folder and write every embedding it asks for")
    ] = False,
) -> None:
    """The embeddings shipped with the corpus (a fresh clone answers without embedding it first)."""
    from index.embeddings import get_embedder
    from index.shipped import ShippedEmbeddings, rebuild_shipped, shipped_path

    settings = _settings()
    if rebuild:
        try:
            path, entries, size = rebuild_shipped(settings)
        except InkoopwijzerError as exc:
            _fail(exc)
            return
        typer.echo(f"wrote {entries} embeddings to {path} ({size / 1024 / 1024:.2f} MB)")
        return
    path = shipped_path(settings.corpus_dir, get_embedder(settings).name)
    if not path.is_file():
        typer.echo(f"no shipped embeddings at {path}; make them with `inkoopwijzer embeddings --rebuild`")
        raise typer.Exit(1)
    typer.echo(f"{path}: {len(ShippedEmbeddings(path))} embeddings, {path.stat().st_size / 1024 / 1024:.2f} MB")


@app.command()
def remove(names: Annotated[list[str], typer.Argument(help="Document file names to remove")]) -> None:
    """Remove documents from the index (dense and keyword)."""
    from index.store import remove_documents

    try:
        report = remove_documents(names, _settings())
    except InkoopwijzerError as exc:
        _fail(exc)
        return
    typer.echo(f"removed {report.removed}; {report.documents} documents remain")
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List indexed documents with their metadata and passage counts."""
    from assistant.service import Assistant

    infos = Assistant(_settings()).documents()
    if as_json:
        rows = [{**i.meta.model_dump(), "chunks": i.chunks, "outdated": i.outdated, "notice": i.notice} for i in infos]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not infos:
        typer.echo("no index yet: run `inkoopwijzer ingest`")
        return
    for i in infos:
        m = i.meta
        years = "-".join(str(y) for y in (m.years[:1] + m.years[-1:])) if m.years else "?"
        flag = " (verouderd)" if i.outdated else ""
        typer.echo(f"{m.document}  {m.insurer or '?'}  {'/'.join(m.care_types) or '?'}  {years}  "
                   f"v{m.version or '?'}  {i.chunks} passages  {m.title}{flag}")


@app.command()
def search(
    query: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    k: Annotated[int, typer.Option("-k", help="Number of passages")] = 10,
    insurer: Annotated[list[str] | None, typer.Option(help="Restrict to an insurer")] = None,
    include_outdated: Annotated[bool, typer.Option("--include-outdated")] = False,
) -> None:
    """Print the ranked passages for a query, with scores (for debugging retrieval)."""
    from index.search import get_searcher
    from inkoopwijzer.language import detect_language
    from inkoopwijzer.types import Filters

    try:
        searcher = get_searcher(_settings())
        hits = searcher.search(
            query, Filters(insurers=insurer or [], include_outdated=include_outdated), k, detect_language(query)
        )
    except InkoopwijzerError as exc:
        _fail(exc)
        return
    rows = [
        {"rank": r + 1, "score": round(h.score, 5), "dense_rank": h.dense_rank, "keyword_rank": h.keyword_rank,
         "document": h.meta.document, "insurer": h.meta.insurer, "section": h.chunk.section, "page": h.chunk.page,
         "text": h.chunk.text}
        for r, h in enumerate(hits)
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['rank']:>2}. {row['score']:.4f} (dense {row['dense_rank']}, bm25 {row['keyword_rank']}) "
                   f"{row['insurer']} p.{row['page']} · {row['section']}")
        typer.echo("    " + " ".join(str(row["text"]).split())[:240])


def _print_answer(answer, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        typer.echo(answer.model_dump_json(indent=2, exclude_none=False))
        return
    typer.echo(answer.answer)
    for n in answer.notices:
        typer.secho(f"! {n}", fg=typer.colors.YELLOW)
    for c in answer.citations:
        typer.echo(f"[{c.n}] {c.insurer} · {c.title} · {c.section} · p. {c.page}" + (" · OCR" if c.ocr else ""))
    if answer.related:
        typer.echo("Mogelijk relevant:")
        for c in answer.related:
            typer.echo(f"  - {c.insurer} · {c.title} · p. {c.page}: {' '.join(c.quote.split())[:160]}")
    if answer.refusal:
        typer.secho(f"why not found: {answer.refusal}", bold=True)
    for e in answer.explained or []:
        typer.secho(f"why [{e.citation}]: score {e.score:.3f} ({e.model}) — {' '.join(e.unit.split())[:100]}", bold=True)
        for f in e.contributions:
            typer.echo(f"    {f.contribution:+.3f}  {f.feature} = {f.value:g}")


@app.command()
def ask(
    question: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    insurer: Annotated[list[str] | None, typer.Option(help="Restrict to an insurer")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Include the retrieved passages and why each quote was chosen (or why nothing answered)")] = False,
    mode: Annotated[str | None, typer.Option(help="extractive or llm")] = None,
) -> None:
    """Ask one question; prints the answer with its citations."""
    from assistant.service import Assistant
    from inkoopwijzer.types import Filters

    try:
        answer = Assistant(_settings()).ask(question, filters=Filters(insurers=insurer or []), debug=debug, mode=mode)
    except InkoopwijzerError as exc:
        _fail(exc)
        return
    _print_answer(answer, as_json)


@app.command()
def chat() -> None:
    """A multi-turn conversation in the terminal (empty line or Ctrl-D to stop)."""
    from assistant.service import Assistant
    from inkoopwijzer.types import Turn

    assistant = Assistant(_settings())
    history: list[Turn] = []
    typer.echo("Stel uw vraag (lege regel om te stoppen).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            answer = assistant.ask(question, history)
        except InkoopwijzerError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED)
            continue
        _print_answer(answer, False)
        history += [Turn(role="user", content=question), Turn(role="assistant", content=answer.answer)]


@app.command()
def deadlines(
    insurer: Annotated[list[str] | None, typer.Option(help="Only this insurer (repeatable)")] = None,
    care_type: Annotated[list[str] | None, typer.Option("--care-type", help="Only this care type, e.g. MSZ (repeatable)")] = None,
    year: Annotated[int | None, typer.Option(help="Only events in this calendar year")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Only events not over before this day (YYYY-MM-DD)")] = None,
    include_outdated: Annotated[bool, typer.Option("--include-outdated", help="Also outdated or superseded policies")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the events as JSON")] = False,
    ics: Annotated[bool, typer.Option("--ics", help="Print an iCalendar feed (days only; no months or quarters)")] = False,
) -> None:
    """The dated events of the indexed policies: deadlines, publications, start dates and windows, by date."""
    from datetime import date

    from assistant.planning import FactQuery, time_left, when_label
    from assistant.service import Assistant

    if as_json and ics:
        typer.secho("error: choose one of --json and --ics", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    try:
        start = date.fromisoformat(from_) if from_ else None
    except ValueError:
        typer.secho(f"error: --from {from_!r} is not a date; write it as YYYY-MM-DD", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    query = FactQuery(insurers=insurer or [], care_types=care_type or [], year=year, from_date=start,
                      include_outdated=include_outdated)
    assistant = Assistant(_settings())
    try:
        if ics:
            sys.stdout.buffer.write(assistant.calendar(query))
            return
        events = assistant.events(query)
    except InkoopwijzerError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False, indent=2))
        return
    if not events:
        typer.echo("no dated events match")
        return
    today = assistant.today()
    for e in events:
        page = e.sources[0].page if e.sources else None
        flag = " (jaar afgeleid)" if e.year_inferred else ""
        typer.echo(f"{when_label(e)}{flag}  [{time_left(e, today)}]  {e.insurer or '?'} {'/'.join(e.care_types)}  "
                   f"{e.kind}  {e.who}: {e.what}  (p. {page or '?'})")


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The older version: an indexed document's name, or a file")],
    new: Annotated[str, typer.Argument(help="The newer version: an indexed document's name, or a file")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON")] = False,
) -> None:
    """Sentences added, removed and changed between two versions of a policy, with changed dates and amounts."""
    from index.diff import diff_texts, policy_diff
    from index.store import current_version
    from ingest.pipeline import parse_file
    from inkoopwijzer.types import PolicyDiff

    try:
        if Path(old).is_file() and Path(new).is_file():
            a, b = parse_file(Path(old)), parse_file(Path(new))
            changes, same = diff_texts(a.text, b.text, a.pages, b.pages)
            result = PolicyDiff(old=old, new=new, old_title=a.meta.title, new_title=b.meta.title, unchanged=same, changes=changes)
        else:
            version = current_version(_settings())
            names = {d.document for d in version.documents} if version else set()
            unknown = [n for n in (old, new) if n not in names]
            if unknown:
                typer.secho(f"error: {', '.join(unknown)}: neither a file nor an indexed document "
                            "(see `inkoopwijzer documents`)", fg=typer.colors.RED, err=True)
                raise typer.Exit(2)
            assert version is not None
            result = policy_diff(version, old, new)
    except InkoopwijzerError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(f"{result.old} → {result.new}: {len(result.changes)} changes, {result.unchanged} sentences the same")
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for c in result.changes:
        page = c.new_page or c.old_page
        values = ""
        if c.old_values or c.new_values:
            values = f"  [{', '.join(c.old_values) or '—'} → {', '.join(c.new_values) or '—'}]"
        typer.secho(f"{marks[c.kind]} {c.kind}{f' (p. {page})' if page else ''}{values}", bold=True)
        if c.old is not None:
            typer.secho("    - " + " ".join(c.old.split()), fg=typer.colors.RED)
        if c.new is not None:
            typer.secho("    + " + " ".join(c.new.split()), fg=typer.colors.GREEN)


@app.command(name="eval")
def eval_(
    gold: Annotated[Path | None, typer.Option(help="Gold JSONL file (default: the project's gold set)")] = None,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("eval-out"),
    mode: Annotated[str | None, typer.Option(help="extractive or llm")] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Also run the naive LangChain baseline")] = False,
    gate: Annotated[bool, typer.Option("--gate", help="Fail below the thresholds in evals/thresholds.json")] = False,
    split: Annotated[str | None, typer.Option(help="Only this split of the project's gold set (tuning, former_heldout, probe, fresh, fresh2, heldout, comparison)")] = None,
    save_reference: Annotated[
        bool, typer.Option("--save-reference", help="Store this run as the reference the next report compares with")
    ] = False,
) -> None:
    """Run the evaluation and write metrics.json, results.jsonl and report.md."""
    from evals.runner import cli_eval

    if gold is not None and not gold.is_file():
        typer.secho(f"error: no such gold file: {gold}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    raise typer.Exit(cli_eval(gold, out, mode, baseline, gate, split=split, save_as_reference=save_reference))


@app.command()
def tune(
    out: Annotated[Path | None, typer.Option(help="Model file to write (default: assistant/data/unit_model.json)")] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Also answer the training questions with models fitted on the other folds (about 5 minutes)"),
    ] = False,
) -> None:
    """Fit the answerer's unit model on the training gold splits (never the gate's) and write it."""
    from assistant.engine import Engine
    from assistant.extractive import HAND_SET
    from assistant.unit_model import UnitModel
    from evals.tune import MODEL_PATH, answers_cross_validated
    from evals.tune import tune as fit
    from index.search import get_searcher

    settings = _settings()

    def engine_with(model: UnitModel) -> Engine:
        return Engine(get_searcher(settings), settings, unit_model=model)

    try:
        # candidates are gathered with the hand-set weights, so a re-fit does not depend on the model it replaces
        model = fit(engine_with(HAND_SET), out or MODEL_PATH, log=typer.echo)
        if check:
            answers_cross_validated(engine_with, model, log=typer.echo)
    except (InkoopwijzerError, ValueError) as exc:
        _fail(exc)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860)")] = None,
) -> None:
    """Start the web chat, the support-desk view and the JSON API."""
    from ui.server import serve as run_server

    settings = _settings()
    run_server(host or settings.host, port or settings.port)


def main() -> None:
    app()
