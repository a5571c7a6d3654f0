"""The runner end to end over a fake assistant: files written, reference comparison, CLI exit codes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.service import DocumentInfo
from evals.runner import GATE_SPLITS, cli_eval, run_eval, save_reference
from inkoopwijzer.settings import Settings
from inkoopwijzer.types import Answer, Citation, DocumentMeta, Filters, RetrievedPassage, Turn

SALLAND = (
    "Zorginkoopbeleid Salland.\n\nDe offerte moet uiterlijk 1 april 2026 binnen zijn.\n\nDe omzetdrempel is € 100.000."
)
ZZ = "Zorginkoopbeleid Zorg en Zekerheid.\n\nOffertes ontvangen wij uiterlijk 15 mei 2026.\n\nDe drempel is € 250.000."
TEXTS = {"004_salland.pdf": SALLAND, "001_zz.pdf": ZZ}

GOLD = [
    {
        "id": "t-1",
        "question": "deadline offerte salland?",
        "type": "deadline",
        "answer": "1 april 2026.",
        "must_contain": [["1 april 2026"]],
        "source": "004_salland.txt",
        "evidence": ["De offerte moet uiterlijk 1 april 2026 binnen zijn."],
        "insurer": "Salland",
    },
    {
        "id": "t-2",
        "question": "Wat is de omzetdrempel?",
        "type": "ambiguous",
        "must_contain": ["€ 100.000", "€ 250.000"],
        "source": ["004_salland.txt", "001_zz.txt"],
        "evidence": ["De omzetdrempel is € 100.000.", "De drempel is € 250.000."],
    },
    {"id": "t-3", "question": "Does Salland pay travel costs?", "type": "unanswerable", "source": None, "evidence": []},
    {
        "id": "t-4",
        "question": "en bij Zorg en Zekerheid?",
        "type": "followup",
        "must_contain": ["15 mei 2026"],
        "source": "001_zz",
        "evidence": ["Offertes ontvangen wij uiterlijk 15 mei 2026."],
        "history": [
            {"role": "user", "content": "deadline offerte salland?"},
            {"role": "assistant", "content": "1 april 2026."},
        ],
    },
]


def meta(name: str, insurer: str) -> DocumentMeta:
    return DocumentMeta(document=name, doc_id=name[:-4], title=f"Beleid {insurer}", insurer=insurer, content_hash="h")


def cited(document: str, quote: str, n: int = 1) -> Citation:
    start = TEXTS[document].index(quote)
    return Citation(
        n=n, document=document, title="t", quote=quote, start=start, end=start + len(quote), chunk_id=f"{document}#{n}"
    )


def retrieved(*documents: str) -> list[RetrievedPassage]:
    return [
        RetrievedPassage(chunk_id=d, document=d, text=TEXTS[d], score=1.0 / (i + 1)) for i, d in enumerate(documents)
    ]


class FakeAssistant:
    """Implements the part of `Assistant` the evaluation uses, with canned answers."""

    def __init__(self, break_followup: bool = False) -> None:
        self.calls: list[tuple[str, list[Turn], bool, str | None]] = []
        self.break_followup = break_followup

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        debug: bool = False,
        mode: str | None = None,
    ) -> Answer:
        self.calls.append((question, list(history), debug, mode))
        if question == "deadline offerte salland?":
            return Answer(
                question=question,
                status="answered",
                answer="Uiterlijk 1 april 2026 [1].",
                citations=[cited("004_salland.pdf", "De offerte moet uiterlijk 1 april 2026 binnen zijn.")],
                retrieved=retrieved("004_salland.pdf", "001_zz.pdf"),
            )
        if question == "Wat is de omzetdrempel?":
            return Answer(
                question=question,
                status="answered",
                answer="Salland € 100.000 [1]; Zorg en Zekerheid €250.000 [2].",
                citations=[
                    cited("004_salland.pdf", "De omzetdrempel is € 100.000."),
                    cited("001_zz.pdf", "De drempel is € 250.000.", 2),
                ],
                retrieved=retrieved("001_zz.pdf", "004_salland.pdf"),
            )
        if question.startswith("en bij") and history and not self.break_followup:
            return Answer(
                question=question,
                status="answered",
                answer="15 mei 2026 [1]",
                citations=[cited("001_zz.pdf", "Offertes ontvangen wij uiterlijk 15 mei 2026.")],
                retrieved=retrieved("001_zz.pdf"),
            )
        return Answer(
            question=question,
            status="not_found",
            answer="Dat staat niet in de documenten.",
            retrieved=retrieved("004_salland.pdf"),
        )

    def documents(self) -> list[DocumentInfo]:
        return [
            DocumentInfo(meta=meta("004_salland.pdf", "Salland"), chunks=3, outdated=False, notice=None),
            DocumentInfo(meta=meta("001_zz.pdf", "Zorg en Zekerheid"), chunks=3, outdated=False, notice=None),
        ]

    def document_text(self, document: str) -> str:
        return TEXTS[document]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "mygold.jsonl"
    path.write_text("\n".join(json.dumps(g) for g in GOLD) + "\n", encoding="utf-8")
    return path


def test_run_writes_metrics_results_and_report(tmp_path: Path, gold_file: Path) -> None:
    fake = FakeAssistant()
    out = tmp_path / "out"
    result = run_eval(
        gold_file,
        out,
        "extractive",
        False,
        assistant=fake,
        settings=Settings(data_dir=tmp_path),
        reference_dir=tmp_path / "ref",
    )

    assert {p.name for p in out.iterdir()} == {"metrics.json", "results.jsonl", "report.md"}
    assert all(debug and mode == "extractive" for _, _, debug, mode in fake.calls)
    assert [t.role for t in fake.calls[3][1]] == ["user", "assistant"]  # history passed on

    metrics = json.loads((out / "metrics.json").read_text())
    overall = metrics["overall"]
    assert overall["n"] == 4 and overall["pass_rate"] == 1.0
    assert overall["hit@1"] == 1.0 and overall["key_facts"] == 1.0 and overall["cite_correct"] == 1.0
    assert (
        overall["refusal_accuracy"] == 1.0
        and overall["insurer_coverage"] == 1.0
        and overall["followup_key_facts"] == 1.0
    )
    assert list(metrics["by_split"]) == ["mygold"]
    assert set(metrics["by_document"]) == {"004_salland", "001_zz", "(none)"}
    assert metrics["by_language"]["en"]["n"] == 1
    assert metrics["baseline"] is None and metrics["gold_warnings"] == []
    assert result.metrics == metrics

    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["t-1", "t-2", "t-3", "t-4"]
    first = records[0]
    assert {"id", "question", "type", "language", "answer", "retrieved", "checks", "latency_ms"} <= set(first)
    assert first["answer"]["citations"][0]["document"] == "004_salland.pdf" and "retrieved" not in first["answer"]
    assert [p["document"] for p in first["retrieved"]] == ["004_salland.pdf", "001_zz.pdf"]
    assert first["checks"]["hit@1"] is True and first["checks"]["rr"] == 1.0

    report = (out / "report.md").read_text()
    assert "## Summary" in report and "reference: none yet" in report and "Failing questions (0 of 4)" in report


def test_changes_against_the_reference_run_are_listed(tmp_path: Path, gold_file: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    ref = tmp_path / "reference"
    run_eval(
        gold_file, tmp_path / "first", None, False, assistant=FakeAssistant(), settings=settings, reference_dir=ref
    )
    save_reference(tmp_path / "first", ref)
    assert sorted(p.name for p in ref.iterdir()) == ["metrics.json", "results.jsonl"]
    saved = [json.loads(line) for line in (ref / "results.jsonl").read_text().splitlines()]
    assert saved[0]["retrieved"][0]["document"] == "004_salland.pdf" and "text" not in saved[0]["retrieved"][0]
    assert saved[0]["answer"]["answer"] and saved[0]["checks"]["passed"] is True

    result = run_eval(
        gold_file,
        tmp_path / "second",
        None,
        False,
        assistant=FakeAssistant(break_followup=True),
        settings=settings,
        reference_dir=ref,
    )
    report = (tmp_path / "second" / "report.md").read_text()
    assert "1 pass → fail, 0 fail → pass" in report
    assert "| t-4 | mygold | followup |" in report
    assert result.overall["followup_key_facts"] == 0.0


def test_gold_problems_against_the_index_become_warnings(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    rows = [
        {
            "id": "w-1",
            "question": "q1?",
            "type": "deadline",
            "must_contain": ["x"],
            "source": "999_missing.pdf",
            "evidence": ["iets"],
        },
        {
            "id": "w-2",
            "question": "q2?",
            "type": "deadline",
            "must_contain": ["x"],
            "source": "004_salland",
            "evidence": ["Deze zin staat nergens in het document, echt niet."],
        },
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = run_eval(
        gold,
        tmp_path / "out",
        None,
        False,
        assistant=FakeAssistant(),
        settings=Settings(data_dir=tmp_path),
        reference_dir=None,
    )
    assert any("(w-1): source 999_missing is not in the index" in w for w in result.warnings)
    assert any("(w-2): evidence not found in its source text" in w for w in result.warnings)
    assert "Gold data warnings (2)" in (tmp_path / "out" / "report.md").read_text()


def test_cli_exit_codes(
    tmp_path: Path, gold_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.service

    monkeypatch.setattr(assistant.service, "_assistant", FakeAssistant(break_followup=True))
    gold = gold_file.rename(tmp_path / "heldout.jsonl")  # the split the thresholds name
    strict = tmp_path / "strict.json"
    strict.write_text(
        json.dumps({"date": "d", "run": "r", "split": "heldout", "thresholds": {"followup_key_facts": 0.5}})
    )
    lax = tmp_path / "lax.json"
    lax.write_text(json.dumps({"date": "d", "run": "r", "split": "heldout", "thresholds": {"key_facts": 0.5}}))

    assert cli_eval(gold, tmp_path / "o1", None, False, True, thresholds_path=strict, quiet=True) == 1
    assert "followup_key_facts: 0.000 is below the minimum 0.5" in capsys.readouterr().out
    assert cli_eval(gold, tmp_path / "o2", None, False, True, thresholds_path=lax, quiet=True) == 0
    printed = capsys.readouterr().out
    assert "heldout" in printed and "gate (heldout): passed" in printed

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    assert cli_eval(bad, tmp_path / "o3", None, False, False, quiet=True) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_cli_gate_checks_a_further_gate_split_the_run_measured(
    tmp_path: Path, gold_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.service

    monkeypatch.setattr(assistant.service, "_assistant", FakeAssistant(break_followup=True))
    gold = gold_file.rename(tmp_path / "comparison.jsonl")
    t = {"date": "d", "run": "r", "split": "heldout", "thresholds": {"key_facts": 0.0}}
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({**t, "also": {"comparison": {"followup_key_facts": 0.5}}}))
    lax = tmp_path / "lax.json"
    lax.write_text(json.dumps({**t, "also": {"comparison": {"key_facts": 0.0}}}))
    assert cli_eval(gold, tmp_path / "o1", None, False, True, thresholds_path=strict, quiet=True) == 1
    assert "followup_key_facts (comparison): 0.000 is below the minimum 0.5" in capsys.readouterr().out
    assert cli_eval(gold, tmp_path / "o2", None, False, True, thresholds_path=lax, quiet=True) == 0
    assert "gate (comparison): passed" in capsys.readouterr().out


def test_gate_splits_count_in_no_group_by_type_document_or_language(tmp_path: Path, gold_file: Path) -> None:
    gold = gold_file.rename(tmp_path / "heldout.jsonl")
    result = run_eval(gold, tmp_path / "out", None, False, assistant=FakeAssistant(), reference_dir=None)
    m = result.metrics
    assert m["by_split"]["heldout"]["n"] == len(GOLD)
    assert m["by_type"] == {} and m["by_document"] == {} and m["by_language"] == {}


@pytest.mark.parametrize("split", sorted(GATE_SPLITS))
def test_a_gate_split_is_reported_as_totals_only(split: str, tmp_path: Path, gold_file: Path) -> None:
    """A gate split's questions (the held-out and the comparison split) never reach results.jsonl, the
    report or the progress lines."""
    gold = gold_file.rename(tmp_path / f"{split}.jsonl")
    lines: list[str] = []
    result = run_eval(
        gold, tmp_path / "out", None, False, assistant=FakeAssistant(), reference_dir=None, progress=lines.append
    )
    assert result.metrics["by_split"][split]["n"] == len(GOLD)  # counted in the totals
    assert result.results == [] and (tmp_path / "out" / "results.jsonl").read_text() == ""
    shown = (tmp_path / "out" / "report.md").read_text() + "\n".join(lines)
    for g in GOLD:
        assert not re.search(rf"\b{re.escape(g['id'])}\b", shown) and g["question"] not in shown
    assert "totals only" in shown
