"""Security benchmarks (issue 20), on a real `inkoopwijzer serve` over the seed index:

1. **Long history.** What one request with a long history costs the server, and what an
   unrelated user's question waits while four such requests run (target: ≤ 1 s each):
   - the attack as reported: a 60 KB user turn before "en bij Salland?" (`POST /api/ask`
     and the Gradio chat endpoint `/gradio_api/call/chat`): refused;
   - the most costly history the server accepts: 20 turns at their limits (user turns of
     `max_question_chars`, answers of `max_turn_chars`), in Dutch and in English with
     made-up words (every unknown word is a lexicon lookup), before a follow-up question.
   Each request's text differs (a counter), so none is served from the query memo. The
   server time of one request is its latency when sent alone (127.0.0.1), and the server's
   CPU time over it. The unrelated questions are the same eight, alone and under attack.
2. **Hostile text in one question.** Questions at `max_question_chars` made of what makes a
   regular expression backtrack (runs of spaces, commas, repeated names and comparison words,
   one 1,000-letter word): the latency and server CPU of each, asked alone (target: ≤ 1 s each).
3. **Memory per ingest.** 50 small documents uploaded one by one through the desk API
   (`POST /api/documents`), each ingest followed by a question (so the new index version is
   loaded); the server's resident memory after each (target: after 50 within 10 % of after 5).

    .venv/bin/python bench/bench_attacks.py            # both (≈10 min on 2 cores)
    .venv/bin/python bench/bench_attacks.py --quick    # fewer repeats, 12 ingests
    .venv/bin/python bench/bench_attacks.py --only history|patterns|memory

Writes bench/results/attacks.json and the figures block of docs/security.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

from common import (
    REPO_ROOT,
    SEED_DIR,
    WORK_DIR,
    ensure_seed,
    exit_on_sigterm,
    load_results,
    log,
    rss_mb,
    run_header,
    running_server,
    save_results,
)

DOC = REPO_ROOT / "docs" / "security.md"
_BLOCK = re.compile(r"(<!-- BEGIN attack-figures.*?-->\n)(.*?)(<!-- END attack-figures -->)", re.S)
TOKEN = "bench-desk-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SERVER_ENV = {"INKOOPWIJZER_DESK_TOKEN": TOKEN, "INKOOPWIJZER_RATE_LIMIT_PER_MINUTE": "1000000"}
VICTIMS = [
    "Wanneer moet de offerte bij Salland binnen zijn?",
    "Welke kwaliteitseisen stelt Zilveren Kruis aan aanbieders van geriatrische revalidatiezorg?",
    "Hoe verloopt de contracteerprocedure bij Zorg en Zekerheid?",
    "Wat is de looptijd van het contract voor eerstelijnsverblijf?",
    "Welke documenten moet ik aanleveren bij de offerte?",
    "Hoe vraag ik een gesprek aan met de zorginkoper?",
    "Moet ik een kwaliteitsvisitatie laten uitvoeren?",
    "Wat zijn de afspraken over wachttijden bij Salland?",
]


def _stats(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": round(statistics.median(values), 3), "max": round(max(values), 3)} if values else {"n": 0}


def _fill(text: str, size: int) -> str:
    return (text * (size // len(text) + 1))[:size]


# each filled to max_question_chars; a counter makes each request's text differ (no memo)
HOSTILE = {
    "runs of spaces": "Zorg" + " " * 5000 + "x ZK en Salland verschil?",
    "runs of tabs and spaces": "Wat\t \t" * 900,
    "line breaks": "Wanneer\n" * 700,
    "commas": "a, " * 2000,
    "\"en\" repeated": "en " * 2000,
    "full stops": ". " * 3000,
    "question marks": "? " * 3000,
    "names repeated": "Salland en Zilveren Kruis " * 300,
    "comparison words": "verschil tussen " * 400,
    "\"dezelfde\" repeated": "dezelfde " * 700,
    "one long word": "a" * 6000,
    "hyphens": "-" * 6000,
    "dates repeated": "1 september 2026 " * 400,
}


def hostile(name: str, n: int, limit: int) -> str:
    tail = f" {n}"
    return HOSTILE[name][: limit - len(tail)] + tail


def attack_60kb(n: int) -> dict[str, Any]:
    """The reported attack: one 60 KB user turn (a follow-up copies it into the search)."""
    history = [{"role": "user", "content": _fill(f"Wanneer moet de offerte {n} binnen zijn bij de zorgverzekeraar? ", 60_000)},
               {"role": "assistant", "content": "Op 1 juli."}]
    return {"question": "en bij Salland?", "history": history}


def attack_at_limits(n: int, english: bool, question_chars: int, turn_chars: int, turns: int) -> dict[str, Any]:
    """The most costly history the API accepts: `turns` turns at their length limits."""
    if english:
        user = " ".join(f"what about the zorblax{n}{i} quintary{i} flumpering{n} deadline" for i in range(200))
        question = "and what about Salland? " + " ".join(f"snarfle{n}{i}" for i in range(60))
    else:
        user = _fill(f"Wanneer moet de offerte {n} binnen zijn bij de zorgverzekeraar en welke eisen gelden er? ", 5000)
        question = "en bij Salland?"
    history = []
    for i in range(turns):
        if i % 2 == 0:
            history.append({"role": "user", "content": user[:question_chars]})
        else:
            history.append({"role": "assistant", "content": _fill(f"Het antwoord {n} staat in paragraaf {i}. ", turn_chars)})
    return {"question": question[:question_chars], "history": history}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _post(http: Any, path: str, body: dict[str, Any]) -> tuple[int, float]:
    t0 = time.perf_counter()
    r = http.post(path, json=body)
    return r.status_code, time.perf_counter() - t0


def _gradio_chat(http: Any, body: dict[str, Any]) -> tuple[str, float]:
    t0 = time.perf_counter()
    r = http.post("/gradio_api/call/chat", json={"data": [body["question"], body["history"], [], [], [], False]})
    events = http.get(f"/gradio_api/call/chat/{r.json()['event_id']}").text if r.status_code == 200 else str(r.status_code)
    outcome = "error" if "event: error" in events else "answered" if "event: complete" in events else events[:40]
    return outcome, time.perf_counter() - t0


def bench_history(url: str, pid: int, repeats: int, settings: Any) -> dict[str, Any]:
    """Latency (wall) and the server's CPU seconds per request: on a busy machine the wall
    time mostly measures the other work, the CPU time what the request itself cost."""
    import httpx

    http = httpx.Client(base_url=url, timeout=600)
    limits = (settings.max_question_chars, settings.max_turn_chars, settings.max_history_turns)
    out: dict[str, Any] = {"limits": dict(zip(["max_question_chars", "max_turn_chars", "max_history_turns"], limits, strict=True))}
    http.post("/api/ask", json={"question": "Welke eisen gelden er? (opwarmen)"})  # the engine is built on the first question

    codes, times = [], []
    for n in range(repeats):
        code, s = _post(http, "/api/ask", attack_60kb(n))
        codes.append(code)
        times.append(s)
    out["api_60kb"] = {"status": sorted(set(codes)), **_stats(times)}
    outcomes, times = [], []
    for n in range(repeats):
        outcome, s = _gradio_chat(http, attack_60kb(100 + n))
        outcomes.append(outcome)
        times.append(s)
    out["gradio_60kb"] = {"outcome": sorted(set(outcomes)), **_stats(times)}
    log(f"60 KB history: API {out['api_60kb']}, Gradio chat {out['gradio_60kb']}")

    for english in (False, True):
        key = "accepted_" + ("en" if english else "nl")
        codes, times, server_ms, cpu = [], [], [], []
        for n in range(repeats):
            body = attack_at_limits(200 + n + (1000 if english else 0), english, *limits)
            c0, t0 = cpu_seconds(pid), time.perf_counter()
            r = http.post("/api/ask", json=body)
            times.append(time.perf_counter() - t0)
            cpu.append(cpu_seconds(pid) - c0)
            codes.append(r.status_code)
            if r.status_code == 200:
                server_ms.append(float(r.json().get("timings", {}).get("total_ms", 0.0)))
        out[key] = {"status": sorted(set(codes)), "request_kb": round(len(str(body)) / 1024), **_stats(times),
                    "cpu_s": _stats(cpu),
                    "answer_total_ms_p50": round(statistics.median(server_ms), 1) if server_ms else None}
        log(f"history at the limits ({'English' if english else 'Dutch'}): {out[key]}")

    alone, cpu = [], []
    for i in range(repeats):
        c0 = cpu_seconds(pid)
        _, s = _post(http, "/api/ask", {"question": f"{VICTIMS[i % len(VICTIMS)]} ({i})"})
        alone.append(s)
        cpu.append(cpu_seconds(pid) - c0)
    out["victim_alone"] = {**_stats(alone), "cpu_s": _stats(cpu)}

    def attacker(n: int, english: bool, done: list[float]) -> None:
        with httpx.Client(base_url=url, timeout=600) as own:
            _, s = _post(own, "/api/ask", attack_at_limits(n, english, *limits))
            done.append(s)

    # the unrelated questions are asked one after another for as long as the four attacks run
    under_attack: list[float] = []
    attack_times: list[float] = []
    for i in range(repeats):
        threads = [threading.Thread(target=attacker, args=(5000 + 10 * i + k, k % 2 == 1, attack_times)) for k in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.05)
        while True:
            j = len(under_attack)
            _, s = _post(http, "/api/ask", {"question": f"{VICTIMS[j % len(VICTIMS)]} ({100 + j})"})
            under_attack.append(s)
            if not any(t.is_alive() for t in threads):
                break
        for t in threads:
            t.join()
    out["victim_during_4_attacks"] = _stats(under_attack)
    out["attack_during_4_attacks"] = _stats(attack_times)
    log(f"victim alone {out['victim_alone']}; with four accepted worst-case requests running {out['victim_during_4_attacks']}")
    http.close()
    return out


def bench_patterns(url: str, pid: int, repeats: int, settings: Any) -> dict[str, Any]:
    """Each hostile question (`HOSTILE`) asked `repeats` times: latency and the server's CPU seconds."""
    import httpx

    out: dict[str, Any] = {"max_question_chars": settings.max_question_chars, "cases": {}}
    with httpx.Client(base_url=url, timeout=600) as http:
        http.post("/api/ask", json={"question": "Welke eisen gelden er? (opwarmen)"})
        for name in HOSTILE:
            codes, times, cpu = [], [], []
            for n in range(repeats):
                c0, t0 = cpu_seconds(pid), time.perf_counter()
                r = http.post("/api/ask", json={"question": hostile(name, n, settings.max_question_chars)})
                times.append(time.perf_counter() - t0)
                cpu.append(cpu_seconds(pid) - c0)
                codes.append(r.status_code)
            out["cases"][name] = {"status": sorted(set(codes)), **_stats(times), "cpu_s": _stats(cpu)}
            log(f"hostile question, {name}: {out['cases'][name]}")
    return out


