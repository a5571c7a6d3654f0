"""A reproducible sample of the thresholds stored with the current index, to check by hand
(value and subject against the quote). The verdicts are recorded in docs/evaluation.md.

    python -m evals.facts_sample [--n 40] [--seed 23]
"""

from __future__ import annotations

import argparse
import random

from inkoopwijzer.types import Threshold

__all__ = ["threshold_sample"]


def threshold_sample(thresholds: list[Threshold], n: int = 40, seed: int = 23) -> list[Threshold]:
    """`n` thresholds drawn with a fixed seed, in the stored order's sample order."""
    return random.Random(seed).sample(thresholds, min(n, len(thresholds)))


def main(argv: list[str] | None = None) -> int:
    from index.facts import load_facts
    from index.store import current_version
    from inkoopwijzer.errors import IndexMissingError
    from inkoopwijzer.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m evals.facts_sample", description=__doc__)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args(argv)
    version = current_version(get_settings())
    if version is None:
        raise IndexMissingError()
    thresholds = load_facts(version).thresholds
    print(f"{len(thresholds)} thresholds in index version {version.name}; sample of {args.n} (seed {args.seed})")
    for i, t in enumerate(threshold_sample(thresholds, args.n, args.seed), 1):
        s = t.sources[0]
        upper = f"–{t.upper:g}" if t.upper is not None else ""
        print(f"{i}. {t.document} p. {s.page}: {t.kind} {t.comparator} {t.value:g}{upper} {t.unit} "
              f"| {t.text!r} | subject {t.subject!r}\n   “{' '.join(s.quote.split())}”")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
