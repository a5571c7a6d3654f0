"""Characters and line-end hyphens as a reader sees them (ingest.textnorm)."""

from __future__ import annotations

from ingest.textnorm import Hyphenation, normalize_chars, normalize_text


def test_ligatures_soft_hyphens_and_unicode_hyphens_are_normalised_with_their_positions() -> None:
    text, src = normalize_chars("ﬁnanciële zorg\u00adinkoop\u2010beleid\u00a0x")
    assert text == "financiële zorginkoop-beleid x"
    assert src[:3] == [0, 0, 1]  # both letters of 'fi' come from the ligature
    assert len(src) == len(text)
    assert normalize_text("ｅｍａｉｌ ﬂ ﬀ") == "email fl ff"


def _joined(a: str, b: str, vocabulary: list[str] = ()) -> str:  # type: ignore[assignment]
    return Hyphenation(vocabulary).joined(a, b)


def test_a_line_break_hyphen_goes() -> None:
    assert _joined("de contracteer-", "procedure start") == "de contracteerprocedure start"
    assert _joined("onze zorgaan-", "bieders") == "onze zorgaanbieders"


def test_a_hyphen_the_word_is_written_with_stays() -> None:
    assert _joined("de netto-", "inkoopkosten") == "de netto-inkoopkosten"  # clashing vowels
    assert _joined("alle GRZ-", "trajecten") == "alle GRZ-trajecten"  # an abbreviation
    assert _joined("een add-", "on geneesmiddel", ["add-on geneesmiddelen"]) == "een add-on geneesmiddel"
    assert _joined("periode 2027-", "2028") == "periode 2027-2028"


def test_an_elliptic_hyphen_stays_as_written() -> None:
    assert _joined("de voor-", "en nazorg") == "de voor- en nazorg"
    assert _joined("wet-", "of regelgeving") == "wet- of regelgeving"


def test_the_documents_own_words_decide_first() -> None:
    # 'zorginkoop' is one word in this document, though the patterns would not break it there
    assert _joined("de zorg-", "inkoop", ["de zorginkoop van 2027"]) == "de zorginkoop"
    assert _joined("de zorg-", "inkoop", ["de zorg-inkoop van 2027"]) == "de zorg-inkoop"


def test_a_line_without_a_hyphen_joins_with_a_space() -> None:
    assert _joined("wij kopen", "zorg in") == "wij kopen zorg in"
    assert Hyphenation().join("eind-", "") == (5, "")  # nothing follows: the hyphen stays


def test_a_word_a_narrow_cell_broke_without_a_hyphen_is_rejoined_by_the_documents_own_words() -> None:
    seen = ["de specialist ouderengeneeskunde is", "een medisch specialist ziet"]
    assert _joined("een specialist ouder", "engeneeskunde met", seen) == "een specialist ouderengeneeskunde met"
    assert _joined("de medi", "sch-inhoudelijke expertise", seen) == "de medisch-inhoudelijke expertise"
    # a piece is a word of its own here as often as the whole, or the whole is never written: a space
    assert _joined("de medisch", "specialist", ["de medisch specialist ziet", "de medischspecialist ziet"]) == "de medisch specialist"
    seen = ["de ontwikkelingen die en ook", "en de zorg en"]
    assert _joined("de ontwikkeling", "en de", seen) == "de ontwikkeling en de"
    assert _joined("een specialist ouder", "engeneeskunde met") == "een specialist ouder engeneeskunde met"
    # a capital starts a word ('Zilveren' / 'Kruis' though 'zilverenkruis' is in a web address)
    assert _joined("bij Zilveren", "Kruis", ["op www.zilverenkruis.nl staat"]) == "bij Zilveren Kruis"


def test_an_address_is_evidence_only_for_a_word_broken_inside_an_address() -> None:
    seen = ["ga naar www.agbcode.nl voor informatie", "mail naar inkoop@zorgenzekerheid.nl voor vragen"]
    assert _joined("Vermeld uw AGB", "code op de factuur", seen) == "Vermeld uw AGB code op de factuur"
    assert _joined("mail naar inkoop@zorgenze", "kerheid.nl", seen) == "mail naar inkoop@zorgenzekerheid.nl"