def bench_memory(ingests: int) -> dict[str, Any]:
    import httpx

    data_dir = WORK_DIR / "memory"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    shutil.copytree(SEED_DIR / "index", data_dir / "index")
    shutil.copytree(SEED_DIR / "cache", data_dir / "cache")
    samples: list[dict[str, Any]] = []
    with running_server(data_dir, WORK_DIR / "logs" / "attacks-memory.log", **SERVER_ENV) as server, \
            httpx.Client(base_url=server.url, timeout=600) as http:
        http.post("/api/ask", json={"question": "Wanneer moet de offerte bij Salland binnen zijn?"})
        samples.append({"ingests": 0, **rss_mb(server.proc.pid)})
        for i in range(1, ingests + 1):
            text = (f"Zorgverzekeraar Testpolis\nInkoopbeleid proef {i}\n\nDe offerte voor wijkverpleging moet uiterlijk "
                    f"{i % 28 + 1} maart binnen zijn bij de zorginkoper. Wij beoordelen de offerte binnen zes weken.\n")
            t0 = time.perf_counter()
            r = http.post("/api/documents", files={"files": (f"proef-{i}.txt", text.encode())}, headers=AUTH)
            r.raise_for_status()
            job = r.json()["job"]
            state = ""
            while state not in ("done", "failed"):
                time.sleep(0.2)
                state = http.get(f"/api/documents/jobs/{job}", headers=AUTH).json()["state"]
            http.post("/api/ask", json={"question": f"Wanneer moet de offerte voor wijkverpleging binnen zijn? ({i})"})
            sample = {"ingests": i, "state": state, "seconds": round(time.perf_counter() - t0, 1), **rss_mb(server.proc.pid)}
            samples.append(sample)
            log(f"ingest {i}: {sample}")
    by = {s["ingests"]: s["rss"] for s in samples}
    five, last = by.get(5), by[ingests]
    return {
        "ingests": ingests,
        "samples": samples,
        "rss_after_5": five,
        "rss_after_last": last,
        "growth_pct": round(100 * (last - five) / five, 1) if five else None,
        "within_10pct": bool(five and last <= five * 1.10),
    }


