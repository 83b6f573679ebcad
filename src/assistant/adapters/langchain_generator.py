"""LLM answer generator behind the ``AnswerGenerator`` port, over any OpenAI-compatible endpoint.

Used when ``ASSISTANT_GENERATOR=llm``. The model only phrases an answer from the numbered passages
it is given (prompts in ``assistant.rag.prompts``); its reply is then checked here rather than
trusted: ``[n]`` markers that point to no given passage are dropped, citations are renumbered in
order of first use, the caveats of cited passages are appended as "Catatan: ..." exactly as the
extractive answerer does, NIK-like numbers are masked, and a reply that declines or cites nothing
valid becomes the standard refusal.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence

import httpx
import openai
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from assistant.dialogue.safety import redact_nik
from assistant.errors import ConfigurationError, GenerationError
from assistant.models import Answer, Chunk, Citation, ScoredChunk
from assistant.rag.answer import DECLINE_TEXT
from assistant.rag.prompts import DECLINE_MARKER, system_prompt, user_prompt
from assistant.settings import LLMSettings

log = logging.getLogger(__name__)

# "[2]", "[1, 3]" or "[1;3]": one group of passage numbers as the model wrote it.
_MARKER_GROUP = re.compile(r"\[\s*(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\s*\]")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[.,;:!?])")
_RUNS_OF_SPACES = re.compile(r"[ \t]{2,}")
# Keyless local servers (llama.cpp, vLLM, Ollama) accept anything; an explicit placeholder also stops
# the OpenAI client from picking up OPENAI_API_KEY and sending it to a third-party endpoint.
_NO_KEY = "tidak-dipakai"


def _declined(content: str) -> bool:
    return DECLINE_MARKER.lower() in content.lower()


def _tidy(text: str) -> str:
    lines = [_RUNS_OF_SPACES.sub(" ", _SPACE_BEFORE_PUNCT.sub("", line)).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def cite_passages(content: str, chunks: Sequence[Chunk]) -> tuple[str, list[Citation], list[Chunk]]:
    """Keep the ``[n]`` markers that point to a given passage and renumber them by first use.

    Args:
        content: The model's reply, with markers numbered as the passages were in the prompt (from 1).
        chunks: The passages in prompt order.

    Returns:
        The text with renumbered markers (invalid ones removed), the citations in their new order,
        and the cited chunks in the same order.
    """
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    cited: list[Chunk] = []

    def renumber(match: re.Match[str]) -> str:
        out: list[int] = []
        for raw in re.split(r"[,;]", match.group(1)):
            position = int(raw)
            if not 1 <= position <= len(chunks):
                continue  # a passage the model was never given: not a citation
            chunk = chunks[position - 1]
            if chunk.chunk_id not in numbers:
                numbers[chunk.chunk_id] = len(numbers) + 1
                citations.append(
                    Citation(numbers[chunk.chunk_id], chunk.doc_id, chunk.title, chunk.section,
                             chunk.source_url, chunk.source_year, chunk.chunk_id)
                )
                cited.append(chunk)
            if numbers[chunk.chunk_id] not in out:
                out.append(numbers[chunk.chunk_id])
        return "".join(f"[{n}]" for n in out)

    text = _tidy(_MARKER_GROUP.sub(renumber, content))
    return text, citations, cited


def _append_caveats(text: str, cited: Sequence[Chunk]) -> str:
    """Add the cited chunks' caveats as one "Catatan:" paragraph, like the extractive answerer."""
    caveats = [c for c in dict.fromkeys(chunk.caveat for chunk in cited if chunk.caveat) if c not in text]
    if caveats:
        text += "\n\nCatatan: " + " ".join(caveats)
    return text


def _best_dense_score(hits: Sequence[ScoredChunk]) -> float | None:
    return max((h.dense_score for h in hits if h.dense_score is not None), default=None)


