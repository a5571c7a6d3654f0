"""The unit model file and the listwise fit that writes it (`evals.tune`), on small made-up groups."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.extractive import FEATURES, HAND_SET
from assistant.unit_model import UnitModel, UnitModelError, load_unit_model
from evals import tune


def test_the_shipped_model_weighs_known_features_with_topic_as_unit() -> None:
    model = load_unit_model()
    assert model.weights["topic"] == 1.0
    assert set(model.weights) <= set(FEATURES)
    assert model.version.startswith("listwise-")
    assert set(model.info["fitted_on"]).isdisjoint(tune.GATE_SPLITS)  # the gate split is never fitted on


def test_a_malformed_model_file_says_how_to_make_it_again(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(UnitModelError, match="inkoopwijzer tune"):
        load_unit_model(bad)
    bad.write_text(json.dumps({"weights": {"topic": 2.0}}), encoding="utf-8")
    with pytest.raises(UnitModelError, match="topic"):
        load_unit_model(bad)


def test_contributions_explain_the_score_largest_first() -> None:
    model = UnitModel({"topic": 1.0, "heading": -0.3, "dense": 0.2})
    features = {"topic": 0.5, "heading": 1.0, "dense": 0.0, "short": 1.0}
    parts = model.contributions(features)
    assert [p[0] for p in parts] == ["topic", "heading"]  # what adds nothing is not listed
    assert sum(p[2] for p in parts) == pytest.approx(model.score(features))


def _groups(n: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Questions whose right unit has high topic and the value; a noise feature says nothing."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = np.zeros((8, len(FEATURES)))
        x[:, FEATURES.index("topic")] = rng.uniform(0.2, 0.8, 8)
        x[:, FEATURES.index("heading")] = rng.integers(0, 2, 8)  # noise
        y = np.zeros(8)
        right = int(rng.integers(0, 8))
        y[right] = 1
        x[right, FEATURES.index("topic")] += 0.3
        x[:, FEATURES.index("value_missing")] = 1.0
        x[right, FEATURES.index("value_missing")] = 0.0
        x[right, FEATURES.index("value_stated")] = 1.0
        out.append((x, y))
    return out


def test_the_listwise_fit_learns_what_puts_the_right_unit_first_and_is_deterministic() -> None:
    groups = [tune.Group(f"q{i}", x, y) for i, (x, y) in enumerate(_groups(60))]
    cols = [i for i, f in enumerate(FEATURES) if f not in tune.FIXED]
    w = tune.fit_weights(groups, cols, 0.001)
    weights = dict(zip([FEATURES[c] for c in cols], w, strict=True))
    assert weights["topic"] > 0 and weights["value_missing"] < 0
    assert abs(weights["heading"]) < abs(weights["value_missing"])
    assert tune.lead_precision(groups, lambda x: x[:, cols] @ w) > 0.9
    assert np.array_equal(w, tune.fit_weights(groups, cols, 0.001))
    # … and the hand-set weights' own fixed weight is kept, its partner's fit added to it
    assert tune.FIXED["value_stated"][0] == HAND_SET.weights["value_stated"]


def test_cross_validation_drops_a_feature_that_does_not_help() -> None:
    groups = [tune.Group(f"q{i}", x, y) for i, (x, y) in enumerate(_groups(60, seed=1))]
    cols, cv = tune.select(groups, 0.001, lambda _: None)
    kept = {FEATURES[c] for c in cols}
    assert "topic" in kept and "heading" not in kept
    assert cv > 0.9


def test_the_regularisation_is_chosen_on_whole_answers() -> None:
    """Each lambda's model answers the questions; the best utility wins, then quote precision, then
    the stronger regularisation; the engine keeps the model it had."""
    from types import SimpleNamespace

    from evals.gold import GoldQuestion
    from inkoopwijzer.types import Answer, Citation

    questions = [
        GoldQuestion(id=f"q{i}", question=f"vraag {i}?", type="deadline", must_contain=[["1 juni"]], evidence=["x"], source=["a.pdf"])
        for i in range(4)
    ]
    right = {"lambda-0.1": 3, "lambda-0.2": 3, "lambda-0.3": 1}  # questions each model states the fact of

    class FakeEngine:
        scorer = SimpleNamespace(model=HAND_SET)

        def answer(self, question: str, history: object, filters: object, debug: bool) -> Answer:
            n = int(question.split()[1].rstrip("?"))
            text = "uiterlijk 1 juni" if n < right[self.scorer.model.version] else "niets"
            cite = Citation(n=1, document="a.pdf", title="A", quote=text, start=0, end=len(text), chunk_id="c")
            return Answer(question=question, status="answered", answer=text, citations=[cite], language="nl")

    engine = FakeEngine()
    fits = {0.1: {"topic": 1.0}, 0.2: {"topic": 1.0}, 0.3: {"topic": 1.0}}
    assert tune.choose_lambda(engine, questions, fits, lambda _: None) == 0.2  # tie on utility and precision: the stronger
    right["lambda-0.3"] = 4
    assert tune.choose_lambda(engine, questions, fits, lambda _: None) == 0.3
    assert engine.scorer.model is HAND_SET


def test_features_name_what_the_score_adds_up() -> None:
    from collections import Counter

    from assistant.extractive import Unit, UnitScorer
    from assistant.query import understand
    from index.keyword import Tokenizer
    from index.search import Hit
    from inkoopwijzer.types import Chunk, DocumentMeta

    text = "U kunt zich tot 1 september 2026 aanmelden als nieuwe zorgaanbieder."
    tok = Tokenizer()
    model = UnitModel({"topic": 1.0, "value_stated": 0.5, "retrieval_rank": 0.2})
    scorer = UnitScorer(tok, Counter(set(tok(text))), 1, model)
    meta = DocumentMeta(document="a.pdf", doc_id="a", title="Inkoopbeleid", insurer="Salland", content_hash="x")
    chunk = Chunk(id="c1", document="a.pdf", text=text, start=0, end=len(text))
    unit = Unit(Hit(chunk=chunk, meta=meta, score=1.0), 1, 0, len(text), text)
    terms = scorer.question_terms(understand("Wanneer aanmelden?", []))
    f = scorer.features(unit, terms, "date")
    assert set(f) == set(FEATURES)
    assert f["value_stated"] == 1.0 and f["retrieval_rank"] == 0.5 and f["topic"] > 0
    assert scorer.score(unit, terms, "date") == pytest.approx(f["topic"] + 0.5 + 0.1)
