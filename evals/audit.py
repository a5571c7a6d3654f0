"""The rule audit: whether each hand-set constant of the answerer earns its place on the training
splits (never the gate's), as issue 21 asks of every rule ("rules whose weight comes out near zero go").

Each constant listed in `evals/data/audit.json` is set, in turn, to each of its values — its value
switched off (a weight of 1, a bonus of 0, a ratio that lets everything or nothing through) and a few others —
and every training question is answered again with it. Per value the audit prints key facts, refusal
of the unanswerable, false refusals, quote precision, answer length p50, how many answers changed,
and the utility

    key facts stated + unanswerable refused − 2 × false refusals

(false refusals count twice: the issue holds them at 3 % while refusal may fall short). It then
cross-validates the choice: over 20 shuffles of the questions into 5 folds, the value with the best
utility on four folds (then the best quote precision, then the shipped value) answers the fifth. A
rule whose switched-off value is as good in cross-validation as the shipped one does not earn its
place by the whole answers; the unit model's lead precision (`inkoopwijzer tune`) may still keep it.

    INKOOPWIJZER_TODAY=2026-11-23 python -m evals.audit [--only NAME,NAME] [--out FILE.json]

About 40 seconds per value on two cores; the whole list takes about half an hour. Not part of CI.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .metrics import holds_evidence, key_facts_stated

if TYPE_CHECKING:
    from assistant.engine import Engine

    from .gold import GoldQuestion

AUDIT_FILE = Path(__file__).resolve().parent / "data" / "audit.json"
FOLDS = 5
REPEATS = 20
FALSE_REFUSAL_COST = 2


@dataclass(frozen=True)
class Outcome:
    """One training question's answer, as the audit counts it."""

    answerable: bool
    status: str
    chars: int
    key_facts: bool | None
    quotes: int
    relevant: int
    text: str


def utility(run: dict[str, Outcome], ids: Sequence[str]) -> int:
    facts = sum(bool(run[i].key_facts) for i in ids)
    refused = sum(run[i].status == "not_found" for i in ids if not run[i].answerable)
    false = sum(run[i].status != "answered" for i in ids if run[i].answerable)
    return facts + refused - FALSE_REFUSAL_COST * false


def answer_all(engine: Engine, questions: Sequence[GoldQuestion]) -> dict[str, Outcome]:
    out = {}
    for g in questions:
        a = engine.answer(g.question, g.history, None, False)
        scored = bool(g.evidence) and a.status == "answered" and bool(a.citations)
        out[g.id] = Outcome(
            answerable=g.answerable,
            status=a.status,
            chars=len(a.answer),
            key_facts=bool(key_facts_stated(g, a.answer)[0]) if g.answerable and g.must_contain else None,
            quotes=len(a.citations) if scored else 0,
            relevant=sum(holds_evidence(c.quote, g.evidence) for c in a.citations) if scored else 0,
            text=a.answer,
        )
    return out


def totals(run: dict[str, Outcome], shipped: dict[str, Outcome]) -> dict[str, Any]:
    ids = list(run)
    lengths = [o.chars for o in run.values() if o.answerable and o.status == "answered"]
    quotes = quoted(run, ids)[1]
    return {
        "key_facts": sum(bool(o.key_facts) for o in run.values()),
        "refused": sum(o.status == "not_found" for o in run.values() if not o.answerable),
        "false_refusals": sum(o.status != "answered" for o in run.values() if o.answerable),
        "quote_precision": round(precision(run, ids), 3) if quotes else None,
        "answer_chars_p50": statistics.median(lengths) if lengths else None,
        "changed": sum(run[i].text != shipped[i].text for i in ids),
        "utility": utility(run, ids),
    }


def quoted(run: dict[str, Outcome], ids: Sequence[str]) -> tuple[int, int]:
    """Quotes holding evidence, and all quotes scored, over the questions."""
    return sum(run[i].relevant for i in ids), sum(run[i].quotes for i in ids)


def precision(run: dict[str, Outcome], ids: Sequence[str]) -> float:
    relevant, quotes = quoted(run, ids)
    return relevant / quotes if quotes else 0.0


