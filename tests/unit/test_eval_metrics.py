"""Metrics on a tiny handmade set of answers; gold loading errors; language; gate; report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.gate import check_gate, gated, load_thresholds, thresholds_from_metrics
from evals.gold import GoldFormatError, GoldQuestion, load_gold
from evals.metrics import DocumentTexts, aggregate, breakdown, percentile, score_question
from evals.report import changed_questions, render_report, wilson
from inkoopwijzer.errors import ConfigError
from inkoopwijzer.language import detect_language
from inkoopwijzer.types import Answer, Citation, RetrievedPassage

SALLAND = "Salland Zorginkoopbeleid. De offerte moet uiterlijk 1 april 2026 binnen zijn. De omzetdrempel is € 100.000 per jaar."
ZZ = "Zorg en Zekerheid beleid. Offertes ontvangen wij uiterlijk 15 mei 2026. Een drempel van €250.000 geldt."
DOCS = DocumentTexts.from_texts({"004_salland.pdf": SALLAND, "001_zz.pdf": ZZ})


def gold(**fields: object) -> GoldQuestion:
    base: dict[str, object] = {"id": "q", "question": "deadline offerte salland?", "type": "deadline"}
    return GoldQuestion.model_validate(base | fields)


def passage(document: str, text: str) -> RetrievedPassage:
    return RetrievedPassage(chunk_id=f"{document}:{text[:5]}", document=document, text=text, score=1.0)


def cite(document: str, quote: str, n: int = 1) -> Citation:
    return Citation(n=n, document=document, title="t", quote=quote, start=0, end=len(quote), chunk_id="c")


def answer(
    text: str,
    status: str = "answered",
    citations: list[Citation] | None = None,
    retrieved: list[RetrievedPassage] | None = None,
) -> Answer:
    return Answer.model_validate(
        {"question": "q", "status": status, "answer": text, "citations": citations or [], "retrieved": retrieved or []}
    )


DEADLINE = gold(
    id="s-1",
    must_contain=[["1 april 2026", "01-04-2026"]],
    source="004_salland.txt",  # given as .txt, indexed as .pdf: matched by stem
    evidence=["De offerte moet uiterlijk 1 april 2026 binnen zijn."],
)


def test_a_correct_answer_passes_every_check() -> None:
    a = answer(
        "De offerte moet uiterlijk 1  APRIL 2026 binnen zijn [1].",
        citations=[cite("004_salland.pdf", "De offerte moet uiterlijk\n1 april 2026 binnen zijn.")],
        retrieved=[passage("001_zz.pdf", ZZ), passage("004_salland.pdf", SALLAND)],
    )
    s = score_question(DEADLINE, a, DOCS, 120.0)
    assert s.hit_rank == 2 and s.hit(1) is False and s.hit(3) is True and s.reciprocal_rank == 0.5
    assert s.key_facts is True and s.cite_correct is True
    assert (s.citations, s.verbatim_citations) == (1, 1)
    assert s.false_refusal is False and s.refused is None and s.passed


def test_alternatives_wrong_document_and_invented_quote() -> None:
    a = answer(
        "Uiterlijk 01-04-2026 [1][2].",
        citations=[
            cite("001_zz.pdf", "Offertes ontvangen wij uiterlijk 15 mei 2026."),  # verbatim, but wrong document
            cite("004_salland.pdf", "De offerte moet op 1 april binnen zijn.", n=2),  # not in the document
        ],
    )
    s = score_question(DEADLINE, a, DOCS, 10.0)
    assert s.key_facts is True  # the alternative spelling counts
    assert s.cite_correct is False
    assert (s.citations, s.verbatim_citations) == (2, 1)
    assert s.hit_rank is None and s.hit(10) is False and s.reciprocal_rank == 0.0
    assert not s.passed


def test_a_key_fact_number_inside_a_longer_number_is_not_stated() -> None:
    q = gold(id="n-1", must_contain=["2 jaar", ["50%", "vijftig procent"]], source="004_salland.pdf")
    assert score_question(q, answer("Het contract loopt 12 jaar; 150% vergoed."), DOCS, 1.0).missing_facts == [
        "2 jaar",
        "50%",
    ]
    assert score_question(q, answer("Het contract loopt 2 jaar; 50% vergoed."), DOCS, 1.0).key_facts is True


def test_refusals_and_false_refusals() -> None:
    unanswerable = gold(id="u-1", type="unanswerable", question="Wat is de drempel voor thuiszorg bij Salland?")
    refused = score_question(unanswerable, answer("Dat staat niet in de documenten.", status="not_found"), DOCS, 5.0)
    invented = score_question(unanswerable, answer("€ 1 miljoen.", status="answered"), DOCS, 5.0)
    falsely = score_question(DEADLINE, answer("Niet gevonden.", status="not_found"), DOCS, 5.0)
    assert refused.refused is True and refused.passed and refused.hit(5) is None and refused.key_facts is None
    assert invented.refused is False and not invented.passed
    assert falsely.false_refusal is True and not falsely.passed


def test_ambiguous_question_reports_per_insurer_coverage() -> None:
    q = gold(
        id="a-1",
        type="ambiguous",
        question="Wat is de omzetdrempel?",
        must_contain=["€ 100.000", "€250.000"],
        source=["004_salland.pdf", "001_zz"],
        evidence=["De omzetdrempel is €100.000 per jaar.", "Een drempel van € 250.000 geldt."],
    )
    a = answer(
        "Salland: €100.000 [1]. Zorg en Zekerheid: € 250.000.",
        citations=[cite("004_salland.pdf", "De omzetdrempel is € 100.000 per jaar.")],
        retrieved=[passage("004_salland.pdf", SALLAND), passage("003_other.pdf", "iets anders")],
    )
    s = score_question(q, a, DOCS, 1.0)
    assert s.key_facts is True  # € with and without a space are the same
    assert s.insurer_coverage == 0.5 and s.retrieval_coverage == 0.5
    assert not s.passed  # one insurer not cited


def test_aggregate_and_breakdown_on_a_tiny_set() -> None:
    good = score_question(
        DEADLINE,
        answer(
            "1 april 2026 [1]",
            citations=[cite("004_salland.pdf", "1 april 2026")],
            retrieved=[passage("004_salland.pdf", SALLAND)],
        ),
        DOCS,
        100.0,
        split="tuning",
        language="nl",
    )
    bad = score_question(
        gold(
            id="s-2",
            question="What is the deadline at Salland?",
            must_contain=["1 april 2026"],
            source="004_salland",
            evidence=["uiterlijk 1 april 2026"],
        ),
        answer("Not found", status="not_found"),
        DOCS,
        300.0,
        split="heldout",
        language="en",
    )
    refused = score_question(
        gold(id="u-1", type="unanswerable"), answer("", status="not_found"), DOCS, 200.0, split="heldout"
    )
    m = aggregate([good, bad, refused])
    assert (m["n"], m["n_answerable"], m["n_unanswerable"]) == (3, 2, 1)
    assert m["hit@1"] == 0.5 and m["mrr"] == 0.5
    assert m["key_facts"] == 0.5 and m["cite_correct"] == 0.5
    assert m["verbatim_quote_rate"] == 1.0
    assert m["refusal_accuracy"] == 1.0 and m["false_refusal_rate"] == 0.5
    assert m["insurer_coverage"] is None and m["followup_key_facts"] is None
    assert m["pass_rate"] == pytest.approx(2 / 3)
    assert m["latency_p50_ms"] == 200.0 and m["latency_p95_ms"] == 300.0

    b = breakdown([good, bad, refused])
    assert set(b["by_split"]) == {"tuning", "heldout"} and b["by_split"]["heldout"]["n"] == 2
    assert set(b["by_document"]) == {"004_salland", "(none)"}
    assert b["by_language"]["en"]["key_facts"] == 0.0
    assert b["by_type"]["unanswerable"]["refusal_accuracy"] == 1.0


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0


# --- gold files ---------------------------------------------------------------------------------


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_LINE = json.dumps(
    {
        "id": "x-1",
        "question": "deadline offerte salland?",
        "type": "deadline",
        "answer": "1 april 2026.",
        "must_contain": [["1 april 2026", "01-04-2026"], "offerte"],
        "source": "004_112e050678cf724a.txt",
        "evidence": ["De offerte moet uiterlijk 1 april 2026 binnen zijn."],
        "insurer": "Salland",
    }
)


def test_a_good_file_loads_with_alternatives_and_stems(tmp_path: Path) -> None:
    s = load_gold(
        write(
            tmp_path, GOOD_LINE, "", json.dumps({"id": "x-2", "question": "q?", "type": "unanswerable", "source": None})
        )
    )
    assert s.name == "gold" and [q.id for q in s.questions] == ["x-1", "x-2"]
    assert s.questions[0].must_contain == [["1 april 2026", "01-04-2026"], ["offerte"]]
    assert s.questions[0].source_stems == ["004_112e050678cf724a"]
    assert s.warnings == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "x-9", "question": "q", "type": "deadline",', "gold.jsonl:2: not valid JSON"),
        ('["not", "an", "object"]', "gold.jsonl:2: each line must be a JSON object"),
        (
            '{"id": "x-9", "question": "q", "type": "deadlines"}',
            "gold.jsonl:2 (x-9): field 'type': unknown type 'deadlines'",
        ),
        (
            '{"id": "x-9", "question": "q", "type": "deadline", "must_contain": [["a", 3]]}',
            "field 'must_contain': item 0",
        ),
        ('{"id": "x-9", "type": "deadline"}', "gold.jsonl:2 (x-9): field 'question'"),
        ('{"id": "x-9", "question": "q", "type": "deadline", "source": 7}', "field 'source'"),
        ('{"id": "x-9", "question": "q", "type": "deadline", "evidence": "one quote"}', "field 'evidence'"),
        ('{"id": "x-1", "question": "q", "type": "deadline"}', "gold.jsonl:2: duplicate id 'x-1' (first on line 1)"),
    ],
)
def test_a_malformed_line_raises_naming_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    with pytest.raises(GoldFormatError) as err:
        load_gold(write(tmp_path, GOOD_LINE, bad))
    assert message in str(err.value)
    assert err.value.line == 2


def test_missing_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match="gold file not found"):
        load_gold(tmp_path / "nope.jsonl")
    with pytest.raises(GoldFormatError, match="no questions"):
        load_gold(write(tmp_path, ""))


def test_inconsistent_questions_are_warnings_not_errors(tmp_path: Path) -> None:
    s = load_gold(
        write(
            tmp_path,
            json.dumps({"id": "u", "question": "q", "type": "unanswerable", "source": "a.pdf"}),
            json.dumps(
                {
                    "id": "f",
                    "question": "en bij ZZ?",
                    "type": "followup",
                    "must_contain": ["x"],
                    "source": "a",
                    "evidence": ["x y"],
                }
            ),
        )
    )
    assert len(s.questions) == 2
    assert any("gold.jsonl:1 (u): unanswerable" in w for w in s.warnings)
    assert any("gold.jsonl:2 (f): followup question without history" in w for w in s.warnings)


# --- language, gate, report ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("deadline offerte salland?", "nl"),
        ("Wat is de omzetdrempel bij Zorg en Zekerheid?", "nl"),
        ("en bij Zilveren Kruis?", "nl"),
        ("What is the deadline for the offer at Salland?", "en"),
        ("and for Zorg en Zekerheid?", "en"),
        # a loanword and a word with a hyphen are no evidence; names of any registered insurer or care type neither
        ("vgz ggz deadline 2031?", "nl"),
        ("lijst add-on middelen cz?", "nl"),
        ("When is Zorg en Zekerheid's price list final?", "en"),
        ("Which rules of De Friesland apply to wijkverpleging?", "en"),
        ("Onze kliniek heeft geen contract met Menzis. Wat nu?", "nl"),
    ],
)
def test_language_detection(question: str, language: str) -> None:
    assert detect_language(question) == language


METRICS = {
    "overall": {"hit@5": 0.9, "false_refusal_rate": 0.1},
    "by_split": {"heldout": {"hit@5": 0.8, "false_refusal_rate": 0.2, "followup_key_facts": None}},
}


def test_gate_checks_the_named_split_with_minimums_and_maximums() -> None:
    ok = {"split": "heldout", "thresholds": {"hit@5": 0.8, "false_refusal_rate": 0.2}}
    assert check_gate(METRICS, ok) == []
    failures = check_gate(
        METRICS,
        {"split": "heldout", "thresholds": {"hit@5": 0.85, "false_refusal_rate": 0.1, "followup_key_facts": 0.5}},
    )
    assert failures == [
        "hit@5: 0.800 is below the minimum 0.85",
        "false_refusal_rate: 0.200 is above the maximum 0.1",
        "followup_key_facts: not measured on split 'heldout' (threshold 0.5)",
    ]
    assert "not in this run" in check_gate(METRICS, {"split": "other", "thresholds": {"hit@5": 0.1}})[0]
    assert check_gate({"hit@5": 0.5}, {"split": None, "thresholds": {"hit@5": 0.5}}) == []


def test_gate_checks_further_gate_splits_under_also() -> None:
    metrics = {"overall": {}, "by_split": {**METRICS["by_split"], "comparison": {"key_facts": 0.4}}}
    t = {"split": "heldout", "thresholds": {"hit@5": 0.8}, "also": {"comparison": {"key_facts": 0.5}}}
    assert gated(t) == {"heldout": {"hit@5": 0.8}, "comparison": {"key_facts": 0.5}}
    assert check_gate(metrics, t) == ["key_facts (comparison): 0.400 is below the minimum 0.5"]
    assert check_gate(metrics, t, ["heldout"]) == []
    assert check_gate(METRICS, t, ["comparison"]) == [
        "split 'comparison' is not in this run; evaluate its gold file (evals/data/comparison.jsonl)"
    ]
    assert "no thresholds" in check_gate(metrics, t, ["probe"])[0]
    assert check_gate(metrics, t, "comparison") == check_gate(metrics, t, ["comparison"])  # one name, not its letters
    assert check_gate(metrics, t, []) == ["no gate split to check"]
    # a file that names no split gates the run's overall metrics
    assert check_gate(METRICS, {"split": None, "thresholds": {"hit@5": 0.95}}) == ["hit@5: 0.900 is below the minimum 0.95"]


def test_committed_gate_splits_are_the_ones_kept_out_of_training_and_frozen() -> None:
    import json as _json

    from evals.gate import GATE_SPLITS, THRESHOLDS_PATH
    from evals.tune import TRAINING_SPLITS

    t = load_thresholds()
    assert set(gated(t)) == set(GATE_SPLITS) and not set(GATE_SPLITS) & set(TRAINING_SPLITS)
    frozen = _json.loads(THRESHOLDS_PATH.read_text(encoding="utf-8"))["frozen"]
    assert {f"{s}.jsonl" for s in GATE_SPLITS} <= set(frozen)
    # a worthless run fails every further gate split's thresholds too
    worst = {"false_refusal_rate": 1.0, "answer_chars_p50": 100_000.0}
    for split, limits in gated(t).items():
        zero = {"overall": {}, "by_split": {split: {name: worst.get(name, 0.0) for name in limits}}}
        assert len(check_gate(zero, t, [split])) == len(limits), split


def test_thresholds_file_rejects_a_malformed_also(tmp_path: Path) -> None:
    bad = tmp_path / "t.json"
    bad.write_text(json.dumps({"split": "heldout", "thresholds": {"hit@5": 0.8}, "also": {"comparison": 0.5}}))
    with pytest.raises(ConfigError, match="'also'"):
        load_thresholds(bad)


def test_committed_thresholds_gate_for_real() -> None:
    """The committed thresholds reject a worthless run and accept the committed reference run."""
    import json

    from evals.gate import THRESHOLDS_PATH, load_thresholds

    t = load_thresholds(THRESHOLDS_PATH)
    assert t["split"] == "heldout" and t["date"] and t["run"]
    worst = {"false_refusal_rate": 1.0, "answer_chars_p50": 100_000.0}  # maxima: a worthless run is high
    zero = {name: worst.get(name, 0.0) for name in t["thresholds"]}
    assert len(check_gate(zero, t)) == len(t["thresholds"])
    reference = THRESHOLDS_PATH.parent / "reference" / "metrics.json"
    assert check_gate(json.loads(reference.read_text(encoding="utf-8")), t) == []


def test_thresholds_are_proposed_below_a_run() -> None:
    proposed = thresholds_from_metrics(METRICS, "heldout", margin=0.05, run="r1")
    assert proposed["run"] == "r1" and proposed["split"] == "heldout"
    assert proposed["thresholds"] == {"hit@5": 0.75, "false_refusal_rate": 0.25}
    lengths = {"overall": {}, "by_split": {"heldout": {"answer_chars_p50": 800.0}}}
    assert thresholds_from_metrics(lengths, "heldout")["thresholds"] == {"answer_chars_p50": 920.0}  # a length


def test_report_lists_changes_against_the_reference() -> None:
    def record(qid: str, passed: bool) -> dict[str, object]:
        checks = {"passed": passed, "key_facts": passed, "missing_facts": [] if passed else ["1 april 2026"]}
        return {
            "id": qid,
            "split": "heldout",
            "type": "deadline",
            "question": f"vraag {qid}",
            "answer": {"status": "answered"},
            "checks": checks,
        }

    now = [record("a", False), record("b", True), record("c", True)]
    before = [record("a", True), record("b", False), record("d", True)]
    changes = changed_questions(now, before)
    assert changes == {"pass_to_fail": ["a"], "fail_to_pass": ["b"], "new": ["c"], "gone": ["d"]}

    overall = {"n": 3, "hit@5": 0.5, "latency_p50_ms": 120.0}
    metrics = {
        "overall": overall,
        "by_split": {"heldout": overall},
        "by_type": {"deadline": overall},
        "by_document": {},
        "by_language": {"nl": overall},
    }
    report = render_report(
        {"id": "r2", "gold": []},
        metrics,
        now,
        baseline={"overall": {"n": 3, "hit@5": 0.25, "latency_p50_ms": 60.0}},
        reference={"run": {"id": "r1"}, "overall": {"n": 3, "hit@5": 0.75}},
        reference_results=before,
    )
    assert "1 pass → fail, 1 fail → pass, 1 new, 1 no longer in the gold set." in report
    assert "| a | heldout | deadline | vraag a | missing “1 april 2026” |" in report
    assert "| hit@5 | 0.500 | 0.500 | 0.250 | 2.00× | 0.750 | -0.250 ▼ |" in report
    assert "need an LLM configured" in report


def test_report_gives_the_gate_splits_intervals() -> None:
    held = {"n": 130, "key_facts": 0.75, "n_key_facts": 116, "comparison_key_facts": 5 / 12, "n_comparison_key_facts": 12}
    metrics = {"overall": held, "by_split": {"heldout": held}, "by_type": {}, "by_document": {}, "by_language": {}}
    report = render_report({"id": "r", "gold": []}, metrics, [])
    assert "## Gate splits: 95 % intervals" in report
    assert "| heldout | comparison key facts | 0.417 | 12 | 0.19–0.68 |" in report  # five of twelve: wide
    low, high = wilson(0.75, 116)
    assert 0.66 < low < 0.75 < high < 0.83
    no_gate = {**metrics, "by_split": {"probe": held}}
    assert "intervals" not in render_report({"id": "r", "gold": []}, no_gate, [])


def test_key_fact_recall_counts_each_fact_and_strict_counts_each_question() -> None:
    two = gold(id="t-2", must_contain=["1 april 2026", "€ 100.000"], source="004_salland.txt", evidence=[])
    one = gold(id="t-1", must_contain=["1 april 2026"], source="004_salland.txt", evidence=[])
    scores = [
        score_question(two, answer("Uiterlijk 1 april 2026."), DOCS, 1.0),  # 1 of 2 facts
        score_question(one, answer("Uiterlijk 1 april 2026."), DOCS, 1.0),  # 1 of 1
        score_question(one, answer("x", status="not_found"), DOCS, 1.0),  # 0 of 1
    ]
    m = aggregate(scores)
    assert m["key_fact_recall"] == pytest.approx(2 / 4)
    assert m["key_facts"] == pytest.approx(1 / 3)
    # the answer length counts answered answers only (a refusal's text is no answer)
    assert m["answer_chars_p50"] == len("Uiterlijk 1 april 2026.")
