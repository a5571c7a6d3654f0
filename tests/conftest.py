"""Shared fixtures. Tests use their own data dir (var/test-data, git-ignored), never the
user's index; the full shipped corpus is indexed once per run (embedding cache kept)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "policies"
TEST_DATA = Path(os.environ.get("INKOOPWIJZER_TEST_DATA_DIR", REPO / "var" / "test-data"))
os.environ["INKOOPWIJZER_DATA_DIR"] = str(TEST_DATA)
os.environ.setdefault("INKOOPWIJZER_TODAY", "2026-11-23")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def settings():  # type: ignore[no-untyped-def]
    """Settings of the shared test index, built from the shipped corpus on first use."""
    from index.store import ensure_index
    from inkoopwijzer.settings import Settings

    s = Settings(data_dir=TEST_DATA)
    ensure_index(s)
    return s


@pytest.fixture
def fresh_settings(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    """Settings with an empty data dir that shares the embedding cache of the test index."""
    from inkoopwijzer.settings import Settings

    s = Settings(data_dir=tmp_path / "data")
    s.cache_dir.mkdir(parents=True)
    cache = settings.cache_dir / "embeddings.sqlite"
    if cache.exists():
        shutil.copy(cache, s.cache_dir / "embeddings.sqlite")
    return s
