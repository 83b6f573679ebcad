"""LangChain chat models behind the ``ChatModel`` seam of ``assistant.rag.llm_answer``.

``ASSISTANT_LLM__PROVIDER=openai`` talks to any OpenAI-compatible endpoint (vLLM, llama.cpp server,
LM Studio, a hosted API) through ``ChatOpenAI``; ``ollama`` talks to an Ollama server through
``ChatOllama``. Both run at temperature 0 with a timeout and retries, stream tokens when a channel
asks for them, report token counts, and map every vendor error to one ``GenerationError``. The
checks on the reply live in the core (``assistant.rag.grounding``), not here.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage

from assistant.errors import ConfigurationError, GenerationError
from assistant.rag.breaker import CircuitBreaker
from assistant.rag.grounding import GroundingThresholds
from assistant.rag.llm_answer import Completion, GroundedLlmGenerator
from assistant.rag.streaming import TokenSink
from assistant.settings import LLMSettings

log = logging.getLogger(__name__)

# Keyless local servers (llama.cpp, vLLM, Ollama) accept anything; an explicit placeholder also stops
# the OpenAI client from picking up OPENAI_API_KEY and sending it to a third-party endpoint.
_NO_KEY = "tidak-dipakai"


def _timeout_error(seconds: float) -> GenerationError:
    return GenerationError(
        f"Layanan model bahasa tidak menjawab dalam {seconds:g} detik. Silakan coba lagi sebentar lagi.",
        code="generation_timeout",
    )


def _unavailable_error() -> GenerationError:
    return GenerationError(
        "Tidak bisa terhubung ke layanan model bahasa. Periksa ASSISTANT_LLM__BASE_URL atau coba lagi nanti.",
        code="generation_unavailable",
    )


def _status_error(status: int) -> GenerationError:
    if status in (401, 403):
        return GenerationError("Layanan model bahasa menolak kunci API. Periksa ASSISTANT_LLM__API_KEY.",
                               code="generation_auth")
    return GenerationError(
        f"Layanan model bahasa sedang bermasalah (HTTP {status}). Silakan coba lagi nanti.",
        code="generation_http_error",
    )


def _bad_response_error() -> GenerationError:
    return GenerationError("Balasan layanan model bahasa tidak bisa dibaca. Silakan coba lagi nanti.",
                           code="generation_bad_response")


def map_error(exc: BaseException, timeout_seconds: float) -> GenerationError:
    """One ``GenerationError`` for any failure of the OpenAI or Ollama client (or httpx below them)."""
    import openai

    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return _timeout_error(timeout_seconds)
    if isinstance(exc, openai.APIConnectionError | httpx.ConnectError | ConnectionError):
        return _unavailable_error()
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc.status_code)
    try:
        import ollama
    except ImportError:  # pragma: no cover - ollama is a declared dependency
        ollama = None  # type: ignore[assignment]
    if ollama is not None and isinstance(exc, ollama.ResponseError):
        return _status_error(exc.status_code) if exc.status_code >= 400 else _bad_response_error()
    # A 200 reply that is not a chat completion ends up here (unreadable JSON, no choices).
    return _bad_response_error()


def _token_count(message: AIMessage | AIMessageChunk | None, key: str) -> int | None:
    usage = getattr(message, "usage_metadata", None)
    return int(usage[key]) if usage and key in usage else None


class LangChainChat:
    """Implements ``rag.llm_answer.ChatModel`` over any LangChain chat model."""

    def __init__(self, model: BaseChatModel, *, name: str, timeout_seconds: float) -> None:
        self._model = model
        self.name = name
        self._timeout = timeout_seconds

    def complete(self, system: str, user: str, on_token: TokenSink | None = None) -> Completion:
        """One reply; tokens go to ``on_token`` as they arrive when it is given.

        Raises:
            GenerationError: the endpoint failed, timed out, or sent an unreadable reply.
        """
        messages: list[BaseMessage] = [SystemMessage(content=system), HumanMessage(content=user)]
        try:
            if on_token is None:
                message = self._model.invoke(messages)
                return Completion(str(message.text), _token_count(message, "input_tokens"),  # type: ignore[arg-type]
                                  _token_count(message, "output_tokens"))  # type: ignore[arg-type]
            return self._stream(messages, on_token)
        except GenerationError:
            raise
        except Exception as exc:  # noqa: BLE001 - every vendor error becomes one GenerationError
            raise map_error(exc, self._timeout) from exc

    def _stream(self, messages: list[BaseMessage], on_token: TokenSink) -> Completion:
        total: AIMessageChunk | None = None
        for chunk in self._model.stream(messages):
            if not isinstance(chunk, AIMessageChunk):
                raise _bad_response_error()
            if chunk.text:
                on_token(chunk.text)
            total = chunk if total is None else total + chunk
        text = str(total.text) if total is not None else ""
        return Completion(text, _token_count(total, "input_tokens"), _token_count(total, "output_tokens"))


def build_chat_model(settings: LLMSettings, *, max_retries: int | None = None) -> LangChainChat:
    """The LangChain chat model the settings choose (provider openai or ollama).

    Raises:
        ConfigurationError: the provider needs an endpoint and none is configured.
    """
    retries = settings.max_retries if max_retries is None else max_retries
    if settings.provider == "ollama":
        from langchain_ollama import ChatOllama

        model: BaseChatModel = ChatOllama(
            model=settings.model, base_url=settings.base_url or "http://127.0.0.1:11434", temperature=0,
            client_kwargs={"timeout": settings.timeout_seconds},
        )
        if retries:
            model = model.with_retry(stop_after_attempt=retries + 1)  # type: ignore[assignment]
        return LangChainChat(model, name=f"ollama:{settings.model}", timeout_seconds=settings.timeout_seconds)
    if not settings.base_url:
        raise ConfigurationError(
            "Generator LLM belum dikonfigurasi: isi ASSISTANT_LLM__BASE_URL dengan alamat endpoint yang "
            "kompatibel dengan OpenAI (misalnya http://127.0.0.1:8080/v1), atau pakai "
            "ASSISTANT_GENERATOR=extractive."
        )
    from langchain_openai import ChatOpenAI

    api_key = settings.api_key.get_secret_value() if settings.api_key else _NO_KEY
    openai_model = ChatOpenAI(
        model=settings.model, base_url=settings.base_url, api_key=api_key,  # type: ignore[arg-type]
        timeout=settings.timeout_seconds, max_retries=retries, temperature=0, stream_usage=True,
    )
    return LangChainChat(openai_model, name=f"openai:{settings.model}", timeout_seconds=settings.timeout_seconds)


def build_llm_generator(settings: LLMSettings, *, similarity: Any = None, **overrides: Any) -> GroundedLlmGenerator:
    """The checked LLM generator the settings describe (breaker, mode, thresholds, passages)."""
    chat = overrides.pop("chat", None) or build_chat_model(settings, max_retries=overrides.pop("max_retries", None))
    return GroundedLlmGenerator(
        chat,
        mode=settings.mode,
        breaker=CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_seconds),
        similarity=similarity,
        thresholds=GroundingThresholds(settings.min_lexical_support, settings.min_lexical_floor,
                                       settings.min_dense_support),
        **overrides,
    )
