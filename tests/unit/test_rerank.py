"""Reranking passages by their best sentence (assistant.rerank), with the real sentence scorer."""

from __future__ import annotations

from collections import Counter

from assistant.extractive import UnitScorer
from assistant.query import understand
from assistant.rerank import rerank, top_passages
from index.keyword import Tokenizer
from index.search import Hit
from inkoopwijzer.types import Chunk, DocumentMeta

META = DocumentMeta(document="a.pdf", doc_id="a", title="Inkoopbeleid", insurer="Salland", content_hash="x")
TEXTS = [
    "Wij werken samen met gemeenten in de regio. Goede zorg staat voorop.",
    "De offerte voor 2027 ontvangen wij uiterlijk 30 september. Daarna reageren wij binnen zes weken.",
    "Een offerte kunt u digitaal indienen via het portaal.",
]


def _hits() -> list[Hit]:
    hits = []
    for i, text in enumerate(TEXTS):
        chunk = Chunk(id=f"c{i}", document="a.pdf", text=text, start=1000 * i, end=1000 * i + len(text))
        hits.append(Hit(chunk=chunk, meta=META, score=1.0 / (i + 1)))
    return hits


def test_the_passage_whose_sentence_answers_moves_up() -> None:
    tok = Tokenizer()
    df: Counter[str] = Counter(t for text in TEXTS for t in set(tok(text)))
    scorer = UnitScorer(tok, df, len(TEXTS))
    q = understand("Wanneer moet de offerte binnen zijn?")
    hits = _hits()
    out = rerank(hits, scorer, q, scorer.question_terms(q))
    assert out[0].chunk.id == "c1"  # the passage with the deadline sentence, second by search, goes first
    assert out[0].extra["sentence_score"] > max(h.extra["sentence_score"] for h in out[1:])
    assert sorted(h.chunk.id for h in out) == ["c0", "c1", "c2"]  # nothing lost
    assert all("sentence_score" in h.extra for h in out)
    assert out[0].score > out[1].score >= out[2].score  # the fused score is what the order says


def test_contact_patterns_find_addresses_and_numbers() -> None:
    from assistant.extractive import VALUE_PATTERN

    def value(kind: str, text: str) -> str | None:
        m = VALUE_PATTERN[kind].search(text)
        return m.group(0) if m else None

    assert value("email", "Stuur het naar naleving.dzg@zilverenkruis.nl.") == "naleving.dzg@zilverenkruis.nl"
    assert value("phone", "Mail ons of bel (0570) 68 74 46.") == "(0570) 68 74 46"
    assert value("web", "Op zk.nl/zorgaanbieders/contact vindt u alles.") == "zk.nl/zorgaanbieders/contact"
    assert value("phone", "Versie: 1.0 Datum: 1 april 2026") is None
    assert value("web", "Stuur het naar info@salland.nl") is None  # a mail address is no web address


def test_a_heading_repeated_in_the_text_is_recognised() -> None:
    from assistant.extractive import Unit, is_heading

    def unit(text: str, section: str) -> Unit:
        chunk = Chunk(id="h", document="a.pdf", text=text, section=section, start=0, end=len(text))
        return Unit(Hit(chunk=chunk, meta=META, score=1.0), 0, 0, len(text), text)

    assert is_heading(unit("Monitoren contractafspraken", "Inkoopkader › Monitoren contractafspraken"))
    # a bold statement that is a sentence (Zilveren Kruis's headings) states a fact: no heading
    assert not is_heading(unit("Uw aanbod ontvangt u uiterlijk 30 september.", "A › Uw aanbod ontvangt u uiterlijk 30 september."))
    assert not is_heading(unit("Monitoren contractafspraken", "Inkoopkader"))


def test_the_keyword_searchs_best_passage_is_kept_beyond_k() -> None:
    hits = _hits()
    hits[2].keyword_rank = 1
    assert [h.chunk.id for h in top_passages(hits, 1)] == ["c0", "c2"]
    assert [h.chunk.id for h in top_passages(hits, 3)] == ["c0", "c1", "c2"]  # already in: not twice
    hits[2].keyword_rank = 2
    assert [h.chunk.id for h in top_passages(hits, 1)] == ["c0"]