class LangChainGenerator:
    """Implements ``ports.AnswerGenerator`` with LangChain's ``ChatOpenAI`` (temperature 0)."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        min_hits_confidence: float = 0.0,
        max_passages: int = 6,
        max_retries: int = 1,
    ) -> None:
        """Configure the client; nothing is sent until the first question.

        Args:
            settings: Endpoint, model, API key and timeout.
            min_hits_confidence: Decline without calling the model when the best passage's cosine
                similarity to the question is below this (0 turns the check off; hits without a
                dense score, e.g. from lexical-only retrieval, are not checked).
            max_passages: How many of the best hits are shown to the model.
            max_retries: Retries of the OpenAI client on connection errors, 429 and 5xx.

        Raises:
            ConfigurationError: no endpoint is configured.
        """
        if not settings.base_url:
            raise ConfigurationError(
                "Generator LLM belum dikonfigurasi: isi ASSISTANT_LLM__BASE_URL dengan alamat endpoint yang "
                "kompatibel dengan OpenAI (misalnya http://127.0.0.1:8080/v1), atau pakai "
                "ASSISTANT_GENERATOR=extractive."
            )
        self._settings = settings
        self._min_hits_confidence = min_hits_confidence
        self._max_passages = max_passages
        api_key = settings.api_key.get_secret_value() if settings.api_key else _NO_KEY
        self._model = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=api_key,
            timeout=settings.timeout_seconds,
            max_retries=max_retries,
            temperature=0,
        )

    def _refusal(self, hits: Sequence[ScoredChunk], confidence: float, started: float) -> Answer:
        return Answer(DECLINE_TEXT, True, (), confidence, tuple(hits), (time.perf_counter() - started) * 1000)

    def _complete(self, system: str, user: str) -> str:
        """Send one chat completion and return its text, mapping every transport failure."""
        try:
            message = self._model.invoke([SystemMessage(content=system), HumanMessage(content=user)])
        except openai.APITimeoutError as exc:
            raise GenerationError(
                f"Layanan model bahasa tidak menjawab dalam {self._settings.timeout_seconds:g} detik. "
                "Silakan coba lagi sebentar lagi.",
                code="generation_timeout",
            ) from exc
        except openai.APIConnectionError as exc:
            raise GenerationError(
                "Tidak bisa terhubung ke layanan model bahasa. Periksa ASSISTANT_LLM__BASE_URL atau "
                "coba lagi nanti.",
                code="generation_unavailable",
            ) from exc
        except openai.AuthenticationError as exc:
            raise GenerationError(
                "Layanan model bahasa menolak kunci API. Periksa ASSISTANT_LLM__API_KEY.",
                code="generation_auth",
            ) from exc
        except openai.APIStatusError as exc:
            raise GenerationError(
                f"Layanan model bahasa sedang bermasalah (HTTP {exc.status_code}). Silakan coba lagi nanti.",
                code="generation_http_error",
            ) from exc
        except (openai.OpenAIError, httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            # A 200 reply that is not a chat completion ends up here too (unreadable JSON, no choices).
            raise GenerationError(
                "Balasan layanan model bahasa tidak bisa dibaca. Silakan coba lagi nanti.",
                code="generation_bad_response",
            ) from exc
        return str(message.text)

    def answer(self, question: str, hits: Sequence[ScoredChunk], audience: str = "citizen") -> Answer:
        """Answer ``question`` from ``hits`` only; declines when they do not answer it.

        Raises:
            GenerationError: the endpoint failed, timed out, or sent an unreadable reply.
        """
        started = time.perf_counter()
        best = _best_dense_score(hits)
        confidence = best if best is not None else 0.0
        if not hits or (best is not None and best < self._min_hits_confidence):
            return self._refusal(hits, confidence, started)
        chunks = [hit.chunk for hit in hits[: self._max_passages]]
        # A NIK the asker typed is never needed to answer from guidelines: do not send it out.
        content = self._complete(system_prompt(audience), user_prompt(redact_nik(question), chunks))
        if _declined(content):
            log.info("llm declined: passages do not answer")
            return self._refusal(hits, confidence, started)
        text, citations, cited = cite_passages(redact_nik(content), chunks)
        if not citations or not _MARKER_GROUP.sub("", text).strip(" \n.,;:!?"):
            log.info("llm reply refused: no valid citation")
            return self._refusal(hits, confidence, started)
        text = _append_caveats(text, cited)
        latency_ms = (time.perf_counter() - started) * 1000
        log.info("llm answer: %d citations, %.0f ms", len(citations), latency_ms)
        return Answer(text, False, tuple(citations), confidence, tuple(hits), latency_ms)
