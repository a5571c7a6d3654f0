"""Language-model mode: time to first token, tokens per second and the whole model step,
with the local model (`make llm`), over real extractive answers of the shipped corpus.

    .venv/bin/python bench/bench_llm.py [--quick]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_seed, log, parse_args, run_header, save_results, summarize  # noqa: E402

QUESTIONS = [
    "Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis voor MSZ 2027?",
    "deadline offerte salland?",
    "What is the deadline for the financial proposal at Zilveren Kruis?",
    "Hoeveel procent van de knie- en heuppatiënten moet vooraf fysiotherapie hebben gehad?",
]


def main() -> int:
    args = parse_args(__doc__ or "")
    from assistant.llm import stream_llm
    from assistant.local_model import model_path
    from assistant.service import Assistant

    settings = ensure_seed().model_copy(update={"llm_backend": "local", "llm_timeout_s": 120.0})
    if model_path(settings) is None:
        log("no local model installed (`make llm`): nothing measured")
        return 0
    header = run_header(args.quick)
    assistant = Assistant(settings)
    rounds = 1 if args.quick else 2
    first: list[float] = []
    total: list[float] = []
    rates: list[float] = []
    outcomes: dict[str, int] = {}
    t_load = time.perf_counter()
    for r in range(rounds + 1):
        for q in QUESTIONS[: 2 if args.quick else None]:
            base = assistant.ask(q, mode="extractive")
            t0 = time.perf_counter()
            ttft = None
            pieces: list[str] = []
            final: Any = None
            for piece in stream_llm(base, settings):
                if isinstance(piece, str):
                    if ttft is None:
                        ttft = (time.perf_counter() - t0) * 1000
                    pieces.append(piece)
                else:
                    final = piece
            elapsed = (time.perf_counter() - t0) * 1000
            if r == 0:
                log(f"warm-up (model load and first prompt): {elapsed:.0f} ms")
                continue
            outcomes[final.mode] = outcomes.get(final.mode, 0) + 1
            total.append(elapsed)
            if ttft is not None:
                first.append(ttft)
                n_tokens = max(1, len("".join(pieces).split()) * 4 // 3)  # ≈ tokens from words
                gen_s = max(1e-3, (elapsed - ttft) / 1000)
                rates.append(n_tokens / gen_s)
    results = {
        "model": "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (llama.cpp, 2 threads)",
        "first_run_ms_incl_load": round((time.perf_counter() - t_load) * 1000),
        "time_to_first_token_ms": summarize(first, 0),
        "tokens_per_second_approx": summarize(rates, 1),
        "whole_model_step_ms": summarize(total, 0),
        "answers_by_mode": outcomes,
        "note": "tokens counted as 4/3 per word of the streamed text; prompt = the cited passages of the extractive answer",
    }
    path = save_results("llm", header, results)
    log(f"wrote {path}")
    from report import render

    render()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
