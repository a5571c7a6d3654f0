"""`python -m evals`: the evaluation runner without the `inkoopwijzer` CLI (same options as `inkoopwijzer eval`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .runner import cli_eval


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    parser.add_argument("--gold", type=Path, help="a gold JSON Lines file (default: every split: tuning, former_heldout, probe, fresh, fresh2, heldout and comparison)")
    parser.add_argument(
        "--split", help="with --gold: the split name to report (default: the file stem); else pick one default split"
    )
    parser.add_argument("--out", type=Path, default=Path("eval-out"), help="output folder (default: eval-out)")
    parser.add_argument("--mode", choices=["extractive", "llm"], help="answer mode (default: the configured one)")
    parser.add_argument("--baseline", action="store_true", help="also measure the naive LangChain baseline")
    parser.add_argument("--gate", action="store_true", help="check evals/thresholds.json; exit 1 on a failure")
    parser.add_argument(
        "--save-reference", action="store_true", help="copy metrics.json and results.jsonl to evals/reference/"
    )
    parser.add_argument("--quiet", action="store_true", help="no per-question progress")
    args = parser.parse_args(argv)
    return cli_eval(
        args.gold,
        args.out,
        args.mode,
        args.baseline,
        args.gate,
        split=args.split,
        save_as_reference=args.save_reference,
        quiet=args.quiet,
    )


if __name__ == "__main__":
    raise SystemExit(main())
