"""Time from the end of the install to the first answer over HTTP, on a fresh clone.

    .venv/bin/python bench/bench_fresh_clone.py [--repeats 3] [--question "..."]

Each repeat clones this repository's HEAD into a temporary folder (no index, no embedding
cache, no `var/`), then does what `make run` does after installing: starts the server
(`python -m ui`, the same as `inkoopwijzer serve`). The install itself is the one of this
checkout's `.venv` (installing again would only time pip): the clone's own code is used
(`PYTHONPATH` points at it), so what is timed is the clone's first start. The clock starts
when the server process starts (the install has ended) and stops when `POST /api/ask`
answers the question. Also recorded: when the page first answers (`GET /` 200: "up at
once") and when `/healthz` first says ok. Results: `bench/results/fresh_clone.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from common import BENCH_TODAY, REPO_ROOT, log, run_header, save_results

QUESTION = "Tot wanneer kan een nieuwe zorgaanbieder zich aanmelden bij Zilveren Kruis voor MSZ 2027?"
TARGET_S = 30.0
LIMIT_S = 600.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any] | None]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw) if raw[:1] in (b"{", b"[") else None
    except ValueError:
        return status, None


def one_run(question: str) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="inkoopwijzer-clone-"))
    clone = folder / "repo"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(REPO_ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "-q", head], cwd=clone, check=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKOOPWIJZER_")}
    env.update({"PYTHONPATH": str(clone), "PYTHONUNBUFFERED": "1", "INKOOPWIJZER_TODAY": BENCH_TODAY,
                "INKOOPWIJZER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"})
    url = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"commit": head[:7]}
    log_path = folder / "server.log"
    t0 = time.perf_counter()
    with log_path.open("wb") as server_log:
        proc = subprocess.Popen([sys.executable, "-m", "ui", "--port", str(port)], cwd=clone, env=env,
                                stdout=server_log, stderr=subprocess.STDOUT)
    try:
        building_seen = False
        while time.perf_counter() - t0 < LIMIT_S:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
            elapsed = time.perf_counter() - t0
            try:
                if "page_s" not in out:
                    with urllib.request.urlopen(url + "/", timeout=10) as r:
                        if r.status == 200:
                            out["page_s"] = round(elapsed, 2)
                status, health = _request(url + "/healthz")
                if health and health.get("status") == "building":
                    building_seen = True
                if status == 200 and "healthy_s" not in out:
                    out["healthy_s"] = round(time.perf_counter() - t0, 2)
                status, answer = _request(url + "/api/ask", {"question": question})
                if status == 200 and answer and answer.get("status") in ("answered", "not_found"):
                    out["first_answer_s"] = round(time.perf_counter() - t0, 2)
                    out["answer_status"] = answer["status"]
                    out["citations"] = len(answer.get("citations", []))
                    out["page_images"] = sum(len(c.get("page_images", [])) for c in answer.get("citations", []))
                    break
                if status == 503 and answer and answer.get("status") == "building":
                    out.setdefault("building_answer_s", round(time.perf_counter() - t0, 2))
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        out["building_seen"] = building_seen
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    if "first_answer_s" not in out:
        raise RuntimeError(f"no answer within {LIMIT_S:.0f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one repeat")
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    header = run_header(args.quick)
    runs = []
    for i in range(repeats):
        r = one_run(args.question)
        log(f"run {i + 1}/{repeats}: page after {r.get('page_s')} s, healthy after {r.get('healthy_s')} s, "
            f"first answer after {r['first_answer_s']} s")
        runs.append(r)
    firsts = [r["first_answer_s"] for r in runs]
    summary = {
        "question": args.question,
        "runs": runs,
        "first_answer_s_median": round(statistics.median(firsts), 2),
        "first_answer_s_max": max(firsts),
        "target_s": TARGET_S,
        "met": max(firsts) <= TARGET_S,
    }
    path = save_results("fresh_clone", header, summary)
    log(f"first answer on a fresh clone: median {summary['first_answer_s_median']} s, max {summary['first_answer_s_max']} s "
        f"(target {TARGET_S:.0f} s) → {path.relative_to(REPO_ROOT)}")
    return 0 if summary["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
