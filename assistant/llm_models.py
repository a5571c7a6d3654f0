"""LangChain chat models for the language-model mode, chosen by `INKOOPWIJZER_LLM_BACKEND`.

- `openai`: any OpenAI-compatible chat endpoint through `langchain_openai.ChatOpenAI` — OpenAI
  itself, Ollama (`http://localhost:11434/v1`), vLLM (`http://host:8000/v1`), Azure OpenAI's v1
  endpoint (`https://<resource>.openai.azure.com/openai/v1/`) — with `INKOOPWIJZER_LLM_BASE_URL`,
  `_API_KEY` and `_MODEL`. No retries: a failure falls back to the extractive answer at once.
- `local`: `LlamaCppChatModel`, a small `BaseChatModel` over `llama_cpp.Llama` and the GGUF file
  that `python -m assistant.local_model --install` wrote (see `assistant.local_model`). The model
  is loaded once per process, on first use, and serves one generation at a time.

`chat_model(settings)` raises `ConfigError` when the backend cannot be used as configured.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import SecretStr

from inkoopwijzer.errors import ConfigError
from inkoopwijzer.settings import Settings

from .local_model import model_path, probe

__all__ = ["LlamaCppChatModel", "chat_model", "load_llama"]

N_CTX = 2048
N_THREADS = 2

_load_lock = threading.Lock()
_loaded: dict[tuple[str, int, int], Any] = {}
# llama.cpp contexts are not thread-safe: one generation at a time per process
_generate_lock = threading.Lock()


def load_llama(path: str, n_ctx: int = N_CTX, n_threads: int = N_THREADS) -> Any:
    """The process-wide `llama_cpp.Llama` for this file, loaded on first use."""
    key = (path, n_ctx, n_threads)
    with _load_lock:
        if key not in _loaded:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ConfigError(
                    "The local language model needs llama-cpp-python; run `make llm` "
                    "(INKOOPWIJZER_LLM_BACKEND=local)."
                ) from exc
            _loaded[key] = Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
            if len(_loaded) == 1:
                atexit.register(_close_all)
        return _loaded[key]


def _close_all() -> None:
    """Free the models before the interpreter tears llama.cpp's bindings down (which
    otherwise prints a TypeError from `free_model` at exit)."""
    for llama in _loaded.values():
        try:
            llama.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    _loaded.clear()


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class LlamaCppChatModel(BaseChatModel):
    """A chat model over a local GGUF file, run by llama.cpp (greedy decoding by default)."""

    model_path: str
    n_ctx: int = N_CTX
    n_threads: int = N_THREADS
    max_tokens: int = 300
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "max_tokens": self.max_tokens}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(chunk.message.content) for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = load_llama(self.model_path, self.n_ctx, self.n_threads)
        payload = [{"role": _role(m), "content": str(m.content)} for m in messages]
        with _generate_lock:
            parts = llama.create_chat_completion(
                messages=payload,
                stream=True,
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=self.temperature,
                stop=stop,
            )
            try:
                for part in parts:
                    delta = part["choices"][0]["delta"].get("content")
                    if not delta:
                        continue
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager is not None:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk
            finally:
                parts.close()  # stops generation when the caller stops reading (time-out)


def chat_model(settings: Settings) -> BaseChatModel:
    """The configured chat model; `ConfigError` says which setting to change."""
    if settings.llm_backend == "openai":
        from langchain_openai import ChatOpenAI

        key = settings.llm_api_key
        if not settings.llm_base_url and not key:
            raise ConfigError(
                "INKOOPWIJZER_LLM_BACKEND=openai needs INKOOPWIJZER_LLM_BASE_URL (an OpenAI-compatible "
                "endpoint such as Ollama's http://localhost:11434/v1) or INKOOPWIJZER_LLM_API_KEY."
            )
        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key or SecretStr("not-needed"),  # local endpoints (Ollama, vLLM) accept any key
            timeout=settings.llm_timeout_s,
            max_retries=0,
            temperature=0,
            max_completion_tokens=settings.llm_max_tokens,
        )
    if settings.llm_backend == "local":
        path: Path | None = model_path(settings)
        if path is None:
            raise ConfigError(
                "No local language model is installed; run `make llm`, or set INKOOPWIJZER_LLM_MODEL_PATH "
                "to a GGUF chat model."
            )
        problem = probe(path)  # once per process: a crashing llama.cpp build must not take the server down
        if problem is not None:
            raise ConfigError(problem)
        return LlamaCppChatModel(model_path=str(path), max_tokens=settings.llm_max_tokens)
    raise ConfigError("The language-model mode is off; set INKOOPWIJZER_LLM_BACKEND to local or openai.")
