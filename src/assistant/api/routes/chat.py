"""Chat (JSON or server-sent events), feedback on answers, and the cited passages."""

from __future__ import annotations

import contextvars
import json
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.errors import PayloadTooLargeError, error_body, status_for
from assistant.api.schemas import (
    ChatRequest,
    ChatResponse,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    Passage,
    RegulationOut,
)
from assistant.dialogue.service import resolve_audience
from assistant.errors import AssistantError, NotFoundError
from assistant.ports import QuickReplies
from assistant.privacy import random_id, redact_nik
from assistant.rag.streaming import DraftBuffer, streaming_to

# Any route here may meet a malformed key (401) or a dependency that is down (503).
router = APIRouter(
    prefix="/v1", tags=["chat"], responses={401: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
)
log = logging.getLogger("assistant.api")

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 413, 422, 429, 503)
}
_WORDS = re.compile(r"\S+\s*")
_FINISHED = object()


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post(
    "/chat",
    response_model=ChatResponse,
    summary="Ask the assistant",
    description=(
        "Anonymous callers are citizens (rate-limited per client and per user id) unless the server requires "
        "a key. With `stream: true` the reply comes as server-sent events: `start`, several `delta` events "
        "with text, then `done` carrying the same body as the JSON reply (or `error`). With an LLM generator "
        "the deltas are the model's unchecked draft; if the checked answer differs, a `replace` event "
        "carries the text to show instead before `done`."
    ),
    responses={**_ERRORS, 200: {"content": {"text/event-stream": {}}}},
)
async def chat(
    body: ChatRequest,
    request: Request,
    caller: CallerDep,
    services: ServicesDep,
    x_assistant_channel: Annotated[str | None, Header(description="'web' from the web page.")] = None,
) -> Any:
    api = request.app.state.settings.api
    if len(body.message) > api.max_message_chars:
        raise PayloadTooLargeError(f"Pesan terlalu panjang (maksimal {api.max_message_chars} karakter).")
    raw_user = body.user_id or body.conversation_id
    conversation_id = body.conversation_id
    # Work that waits on nothing runs right here on the event loop; the rest on a worker thread, so a
    # popular question never queues for a thread behind the questions that need the model.
    at_once = services.local_state
    if raw_user is None:
        raw_user = conversation_id = random_id()
    else:
        count = partial(request.app.state.limiter.hit, "user", f"{caller.namespace}:{raw_user}",
                        api.anonymous_rate_per_minute)
        count() if at_once else await run_in_threadpool(count)
    user_id = f"{caller.namespace}:{raw_user}"
    channel = "web" if x_assistant_channel == "web" else "api"
    audience = resolve_audience(caller.role, body.audience)  # a citizen stays a citizen

    def answer() -> ChatResponse:
        reply = services.conversation.reply(
            user_id=user_id, channel=channel, role=caller.role, text=body.message, audience=audience,
            conversation_id=conversation_id, regions=list(caller.regions),
        )
        request.app.state.metrics.replies.labels(reply.intent, str(reply.refused).lower()).inc()
        if reply.extra.get("degraded"):
            request.app.state.metrics.degraded.inc()
        log.info(
            "chat served",
            extra={"intent": reply.intent, "refused": reply.refused, "citations": len(reply.citations),
                   "audience": audience, "channel": channel},
        )
        return ChatResponse.of(reply)

    def answer_json() -> str:
        # Serialised here, once: returned as a model, FastAPI would validate it again on another
        # hop to the thread pool before serialising it (the schema still documents the route).
        return answer().model_dump_json()

    if not body.stream:
        conversation = services.conversation
        if at_once and isinstance(conversation, QuickReplies) and conversation.answers_at_once(
            user_id=user_id, role=caller.role, text=body.message, audience=audience, conversation_id=conversation_id,
        ):
            return Response(answer_json(), media_type="application/json")  # e.g. a cached answer
        return Response(await run_in_threadpool(answer_json), media_type="application/json")
    return StreamingResponse(
        _events(answer), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _events(answer: Callable[[], ChatResponse]) -> Iterator[str]:
    """start, then the model's draft as it is generated (if an LLM answers), then the checked answer.

    The answer runs on its own thread so tokens can be sent while it is being written. A draft is shown
    only up to its last complete number, NIK-masked; when the checked answer differs from the draft,
    a ``replace`` event carries the text to show instead, and ``done`` carries the full reply.
    """
    yield _sse("start", {"status": "thinking"})
    draft = DraftBuffer(redact_nik)
    wake: queue.SimpleQueue[object] = queue.SimpleQueue()
    outcome: dict[str, Any] = {}

    def sink(token: str) -> None:
        draft.push(token)
        wake.put(None)

    def work() -> None:
        try:
            with streaming_to(sink):
                outcome["response"] = answer()
        except Exception as exc:  # noqa: BLE001 - reported in-band below
            outcome["error"] = exc
        finally:
            wake.put(_FINISHED)

    context = contextvars.copy_context()  # request id and log fields follow the answer to its thread
    threading.Thread(target=context.run, args=(work,), name="chat-stream", daemon=True).start()
    sent = ""
    while wake.get() is not _FINISHED:
        shown = draft.shown()
        if len(shown) > len(sent) and shown.startswith(sent):
            yield _sse("delta", {"text": shown[len(sent):]})
            sent = shown
    error = outcome.get("error")
    if isinstance(error, AssistantError):
        yield _sse("error", error_body(error.code, error.message, status=status_for(error)))
        return
    if error is not None:
        log.error("streamed chat failed", exc_info=error)
        yield _sse("error", error_body("internal_error", "Terjadi kesalahan di server. Silakan coba lagi.", status=500))
        return
    response: ChatResponse = outcome["response"]
    if sent:
        if sent != response.answer:
            yield _sse("replace", {"text": response.answer})
    else:
        words = _WORDS.findall(response.answer)
        for start in range(0, len(words), 6):
            yield _sse("delta", {"text": "".join(words[start:start + 6])})
    yield _sse("done", response.model_dump())


@router.post(
    "/feedback",
    response_model=FeedbackResponse,
    summary="Thumbs up or down on an answer",
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 429: {"model": ErrorResponse}},
)
def feedback(body: FeedbackRequest, request: Request, caller: CallerDep, services: ServicesDep) -> FeedbackResponse:
    services.conversation.feedback(body.answer_id, body.rating, body.comment)
    request.app.state.metrics.feedback.labels(body.rating).inc()
    return FeedbackResponse()


@router.get(
    "/chunks/{chunk_id:path}",
    response_model=Passage,
    summary="The full text of a cited passage",
    responses={404: {"model": ErrorResponse}},
)
def chunk(
    chunk_id: Annotated[str, Path(max_length=300, description="chunk_id from a citation.")],
    services: ServicesDep,
) -> Passage:
    found = services.knowledge.chunk(chunk_id)
    if found is None:
        raise NotFoundError("Kutipan tidak ditemukan atau sudah kedaluwarsa. Ajukan pertanyaannya lagi.")
    return Passage(
        chunk_id=found.chunk_id, doc_id=found.doc_id, title=found.title, section=found.section, text=found.text,
        program=found.program, source_url=found.source_url, source_year=found.source_year,
        regulations=[RegulationOut.of(r) for r in found.regulations],
    )