def _codes(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values)


def repeats_of(h: dict[str, Any]) -> int:
    return int(h.get("victim_alone", {}).get("n", 0))


def render(results: dict[str, Any]) -> str:
    lines = [f"*{'smoke run (`--quick`)' if results.get('quick') else 'full run'}, started {results.get('started')}, "
             f"1-minute load at start {results.get('load_start', [None])[0]}; `.venv/bin/python bench/bench_attacks.py`.*", ""]
    h = results.get("history")
    if h:
        lim = h["limits"]
        def cpu(d: dict[str, Any]) -> str:
            c = d.get("cpu_s")
            return f"{c['p50']} / {c['max']}" if c else "—"

        lines += [
            "| request | result | latency p50 / max (s) | server CPU p50 / max (s) |",
            "|---|---|---|---|",
            f"| `POST /api/ask`, one 60 KB user turn, \"en bij Salland?\" | {_codes(h['api_60kb']['status'])} | "
            f"{h['api_60kb']['p50']} / {h['api_60kb']['max']} | — |",
            f"| `/gradio_api/call/chat`, the same | {_codes(h['gradio_60kb']['outcome'])} (a message) | {h['gradio_60kb']['p50']} / "
            f"{h['gradio_60kb']['max']} | — |",
            f"| `POST /api/ask`, {lim['max_history_turns']} turns at their limits ({lim['max_question_chars']} / "
            f"{lim['max_turn_chars']} characters, {h['accepted_nl']['request_kb']} KB), Dutch follow-up | "
            f"{_codes(h['accepted_nl']['status'])} | {h['accepted_nl']['p50']} / {h['accepted_nl']['max']} | {cpu(h['accepted_nl'])} |",
            f"| the same in English with made-up words (lexicon lookups) | {_codes(h['accepted_en']['status'])} | "
            f"{h['accepted_en']['p50']} / {h['accepted_en']['max']} | {cpu(h['accepted_en'])} |",
            f"| an unrelated question, alone | 200 | {h['victim_alone']['p50']} / {h['victim_alone']['max']} | "
            f"{cpu(h['victim_alone'])} |",
            f"| unrelated questions, one after another while four requests at the limits run "
            f"({h['victim_during_4_attacks']['n']} asked over {repeats_of(h)} rounds) | 200 | "
            f"{h['victim_during_4_attacks']['p50']} / {h['victim_during_4_attacks']['max']} | — |",
            "",
            "Server CPU is the server process's user + system time over the request (all threads; the embedder "
            "runs two), which a busy machine inflates far less than the latency.",
            "",
        ]
    p = results.get("patterns")
    if p:
        lines += [
            f"Hostile text in one question of {p['max_question_chars']} characters (`--only patterns`, run "
            f"{p.get('started')}, 1-minute load at start {(p.get('load_start') or [None])[0]}), each asked alone:",
            "",
            "| question made of | result | latency p50 / max (s) | server CPU p50 / max (s) |",
            "|---|---|---|---|",
            *(f"| {name} | {_codes(c['status'])} | {c['p50']} / {c['max']} | {c['cpu_s']['p50']} / {c['cpu_s']['max']} |"
              for name, c in p["cases"].items()),
            "",
        ]
    m = results.get("memory")
    if m:
        rows = [s for s in m["samples"] if s["ingests"] in (0, 1, 5, 10, 20, 30, 40, 50) or s["ingests"] == m["ingests"]]
        lines += [
            f"Memory of the server (resident, MiB) over {m['ingests']} ingests through `POST /api/documents`: after 5 "
            f"**{m['rss_after_5']}**, after {m['ingests']} **{m['rss_after_last']}** ({m['growth_pct']:+} %; target ≤ +10 %: "
            f"{'met' if m['within_10pct'] else '**missed**'}).",
            "",
            "| ingests | " + " | ".join(str(s["ingests"]) for s in rows) + " |",
            "|---|" + "---|" * len(rows),
            "| RSS (MiB) | " + " | ".join(str(s["rss"]) for s in rows) + " |",
            "",
        ]
    return "\n".join(lines)


