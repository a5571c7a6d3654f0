"""Checks on the gold evaluation set in evals/data/ (tuning, former_heldout, probe, fresh, fresh2: training;
heldout and comparison: the gate).

Stdlib only. The evidence quotes are checked against the plain-text copies of the
policies in evals/data/corpus_txt/<stem>.txt, so the test does not depend on PDF parsing.

Run:  python -m pytest -q tests/unit/test_gold_set.py
Stats (used for evals/data/README.md):  python tests/unit/test_gold_set.py
Set GOLD_DIR to check another directory with the same layout.
"""
import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = Path(os.environ.get("GOLD_DIR", ROOT / "evals" / "data"))
SPLITS = ("tuning", "former_heldout", "probe", "fresh", "fresh2", "heldout", "comparison")
GATE_SPLIT = "heldout"  # frozen by its sha256 in evals/thresholds.json; read as totals only
# the comparison gate split (issue 23): comparisons only, frozen and read as totals only like the held-out one
COMPARISON_SPLIT = "comparison"
GATE_SPLITS = (GATE_SPLIT, COMPARISON_SPLIT)
CORPUS_DIR = GOLD_DIR / "corpus_txt"
POLICY_DIR = ROOT / "data" / "policies"

TYPES = {"deadline", "threshold", "condition", "process", "change", "definition",
         "ambiguous", "unanswerable", "followup", "comparison", "yesno"}
# the types the older splits were written with (yesno and comparison came with the fresh held-out split)
CORE_TYPES = TYPES - {"comparison", "yesno"}
REQUIRED = {"id": str, "question": str, "type": str, "answer": str,
            "must_contain": list, "source": (str, list, type(None)),
            "evidence": list, "insurer": (str, type(None))}
OPTIONAL = {"history": list, "notes": str}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*-\d{3}$")
MAX_QUOTE = 300

# Minimums over both files together.
MIN_TOTAL = 150
MIN_ENGLISH_SHARE = 0.15
MIN_UNANSWERABLE = 12
MIN_FOLLOWUP = 12
MIN_AMBIGUOUS = 12
MIN_PER_DOCUMENT = 8


