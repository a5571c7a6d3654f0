"""A question's words that no passage uses, said in the passages' words: a compound split into
the words its parts are ("aansprakelijkheidsverzekering"), a typo ("omzetplafon"), a compound of
which only the start is a word of the passages ("omzetgrens": "omzet"), and a long rare word in
the spelling the passages use more often ("meerjarenafspraak": "meerjarenafpraak")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from index.keyword import Tokenizer

# the shortest word split as a compound no passage uses, or taken by its known start
MIN_COMPOUND = 10
# the shortest start of an unknown compound taken as what it is about
MIN_START = 5
# a word the passages use at most this often, this long at least ("selectieve" is no "electieve"),
# may be their rarer spelling of a more frequent word
RARE = 2
MIN_VARIANT = 12


@dataclass
class Respelled:
    """What `respell` found: each in the passages' words."""

    # compounds split into the passages' words: "aansprakelijkheidsverzekering" is said as
    # "verzekerd voor beroepsaansprakelijkheid" (`Tokenizer.split_unknown`)
    splits: list[tuple[list[str], str]] = field(default_factory=list)
    # word → the passages' words one edit from it (`Tokenizer.near_spellings`)
    typos: dict[str, list[str]] = field(default_factory=dict)
    # compound → its longest start (at least MIN_START letters) that is a word of the passages
    starts: dict[str, str] = field(default_factory=dict)


def respell(tok: Tokenizer, df: Mapping[str, int], text: str, dutch: bool = True) -> Respelled:
    """For each word of the text no passage uses: its split into the passages' words (a compound
    of MIN_COMPOUND letters or more); else, for a Dutch question, the passages' words one edit
    from it (a typo: "omzetplafon", "oferte"); else its longest known start ("omzetgrens" is about
    "omzet", "minder dan €300.000 omzet"). And for a long Dutch word the passages use at most RARE
    times, their more frequent spelling of it with a letter more or less (a policy that writes
    "meerjarenafpraak" six times, "meerjarenafspraak" once)."""
    out = Respelled()
    for w in dict.fromkeys(tok.words(text)):
        if not w.isalpha():
            continue
        seen = _df(tok, df, w)
        if all(df.get(t, 0) == 0 for t in tok(w)):  # no passage uses any part of it
            split = tok.split_unknown(w)
            if split:
                if len(w) >= MIN_COMPOUND:
                    out.splits.append(split)
            elif dutch and (near := tok.near_spellings(w)):
                out.typos[w] = near
            elif dutch and len(w) >= MIN_COMPOUND:
                start = next((w[:i] for i in range(len(w) - 1, MIN_START - 1, -1) if w[:i] in tok.vocabulary), None)
                if start is not None:
                    out.starts[w] = start
        elif dutch and len(w) >= MIN_VARIANT and 0 < seen <= RARE:
            # a letter left out or added ("meerjarenafpraak"), not another word ("tekenen", "rekenen")
            variants = [v for v in tok.near_spellings(w, known=True) if len(v) != len(w) and _df(tok, df, v) > seen]
            if variants:
                out.typos[w] = variants
    return out


def _df(tok: Tokenizer, df: Mapping[str, int], word: str) -> int:
    """How many passages use the word: the least of its tokens' counts (0 when any is unknown)."""
    return min((df.get(t, 0) for t in tok(word)), default=0)
