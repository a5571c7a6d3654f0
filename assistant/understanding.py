"""Understanding, the answerer's first stage: a question (and the conversation before it) read as
the policies' words. Misspelt insurer and care names and misspelt words are corrected (`names`,
`typos`), the question is expanded with the glossary's, the policies' own abbreviations', the
spelling's and, for an English question, the lexicon's Dutch words, and weighed into concepts
(`extractive.Terms`) that retrieval and the unit features share. `query.understand` says what is
asked; `scope` what it is about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from index.search import HybridSearcher
from inkoopwijzer.language import detect_language
from inkoopwijzer.types import Filters, Turn

from .abbreviations import abbreviation_groups, find_abbreviations
from .extractive import Terms, UnitScorer
from .glossary import expand, synonym_groups, translated_terms, translations
from .names import Corrected, correct_names
from .query import Question, find_care_types
from .spelling import respell
from .typos import Budget, Speller, load_word_lists


class Understanding:
    """Reads questions against one index version's words."""

    def __init__(self, searcher: HybridSearcher, scorer: UnitScorer) -> None:
        self.searcher = searcher
        self.scorer = scorer
        # the abbreviations the policies define that neither the glossary nor the care types cover
        self.abbreviations = {
            a: longs
            for a, longs in find_abbreviations(c.text for c in searcher.chunks).items()
            if expand(a) == a and not find_care_types(a)
        }
        tok = searcher.keyword.tokenizer
        corpus = Counter(w for c in searcher.chunks for w in set(tok.words(c.text)) if w.isalpha())
        self.speller = Speller(self.used_word, corpus, lambda w: bool(tok.split_unknown(w)))
        load_word_lists()  # now, at the engine's start, not in the first request that needs them

    def terms(self, q: Question, filters: Filters) -> tuple[str, Terms]:
        """The question expanded with the policies' words (the keyword query), and its weighted
        concepts (`UnitScorer.question_terms`), without a follow-up's care-type code that says
        nothing about the policies searched (`without_scope_words`)."""
        expanded, groups = self.expanded(q)
        terms = self.scorer.question_terms(q, expanded, groups)
        if q.query != q.text:
            terms = self.without_scope_words(filters, terms)
        return expanded, terms

    def corrected(self, question: str, history: Sequence[Turn]) -> tuple[Corrected, list[Turn]]:
        """The question, and the user's earlier turns, with misspelt insurer and care names, and
        then misspelt words, corrected (`names`, `typos`)."""
        budget = Budget()  # the question's words first, then the earlier turns', newest first
        fixed = self.correct(question, budget)
        turns = list(history)
        for i in reversed(range(len(turns))):
            if turns[i].role == "user":
                turns[i] = turns[i].model_copy(update={"content": self.correct(turns[i].content, budget).text})
        return fixed, turns

    def correct(self, text: str, budget: Budget | None = None) -> Corrected:
        """The text with misspelt insurer and care names, then misspelt words, corrected, and how
        it was read; at most as many unknown words searched for as the budget allows."""
        named = correct_names(text, self.known_word)
        spelled = self.speller.correct(named.text, detect_language(named.text), budget)
        return Corrected(spelled.text, named.read_as + spelled.read_as)

    def known_word(self, word: str) -> bool:
        """Whether the passages use the word (a stop word counts as used)."""
        tokens = self.searcher.keyword.tokenizer(word)
        return not tokens or any(self.scorer.df.get(t, 0) > 0 for t in tokens)

    def used_word(self, word: str) -> bool:
        """Whether the passages use the word itself, or both words it is a compound of (not merely
        a part of it, as `known_word` takes it: "omzetlpafond" has a known part "omzet")."""
        tok = self.searcher.keyword.tokenizer
        return self.scorer.df.get(tok.stems([word])[0], 0) > 0 or bool(tok.split_compound(word))

    def expanded(self, q: Question) -> tuple[str, list[str]]:
        """The question with the policies' own words added: the glossary's, and for an English
        question the lexicon's nearest Dutch words for the words the policies never use; and
        the groups of words that say one thing (a phrase with its synonyms or translations)."""
        text = expand(q.query)
        groups = synonym_groups(q.query)
        defined = abbreviation_groups(q.query, self.abbreviations)  # "NIP" ↔ "netto-inkoopkosten", as the policies define it
        if defined:
            text = f"{text} {' '.join(defined)}"
            groups += defined
        spelled = respell(self.searcher.keyword.tokenizer, self.scorer.df, q.query, dutch=q.language == "nl")
        if spelled.splits:
            text = f"{text} {' '.join(w for heads, tail in spelled.splits for w in (*heads, tail))}"
            groups += [" ".join(heads) for heads, _ in spelled.splits]  # any word ending in the first part states it
        text = " ".join([text, *spelled.starts.values(), *(w for words in spelled.typos.values() for w in words)])
        groups += [f"{word} {start}" for word, start in spelled.starts.items()]
        groups += [f"{word} {' '.join(words)}" for word, words in spelled.typos.items()]
        if q.language == "en":
            near = translations(q.query, self.searcher.lexicon, self.searcher.embedder.embed_terms)
            extra = translated_terms(near)
            if extra:
                text = f"{text} {' '.join(extra)}"
            groups += [f"{word} {' '.join(words)}" for word, words in near.items()]
        return text, groups

    def without_scope_words(self, filters: Filters, terms: Terms) -> Terms:
        """A follow-up's terms without the code of a care type that every policy searched is only
        about: after "en voor ZG?" the ZG policy is searched, and "ZG" says nothing about which of
        its sentences answers ("ELV" in the GRZ and ELV policy does)."""
        metas = [self.searcher.metas[d] for d in self.searcher.allowed_documents(filters)]
        cares = {c for m in metas for c in m.care_types}
        drop = {c.lower() for c in cares if all(set(m.care_types) <= {c} for m in metas if c in m.care_types)}
        drop &= terms.weights.keys()
        if not drop or not terms.weights.keys() - drop:
            return terms
        return Terms.of({t: w for t, w in terms.weights.items() if t not in drop}, terms.concepts)