def fold(text):
    """Matching normalisation: markdown links -> link text, whitespace runs -> one space,
    lower case, and '€ 100' == '€100'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.replace("€ ", "€")


EN_WORDS = set("""the what when which how does do is are was were we our us can could and for
from of to with should will would why who whom after before by much many long get need have
has been there any must under abroad may our their it its this that these those than if
about into per mean means apply start starting changed change new shift still back hear
""".split())
NL_WORDS = set("""de het een wat wanneer welke hoe moet moeten ik mijn ons onze bij voor van en
zijn er nog dan als tot aan naar op om niet geen heeft hebben wordt worden uiterlijk kan kun
mag wie waar hoeveel hoelang je jullie wij zij dat die deze dit ook al nieuwe nieuw binnen
""".split())


def is_english(question):
    words = re.findall(r"[a-zA-Z']+", question.lower())
    en = sum(w in EN_WORDS for w in words)
    nl = sum(w in NL_WORDS for w in words)
    return en > nl


def load_split(name):
    path = GOLD_DIR / f"{name}.jsonl"
    assert path.is_file(), f"missing {path}"
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{lineno}: blank line"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AssertionError(f"{path.name}:{lineno}: invalid JSON: {exc}") from exc
        assert isinstance(obj, dict), f"{path.name}:{lineno}: not an object"
        rows.append(obj)
    return rows


def load_all():
    return {name: load_split(name) for name in SPLITS}


def all_entries():
    out = []
    for rows in load_all().values():
        out.extend(rows)
    return out


def load_corpus():
    docs = {p.stem + ".pdf": fold(p.read_text(encoding="utf-8")) for p in CORPUS_DIR.glob("*.txt")}
    assert docs, f"no corpus texts in {CORPUS_DIR}"
    return docs


def sources_of(entry):
    src = entry.get("source")
    if src is None:
        return []
    return src if isinstance(src, list) else [src]


def label(entry):
    return entry.get("id", "<no id>")


def check_all(entries, check):
    errors = []
    for entry in entries:
        errors.extend(f"{label(entry)}: {msg}" for msg in check(entry))
    assert not errors, f"{len(errors)} problem(s):\n" + "\n".join(errors[:50])


# --------------------------------------------------------------------- format

def _format_problems(entry):
    for key, typ in REQUIRED.items():
        if key not in entry:
            yield f"missing field {key!r}"
        elif not isinstance(entry[key], typ):
            yield f"field {key!r} has type {type(entry[key]).__name__}"
    for key in entry:
        if key not in REQUIRED and key not in OPTIONAL:
            yield f"unknown field {key!r}"
    for key, typ in OPTIONAL.items():
        if key in entry and not isinstance(entry[key], typ):
            yield f"field {key!r} has type {type(entry[key]).__name__}"
    if not isinstance(entry.get("id"), str) or not ID_RE.match(entry["id"]):
        yield f"bad id {entry.get('id')!r}"
    if entry.get("type") not in TYPES:
        yield f"unknown type {entry.get('type')!r}"
    for key in ("question", "answer"):
        if isinstance(entry.get(key), str) and not entry[key].strip():
            yield f"empty {key}"
    if isinstance(entry.get("answer"), str) and len(entry["answer"]) > 600:
        yield "answer longer than 600 characters (should be 1-3 sentences)"
    for item in entry.get("must_contain") or []:
        alts = item if isinstance(item, list) else [item]
        if not alts or not all(isinstance(a, str) and a.strip() for a in alts):
            yield f"bad must_contain item {item!r}"
    for quote in entry.get("evidence") or []:
        if not isinstance(quote, str) or not quote.strip():
            yield f"bad evidence item {quote!r}"
    src = entry.get("source")
    if isinstance(src, list) and (not src or not all(isinstance(s, str) for s in src)):
        yield f"bad source list {src!r}"
    for s in sources_of(entry):
        if isinstance(s, str) and not s.endswith(".pdf"):
            yield f"source {s!r} is not a PDF file name"
    if "history" in entry:
        yield from _history_problems(entry["history"])


def _history_problems(history):
    if not isinstance(history, list) or not history:
        yield "history must be a non-empty list"
        return
    for i, turn in enumerate(history):
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            yield f"history[{i}] must be exactly {{'role', 'content'}}"
            continue
        expected = "user" if i % 2 == 0 else "assistant"
        if turn["role"] != expected:
            yield f"history[{i}] role {turn['role']!r}, expected {expected!r}"
        if not isinstance(turn["content"], str) or not turn["content"].strip():
            yield f"history[{i}] has empty content"
    if isinstance(history[-1], dict) and history[-1].get("role") != "assistant":
        yield "history must end with an assistant turn"


def test_format():
    check_all(all_entries(), lambda e: list(_format_problems(e)))


def test_ids_unique_across_files():
    seen = {}
    dupes = []
    for name, rows in load_all().items():
        for entry in rows:
            if entry.get("id") in seen:
                dupes.append(f"{entry.get('id')} in {seen[entry['id']]} and {name}")
            seen[entry.get("id")] = name
    assert not dupes, "duplicate ids: " + ", ".join(dupes)


def test_questions_unique():
    seen = set()
    dupes = []
    for entry in all_entries():
        # a follow-up ("en bij Salland?") may recur after another conversation
        history = " ".join(turn.get("content", "") for turn in entry.get("history") or [])
        key = fold(f'{entry.get("question", "")} {history}')
        if key in seen:
            dupes.append(label(entry))
        seen.add(key)
    assert not dupes, "duplicate questions: " + ", ".join(dupes)


# --------------------------------------------------------------------- per type rules

def _type_problems(entry):
    kind = entry.get("type")
    srcs = sources_of(entry)
    if kind == "unanswerable":
        if entry.get("source") is not None:
            yield "unanswerable must have source null"
        if entry.get("evidence"):
            yield "unanswerable must have empty evidence"
        if entry.get("must_contain"):
            yield "unanswerable must have empty must_contain"
    else:
        if not srcs:
            yield "answerable question without source"
        if not entry.get("evidence"):
            yield "answerable question without evidence"
        if not entry.get("must_contain"):
            yield "answerable question without must_contain"
    if kind in ("ambiguous", "comparison"):
        if not isinstance(entry.get("source"), list) or len(set(srcs)) < 2:
            yield f"{kind} needs a source list with at least 2 files"
        if kind == "ambiguous" and len(entry.get("must_contain") or []) < 2:
            yield "ambiguous needs a must_contain item per insurer/document"
    if kind == "followup":
        if not entry.get("history"):
            yield "followup needs a history"
        elif len(entry["history"]) < 2:
            yield "followup history needs a user and an assistant turn"
    elif "history" in entry:
        yield "history is only for followup questions"


def test_type_rules():
    check_all(all_entries(), lambda e: list(_type_problems(e)))


# --------------------------------------------------------------------- grounding

def test_sources_are_known_documents():
    docs = load_corpus()
    policies = {p.name for p in POLICY_DIR.glob("*.pdf")} if POLICY_DIR.is_dir() else None

    def problems(entry):
        for s in sources_of(entry):
            if s not in docs:
                yield f"unknown source {s!r}"
            if policies is not None and s not in policies:
                yield f"source {s!r} not in {POLICY_DIR}"
        if len(set(sources_of(entry))) != len(sources_of(entry)):
            yield "duplicate file in source list"
    check_all(all_entries(), lambda e: list(problems(e)))


def test_evidence_quotes_occur_in_source():
    docs = load_corpus()

    def problems(entry):
        srcs = [s for s in sources_of(entry) if s in docs]
        covered = set()
        for quote in entry.get("evidence") or []:
            if len(quote) > MAX_QUOTE:
                yield f"quote longer than {MAX_QUOTE} chars: {quote[:60]!r}"
            folded = fold(quote)
            hits = [s for s in srcs if folded in docs[s]]
            if not hits:
                yield f"quote not found in {srcs}: {quote[:80]!r}"
            covered.update(hits)
        for s in srcs:
            if s not in covered:
                yield f"no evidence quote from source {s}"
    check_all(all_entries(), lambda e: list(problems(e)))


def test_must_contain_supported_by_evidence_or_answer():
    def problems(entry):
        haystack = fold(" ".join(entry.get("evidence") or []) + " " + entry.get("answer", ""))
        for item in entry.get("must_contain") or []:
            alts = item if isinstance(item, list) else [item]
            if not any(fold(a) in haystack for a in alts):
                yield f"must_contain {item!r} not in evidence or answer"
    check_all(all_entries(), lambda e: list(problems(e)))


# --------------------------------------------------------------------- distribution

def test_distribution_minimums():
    entries = all_entries()
    docs = load_corpus()
    n = len(entries)
    assert n >= MIN_TOTAL, f"only {n} questions"
    english = sum(is_english(e["question"]) for e in entries)
    assert english / n >= MIN_ENGLISH_SHARE, f"only {english}/{n} English questions"
    by_type = {}
    for e in entries:
        by_type[e["type"]] = by_type.get(e["type"], 0) + 1
    assert by_type.get("unanswerable", 0) >= MIN_UNANSWERABLE, by_type
    assert by_type.get("ambiguous", 0) >= MIN_AMBIGUOUS, by_type
    followups = sum(1 for e in entries if e["type"] == "followup" and e.get("history"))
    assert followups >= MIN_FOLLOWUP, f"only {followups} followups with history"
    for doc in docs:
        count = sum(doc in sources_of(e) for e in entries)
        assert count >= MIN_PER_DOCUMENT, f"{doc} is the source of only {count} questions"


def test_splits_have_a_similar_mix():
    data = load_all()
    for name, rows in data.items():
        assert rows, f"{name} is empty"
        if name == COMPARISON_SPLIT:
            assert {e["type"] for e in rows} == {"comparison"}, "the comparison split holds comparisons only"
            assert len(rows) >= 50, "the comparison split needs at least 50 questions"
            continue
        types = {e["type"] for e in rows}
        wanted = TYPES if name == GATE_SPLIT else CORE_TYPES
        assert wanted <= types, f"{name} lacks types {sorted(wanted - types)}"
        english = sum(is_english(e["question"]) for e in rows)
        assert english / len(rows) >= MIN_ENGLISH_SHARE, f"{name}: only {english}/{len(rows)} English"
        for doc in load_corpus():
            assert any(doc in sources_of(e) for e in rows), f"{name} never uses {doc}"
    assert len(data[GATE_SPLIT]) >= 120, "the gate split needs at least 120 questions"


def test_gate_split_is_frozen():
    import hashlib

    frozen = json.loads((ROOT / "evals" / "thresholds.json").read_text(encoding="utf-8")).get("frozen", {})
    for split in GATE_SPLITS:
        digest = hashlib.sha256((GOLD_DIR / f"{split}.jsonl").read_bytes()).hexdigest()
        assert frozen.get(f"{split}.jsonl") == digest, f"the gate split {split} changed: it is frozen by its sha256"


# --------------------------------------------------------------------- stats for the README

def stats():
    data = load_all()
    docs = sorted(load_corpus())
    cols = list(SPLITS) + ["total"]
    lines = []

    def table(title, keys, count):
        lines.append(f"| {title} | " + " | ".join(cols) + " |")
        lines.append("|---|" + "---|" * len(cols))
        for k in keys:
            vals = [count(data[s], k) for s in SPLITS]
            lines.append(f"| {k} | " + " | ".join(str(v) for v in vals + [sum(vals)]) + " |")
        lines.append("")

    order = ["deadline", "threshold", "condition", "process", "change", "definition",
             "ambiguous", "comparison", "yesno", "unanswerable", "followup"]
    table("type", order, lambda rows, k: sum(e["type"] == k for e in rows))
    table("source document (an entry counts once per file it cites)", docs + ["none (unanswerable)"],
          lambda rows, k: sum((e["source"] is None) if k.startswith("none") else (k in sources_of(e)) for e in rows))
    table("language of the question", ["nl", "en"],
          lambda rows, k: sum(is_english(e["question"]) == (k == "en") for e in rows))
    table("all", ["questions"], lambda rows, k: len(rows))
    return "\n".join(lines)


if __name__ == "__main__":
    print(stats())
