"""The rule audit: a constant is set to each value in turn, answers are counted, and the choice among
the values is cross-validated; the shipped value is always restored."""

from __future__ import annotations

import json
import re
import sys
import types
from typing import Any

import pytest

from evals import audit
from evals.audit import Outcome, answer_all, audit_one, cross_validated, markdown, utility
from evals.gold import GoldQuestion
from inkoopwijzer.types import Answer, Citation


def _outcome(facts: bool | None, status: str = "answered", answerable: bool = True) -> Outcome:
    return Outcome(answerable=answerable, status=status, chars=10, key_facts=facts, quotes=0, relevant=0, text=status)


def test_utility_counts_facts_and_refusals_and_false_refusals_twice() -> None:
    run = {
        "a": _outcome(True),
        "b": _outcome(None, "not_found"),  # answerable, refused: a false refusal
        "u": _outcome(None, "not_found", answerable=False),
        "v": _outcome(None, "answered", answerable=False),
    }
    assert utility(run, list(run)) == 1 + 1 - 2


def test_cross_validation_prefers_the_shipped_value_on_ties_and_a_better_one_otherwise() -> None:
    ids = [f"q{i}" for i in range(20)]
    shipped = {i: _outcome(True) for i in ids}
    same = {i: _outcome(True) for i in ids}
    assert cross_validated({"1.0": same, "0.5": shipped}, "0.5")[2] == {"0.5": 100}  # 20 shuffles × 5 folds
    worse = {i: _outcome(i != "q3") for i in ids}
    assert cross_validated({"0.5": shipped, "1.0": worse}, "0.5")[:2] == (20, 0.0)
    better = {**worse, "q3": _outcome(True), "q4": _outcome(True)}
    half = {i: _outcome(int(i[1:]) % 2 == 0) for i in ids}
    assert cross_validated({"0.5": half, "1.0": better}, "0.5")[0] == 20


def test_the_value_is_chosen_on_the_training_folds_and_scored_on_the_held_out_one() -> None:
    ids = [f"q{i}" for i in range(20)]
    shipped = {i: _outcome(False) for i in ids}
    one_better = {**shipped, "q0": _outcome(True)}  # better on one question only
    utility_cv, _, chosen = cross_validated({"0.5": shipped, "1.0": one_better}, "0.5")
    # q0 is in the training folds four times in five: chosen there, and then it scores nothing held out;
    # the fifth time q0 is held out, the training folds tie, the shipped value answers and misses it
    assert chosen == {"1.0": 80, "0.5": 20}
    assert utility_cv == 0


def test_on_equal_utility_the_value_with_the_more_precise_quotes_is_chosen() -> None:
    ids = [f"q{i}" for i in range(20)]
    loose = {i: Outcome(True, "answered", 10, True, quotes=2, relevant=1, text="a") for i in ids}
    tight = {i: Outcome(True, "answered", 10, True, quotes=1, relevant=1, text="b") for i in ids}
    assert cross_validated({"0.4": loose, "0.6": tight}, "0.4")[:2] == (20, 1.0)
    assert cross_validated({"0.4": loose, "0.6": loose}, "0.4")[:2] == (20, 0.5)


class _Engine:
    """Answers with the fake module's WEIGHT in the text: a key fact when it is 1.0."""

    def __init__(self, module: Any) -> None:
        self.module = module

    def answer(self, question: str, history: Any, filters: Any, debug: bool) -> Answer:
        text = "1 september" if self.module.WEIGHT == 1.0 else "geen idee"
        quote = "Uiterlijk 1 september."
        cite = Citation(n=1, document="d.pdf", title="D", quote=quote, start=0, end=len(quote), chunk_id="c")
        return Answer(question=question, status="answered", answer=text, language="nl", citations=[cite])


def test_audit_one_sets_each_value_counts_and_restores_the_shipped_one(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("fake_rules")
    module.WEIGHT = 0.3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_rules", module)
    engine = _Engine(module)
    questions = [
        GoldQuestion(id=f"q{i}", question="Wanneer?", type="deadline", must_contain=[["1 september"]], evidence=["Uiterlijk 1 september."])
        for i in range(10)
    ]
    base = answer_all(engine, questions)  # type: ignore[arg-type]
    result = audit_one(engine, questions, base, {"module": "fake_rules", "name": "WEIGHT", "off": 1.0}, lambda _: None)  # type: ignore[arg-type]
    assert module.WEIGHT == 0.3  # type: ignore[attr-defined]
    assert result["values"]["0.3"]["key_facts"] == 0 and result["values"]["1.0"]["key_facts"] == 10
    assert result["values"]["1.0"]["changed"] == 10 and result["values"]["1.0"]["quote_precision"] == 1.0
    assert result["cv_off"] == 10 and result["cv_shipped"] == 0 and result["cv_choosing"] == 10
    assert result["cv_choosing_quote_precision"] == 1.0 and result["cv_chosen"] == {"1.0": 100}
    assert "| WEIGHT | 1.0 (off) | 10 |" in markdown([result])
    assert "| WEIGHT | cross-validated choice | | | | 1.0 | | | 10.0 |" in markdown([result])


def test_a_value_the_constant_s_type_would_cut_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("fake_ints")
    module.CHARS = 900  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_ints", module)
    with pytest.raises(ValueError, match="CHARS is int"):
        audit_one(_Engine(module), [], {}, {"module": "fake_ints", "name": "CHARS", "off": 0, "values": [0.5]}, lambda _: None)  # type: ignore[arg-type]
    assert module.CHARS == 900  # type: ignore[attr-defined]


def test_each_audited_constant_is_read_where_it_is_defined_or_named() -> None:
    """The audit sets the name in the module named: that must be the module that reads it at run time,
    not one that has it only by `from … import` (or setting it there would change nothing)."""
    import importlib
    import inspect
    from pathlib import Path

    entries = json.loads(audit.AUDIT_FILE.read_text(encoding="utf-8"))["constants"]
    package = Path(inspect.getfile(importlib.import_module("assistant"))).parent
    for e in entries:
        source = inspect.getsource(importlib.import_module(e["module"]))
        name = re.compile(rf"\b{e['name']}\b")
        defined = re.compile(rf"^{e['name']} =", re.M)
        assert len(name.findall(source)) > len(defined.findall(source)), f"{e['module']} does not read {e['name']}"
        for other in package.glob("*.py"):
            if other.stem == e["module"].rsplit(".", 1)[-1]:
                continue
            text = other.read_text(encoding="utf-8")
            # elsewhere the name may only be defined (and read by the audited module through an import)
            assert len(name.findall(text)) == len(defined.findall(text)), f"{other.name} reads {e['name']} too"


def test_the_audit_list_names_constants_that_exist() -> None:
    import importlib

    entries = json.loads(audit.AUDIT_FILE.read_text(encoding="utf-8"))["constants"]
    assert entries
    for e in entries:
        value = getattr(importlib.import_module(e["module"]), e["name"])
        assert isinstance(value, (int, float)), e["name"]
        assert e["off"] != value, e["name"]
