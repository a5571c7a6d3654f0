"""A question's words that no passage uses, said in the passages' words: a compound split into
the words its parts are ("aansprakelijkheidsverzekering"), a typo ("omzetplafon"), and a
compound of which only the start is a word of the passages ("omzetgrens": "omzet")."""

from __future__ import annotations

from collections.abc import Mapping

from index.keyword import Tokenizer

# the shortest word split as a compound no passage uses
MIN_COMPOUND = 10


def _unknown_words(tok: Tokenizer, df: Mapping[str, int], text: str) -> list[str]:
    """The words of the text (each once) whose tokens no passage has."""
    return [w for w in dict.fromkeys(tok.words(text)) if w.isalpha() and all(df.get(t, 0) == 0 for t in tok(w))]


def unknown_compounds(tok: Tokenizer, df: Mapping[str, int], text: str) -> list[tuple[list[str], str]]:
    """The compounds of the text that no passage uses, split into the passages' words
    (`Tokenizer.split_unknown`): "aansprakelijkheidsverzekering" is said as "verzekerd voor
    beroepsaansprakelijkheid"."""
    return [split for w in _unknown_words(tok, df, text) if len(w) >= MIN_COMPOUND and (split := tok.split_unknown(w))]


def typos(tok: Tokenizer, df: Mapping[str, int], text: str) -> dict[str, list[str]]:
    """The passages' words one edit from a word of the text that no passage uses and that is no
    compound of theirs (`Tokenizer.near_spellings`): a typo ("omzetplafon", "oferte"); and, for a
    long word the passages use at most RARE times, their more frequent spelling of it with a
    letter more or less (a policy that writes "meerjarenafpraak" six times, "meerjarenafspraak"
    once)."""
    out: dict[str, list[str]] = {}
    for w in _unknown_words(tok, df, text):
        if not tok.split_unknown(w) and (near := tok.near_spellings(w)):
            out[w] = near
    for w in dict.fromkeys(tok.words(text)):
        seen = _df(tok, df, w)
        if w in out or not w.isalpha() or len(w) < MIN_VARIANT or not 0 < seen <= RARE:
            continue
        # a letter left out or added ("meerjarenafpraak"), not another word ("tekenen", "rekenen")
        variants = [v for v in tok.near_spellings(w, known=True) if len(v) != len(w) and _df(tok, df, v) > seen]
        if variants:
            out[w] = variants
    return out


# a word the passages use at most this often, this long at least ("selectieve" is no "electieve"),
# may be their rarer spelling of a more frequent word
RARE = 2
MIN_VARIANT = 12


def _df(tok: Tokenizer, df: Mapping[str, int], word: str) -> int:
    toks = tok(word)
    return min((df.get(t, 0) for t in toks), default=0)


# the shortest start of an unknown compound taken as what it is about
MIN_START = 5


def known_starts(tok: Tokenizer, df: Mapping[str, int], text: str) -> dict[str, str]:
    """For each compound of the text that no passage uses, cannot be split into the passages'
    words and is no typo of one: the longest start of it (at least MIN_START letters) that is a
    word of the passages. "omzetgrens" is about "omzet" ("minder dan €300.000 omzet")."""
    out: dict[str, str] = {}
    for w in _unknown_words(tok, df, text):
        if len(w) < MIN_COMPOUND or tok.split_unknown(w) or tok.near_spellings(w):
            continue
        start = next((w[:i] for i in range(len(w) - 1, MIN_START - 1, -1) if w[:i] in tok.vocabulary), None)
        if start is not None:
            out[w] = start
    return out
