"""The faithfulness judge over an OpenAI-compatible ``/chat/completions`` endpoint (httpx)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from assistant.errors import ConfigurationError
from assistant.evaluation.judge import build_messages, parse_verdicts, split_sentences
from assistant.settings import Settings


class OpenAIFaithfulnessJudge:
    """Judge callable for :func:`assistant.evaluation.runner.run_suite` backed by an OpenAI-compatible API."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_seconds: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.model = model
        self._url = base_url.rstrip("/") + "/chat/completions"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout_seconds, headers=headers)

    def close(self) -> None:
        self._client.close()

    def _complete(self, messages: list[dict[str, str]]) -> str:
        payload: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0}
        response = self._client.post(self._url, json=payload)
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]

    def __call__(self, answer: str, sources: Sequence[str]) -> tuple[float | None, str | None]:
        """Score one answer: (supported share, note naming unsupported sentences), or (None, why not)."""
        sentences = split_sentences(answer)
        if not sentences:
            return None, "tidak dinilai: jawaban kosong"
        try:
            content = self._complete(build_messages(sentences, sources))
            verdicts = parse_verdicts(content, len(sentences))
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            return None, f"penilai gagal: {type(exc).__name__}: {exc}"
        unsupported = [n for n in range(1, len(sentences) + 1) if not verdicts.get(n, False)]
        score = round((len(sentences) - len(unsupported)) / len(sentences), 4)
        note = "tidak didukung: kalimat " + ", ".join(map(str, unsupported)) if unsupported else None
        return score, note


def judge_from_settings(settings: Settings) -> OpenAIFaithfulnessJudge:
    """Build the judge from the LLM settings.

    Raises:
        ConfigurationError: no LLM endpoint is configured.
    """
    if not settings.llm.base_url:
        raise ConfigurationError(
            "Penilai faithfulness butuh LLM: isi ASSISTANT_LLM__BASE_URL (endpoint yang kompatibel dengan "
            "OpenAI, biasanya bersama ASSISTANT_GENERATOR=llm), atau jalankan tanpa --judge."
        )
    api_key = settings.llm.api_key.get_secret_value() if settings.llm.api_key else None
    return OpenAIFaithfulnessJudge(
        settings.llm.base_url, settings.llm.model, api_key=api_key, timeout_seconds=settings.llm.timeout_seconds
    )
