"""A newer version of a policy ingested beside the older one: the older is superseded, the diff lists
the planted changes, and an answer quoting a changed sentence of the older says so with both wordings.
And comparison questions over the shipped corpus: a table whose every valued cell is cited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inkoopwijzer.types import Filters

pytestmark = pytest.mark.integration


def test_superseded_version_diff_and_notice(fresh_settings: Any, tmp_path: Path) -> None:
    from policy_versions import modified_copy

    from assistant.service import Assistant
    from index.store import current_version, ingest_paths

    old, new = modified_copy(tmp_path)
    report = ingest_paths([old, new], fresh_settings)
    assert report.added == 2 and not report.failed
    version = current_version(fresh_settings)
    assert version is not None
    metas = {m.document: m for m in version.documents}
    assert metas[old.name].superseded_by == new.name and metas[new.name].superseded_by is None

    assistant = Assistant(fresh_settings)
    diff = assistant.diff(old.name, new.name)
    assert sorted(c.kind for c in diff.changes) == ["added", "changed", "changed", "changed", "changed", "removed"]

    answer = assistant.ask(
        "Wanneer biedt de zorgaanbieder de eerste offerte aan voor maatwerk zorgovereenkomsten?",
        filters=Filters(documents=[old.name], include_outdated=True),
    )
    assert answer.status == "answered" and answer.citations[0].document == old.name
    notice = next(n for n in answer.notices if "gewijzigd in de nieuwere versie" in n)
    assert "1 oktober 2026 → 15 oktober 2026" in notice
    assert "Was: “1 oktober 2026" in notice and "Nu: “15 oktober 2026" in notice
    # the current version's own answer carries no such notice
    current = assistant.ask("Wanneer biedt de zorgaanbieder de eerste offerte aan voor maatwerk zorgovereenkomsten?")
    assert current.citations and all(c.document == new.name for c in current.citations)
    assert not any("nieuwere versie" in n for n in current.notices)


def test_answers_read_the_diff_that_ingest_stored(fresh_settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The diff of a superseded policy against its successor costs time quadratic in their length: it is
    computed once, when ingest writes the index version, and an answer (or the desk's default pair) only
    reads it. A later ingest that changes neither text takes it over instead of computing it again."""
    from policy_versions import modified_copy

    import index.diff
    from assistant.service import Assistant
    from index.store import current_version, ingest_paths

    old, new = modified_copy(tmp_path)
    ingest_paths([old, new], fresh_settings)
    version = current_version(fresh_settings)
    assert version is not None

    def computed(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a version diff was computed after ingest")

    monkeypatch.setattr(index.diff, "diff_texts", computed)
    assistant = Assistant(fresh_settings)
    answer = assistant.ask(
        "Wanneer biedt de zorgaanbieder de eerste offerte aan voor maatwerk zorgovereenkomsten?",
        filters=Filters(documents=[old.name], include_outdated=True),
    )
    assert any("1 oktober 2026 → 15 oktober 2026" in n for n in answer.notices), answer.notices
    assert len(assistant.diff(old.name, new.name).changes) == 6
    stored = version.path / "diffs" / f"{old.stem}.json"
    assert stored.is_file()

    other = tmp_path / "other" / "testverzekeraar_ggz_2027.md"
    other.parent.mkdir()
    other.write_text("# Inkoopbeleid GGZ 2027\n\nMenzis ontvangt uw offerte uiterlijk 3 oktober 2026 via het portaal.\n",
                     encoding="utf-8")
    ingest_paths([other], fresh_settings)  # would fail if it computed the diff again
    newer = current_version(fresh_settings)
    assert newer is not None and newer.name != version.name
    assert (newer.path / "diffs" / stored.name).read_bytes() == stored.read_bytes()


@pytest.mark.parametrize("question", [
    "bij wie moet de offerte het eerst binnen zijn?",
    "Welke verzekeraar vraagt de hoogste minimale omzet?",
    "which insurers require HKZ?",
])
def test_comparison_tables_cite_every_insurer(settings: Any, question: str) -> None:
    from assistant.service import Assistant

    answer = Assistant(settings).ask(question)
    assert answer.status == "answered" and answer.table is not None
    rows = answer.table.rows
    assert len({r.insurer for r in rows}) >= 2
    cited = [r for r in rows if r.cells[0].citation is not None]
    assert len({r.insurer for r in cited}) >= 2
    numbers = {c.n for c in answer.citations}
    for r in cited:
        n = r.cells[0].citation
        assert n in numbers and answer.citations[n - 1].insurer == r.insurer
        line = next(x for x in answer.answer.splitlines() if f"[{n}]" in x)  # one line per row, same value:
        value = r.cells[0].value
        # in bold before the quote; a cell that is only a sentence of its quote (it ends as a sentence or
        # is cut short with " …") is quoted, not said twice
        if value.endswith((".", ";", ":", "!", "?", " …")):
            assert value.removesuffix(" …") in line and f"**{value}**" not in line
        else:
            assert f"**{value}** — “" in line
    assert answer.answer.splitlines()[0] == answer.table.lead


def test_a_comparison_of_one_insurers_policies_has_a_row_per_policy(settings: Any) -> None:
    # two kinds of care of one insurer, in two policies (one of them outdated): a row per policy, each
    # cited from its own policy, never one insurer's rules blended into one row
    from assistant.service import Assistant

    question = "Verschilt bij Zilveren Kruis tussen GRZ en zintuiglijk gehandicaptenzorg tot wanneer we een vol omzetplafond melden?"
    answer = Assistant(settings).ask(question)
    assert answer.status == "answered" and answer.table is not None
    rows = answer.table.rows
    assert len(rows) == 2 and {r.insurer for r in rows} == {"Zilveren Kruis"}
    assert len({r.document for r in rows}) == 2
    for r in rows:
        n = r.cells[0].citation
        assert n is not None and answer.citations[n - 1].document == r.document
    assert answer.table.lead.endswith("per beleid") or answer.table.lead.startswith("Nee")
    assert any("verouderd" in n for n in answer.notices)