def write_doc(results: dict[str, Any]) -> None:
    text = DOC.read_text(encoding="utf-8")
    if not _BLOCK.search(text):
        log("docs/security.md has no attack-figures block; figures only in bench/results/attacks.json")
        return
    DOC.write_text(_BLOCK.sub(lambda m: m.group(1) + render(results) + "\n" + m.group(3), text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["history", "patterns", "memory"])
    args = parser.parse_args(argv)
    header = run_header(args.quick)
    previous = load_results("attacks") or {}
    settings = ensure_seed()
    results: dict[str, Any] = {k: previous[k] for k in ("history", "patterns", "memory") if k in previous}
    if args.only in (None, "history"):
        with running_server(SEED_DIR, WORK_DIR / "logs" / "attacks-history.log", **SERVER_ENV) as server:
            results["history"] = bench_history(server.url, server.proc.pid, 3 if args.quick else 8, settings)
    if args.only in (None, "patterns"):
        with running_server(SEED_DIR, WORK_DIR / "logs" / "attacks-patterns.log", **SERVER_ENV) as server:
            results["patterns"] = bench_patterns(server.url, server.proc.pid, 2 if args.quick else 5, settings)
            results["patterns"].update(started=header.get("started"), load_start=header.get("load_start"))
    if args.only in (None, "memory"):
        results["memory"] = bench_memory(12 if args.quick else 50)
    # the header dates the long-history and memory runs; the patterns carry their own date
    if args.only == "patterns":
        header = {**header, **{k: previous[k] for k in ("started", "quick", "load_start", "machine") if k in previous}}
    save_results("attacks", header, results)
    write_doc({**header, **results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
