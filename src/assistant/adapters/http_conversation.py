"""``HttpConversation``: the conversation service of a running assistant API, for a channel in another process.

The Telegram bot uses it when ``ASSISTANT_TELEGRAM__API_URL`` is set. It speaks POST /v1/chat and
POST /v1/feedback with a ``channel`` key (``assistant keys create --role channel``), under which the
API treats every user as a citizen. HTTP failures become the assistant's own errors, so the bot
handles them exactly as in-process ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from assistant.errors import AssistantError, InputError, NotFoundError, RateLimitedError
from assistant.models import Citation, Reply

ERASE_MESSAGE = "hapus data saya"  # what the service reads as "erase my data" (README: conversation memory)


class ApiUnavailableError(AssistantError):
    code = "api_unavailable"


class HttpConversation:
    """``ports.Conversation`` (plus feedback and forget) over the assistant's HTTP API."""

    def __init__(self, base_url: str, api_key: str | None = None, *, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout,
                                    transport=transport)

    def reply(self, *, user_id: str, channel: str, role: str, text: str, audience: str | None = None,
              conversation_id: str | None = None, regions: Sequence[str] | None = None) -> Reply:
        """Ask the API; ``role`` and ``regions`` come from the API key there, never from this side."""
        body: dict[str, Any] = {"message": text, "user_id": user_id}
        if conversation_id:
            body["conversation_id"] = conversation_id
        data = self._post("/v1/chat", body)
        return Reply(
            text=data["answer"], refused=bool(data["refused"]), intent=data.get("intent") or "",
            conversation_id=data["conversation_id"], answer_id=data["answer_id"],
            citations=tuple(Citation.from_dict(c) for c in data.get("citations") or ()),
            suggestions=tuple(data.get("suggestions") or ()),
        )

    def feedback(self, answer_id: str, rating: str, comment: str | None = None) -> None:
        self._post("/v1/feedback", {"answer_id": answer_id, "rating": rating, "comment": comment or ""})

    def forget(self, user_id: str) -> int:
        """Erase the user's memory and records through the conversation itself (the API has no other route)."""
        self._post("/v1/chat", {"message": ERASE_MESSAGE, "user_id": user_id})
        return 0

    def close(self) -> None:
        self._client.close()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.post(path, json=body)
        except httpx.HTTPError as exc:
            raise ApiUnavailableError(f"API asisten tidak dapat dihubungi ({type(exc).__name__}).") from exc
        if response.status_code < 400:
            return response.json()
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = f"API asisten menjawab {response.status_code}."
        if response.status_code == 404:
            raise NotFoundError(message)
        if response.status_code in (413, 422):
            raise InputError(message)
        if response.status_code == 429:
            raise RateLimitedError(message, retry_after=int(response.headers.get("Retry-After") or 60))
        raise ApiUnavailableError(message)