def cross_validated(runs: dict[str, dict[str, Outcome]], shipped: str) -> tuple[float, float, Counter[str]]:
    """Choosing the value on FOLDS - 1 folds — by utility, then (an issue 21 target too) quote
    precision, then the shipped value — and answering the held-out fold with it: the utility summed
    over the held-out folds and averaged over REPEATS shuffles, the quote precision of all the
    held-out folds' quotes, and how often each value was chosen (seeded: deterministic)."""
    ids = sorted(runs[shipped])
    total = 0
    relevant = quotes = 0
    chosen: Counter[str] = Counter()
    for seed in range(REPEATS):
        order = ids[:]
        random.Random(seed).shuffle(order)
        for k in range(FOLDS):
            test = order[k::FOLDS]
            held = set(test)
            train = [i for i in order if i not in held]
            best = max(runs, key=lambda v: (utility(runs[v], train), precision(runs[v], train), v == shipped))
            chosen[best] += 1
            total += utility(runs[best], test)
            r, q = quoted(runs[best], test)
            relevant, quotes = relevant + r, quotes + q
    return total / REPEATS, (relevant / quotes if quotes else 0.0), chosen


def audit_one(
    engine: Engine,
    questions: Sequence[GoldQuestion],
    base: dict[str, Outcome],
    entry: dict[str, Any],
    log: Callable[[str], None],
) -> dict[str, Any]:
    """One constant: its values' totals and the cross-validated utility of choosing among them,
    against always the shipped value and always the rule switched off (`base`: the answers with
    every constant as shipped)."""
    module = importlib.import_module(entry["module"])
    name = entry["name"]
    shipped = getattr(module, name)
    values = [v for v in dict.fromkeys([entry["off"], *entry.get("values", [])]) if v != shipped]
    lossy = [v for v in values if type(shipped)(v) != v]
    if lossy:
        raise ValueError(f"{name} is {type(shipped).__name__}: {lossy} would be cut; give values of that type in {AUDIT_FILE.name}")
    runs: dict[str, dict[str, Outcome]] = {str(shipped): base}
    try:
        for v in values:
            setattr(module, name, type(shipped)(v))
            runs[str(v)] = answer_all(engine, questions)
            log(f"{name} = {v}: answered")
    finally:
        setattr(module, name, shipped)
    ids = list(base)
    cv_utility, cv_precision, chosen = cross_validated(runs, str(shipped))
    result = {
        "name": name,
        "module": entry["module"],
        "shipped": shipped,
        "off": entry["off"],
        "values": {v: totals(r, base) for v, r in runs.items()},
        "cv_choosing": round(cv_utility, 1),
        "cv_choosing_quote_precision": round(cv_precision, 3),
        "cv_chosen": dict(chosen.most_common()),
        "cv_shipped": float(utility(base, ids)),
        "cv_off": float(utility(runs[str(entry["off"])], ids)),
    }
    log(json.dumps(result, ensure_ascii=False))
    return result


def markdown(results: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| constant | value | key facts | refused | false refusals | quote precision | length p50 | answers changed | utility |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for v, t in r["values"].items():
            mark = " (shipped)" if v == str(r["shipped"]) else " (off)" if v == str(r["off"]) else ""
            lines.append(
                f"| {r['name']} | {v}{mark} | {t['key_facts']} | {t['refused']} | {t['false_refusals']} | "
                f"{t['quote_precision']} | {t['answer_chars_p50']} | {t['changed']} | {t['utility']} |"
            )
        lines.append(
            f"| {r['name']} | cross-validated choice | | | | {r['cv_choosing_quote_precision']} | | | {r['cv_choosing']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated constant names (default: all in evals/data/audit.json)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    entries = json.loads(AUDIT_FILE.read_text(encoding="utf-8"))["constants"]
    wanted = [n for n in args.only.split(",") if n]
    unknown = sorted(set(wanted) - {e["name"] for e in entries})
    if unknown:
        parser.error(f"not in {AUDIT_FILE.name}: {', '.join(unknown)}; add an entry there first")
    from assistant.engine import Engine
    from index.search import get_searcher
    from inkoopwijzer.settings import Settings

    from .tune import training_questions

    settings = Settings()
    engine = Engine(get_searcher(settings), settings)
    _, questions = training_questions()
    base = answer_all(engine, questions)
    results = [audit_one(engine, questions, base, e, print) for e in entries if not wanted or e["name"] in wanted]
    print(markdown(results))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
