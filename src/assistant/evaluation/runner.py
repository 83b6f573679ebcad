"""Runs suite cases through the conversation service, exactly as a channel would.

Each case gets a fresh user id (no memory leaks between cases). A multi-turn case sends its turns
in one conversation: the first turn starts it, the following turns reuse the ``conversation_id``
the service returned. Only the reply to the last turn is scored, and only its latency (wall clock
around that one ``reply`` call) is measured. The case's audience sets the role: facilitator cases
talk as role "facilitator", citizen cases as role "citizen".
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence

from assistant.evaluation.metrics import CaseResult, check_reply, failed_run
from assistant.evaluation.suite import Case
from assistant.models import Reply
from assistant.ports import Conversation

CHANNEL = "eval"

# (answer, cited source texts) -> (faithfulness score in [0, 1] or None, note or None)
Judge = Callable[[str, Sequence[str]], tuple[float | None, str | None]]
Progress = Callable[[int, int, CaseResult], None]


WARM_UP_QUESTION = "Apa itu PKH?"


def warm_up(conversation: Conversation, *, channel: str = CHANNEL) -> None:
    """Send one unscored question first, so loading models and opening the index is not timed as the
    first case's latency (the API warms up at start-up, too). Errors propagate: a service that cannot
    answer at all should stop the run with its own message rather than fail every case."""
    conversation.reply(user_id="eval-warmup", channel=channel, role="citizen", text=WARM_UP_QUESTION)


def _cited_texts(reply: Reply) -> list[str]:
    by_chunk = {hit.chunk.chunk_id: hit.chunk.text for hit in reply.hits}
    return [by_chunk[c.chunk_id] for c in reply.citations if c.chunk_id in by_chunk]


def run_case(
    case: Case,
    conversation: Conversation,
    *,
    run_id: str,
    channel: str = CHANNEL,
    clock: Callable[[], float] = time.perf_counter,
    judge: Judge | None = None,
) -> CaseResult:
    """Send the case's turns and score the last reply. A raised error becomes a failed case."""
    user_id = f"eval-{run_id}-{case.id}"
    conversation_id: str | None = None
    try:
        for turn in case.turns[:-1]:
            earlier = conversation.reply(
                user_id=user_id,
                channel=channel,
                role=case.audience,
                text=turn,
                audience=case.audience,
                conversation_id=conversation_id,
            )
            conversation_id = conversation_id or earlier.conversation_id
        started = clock()
        reply = conversation.reply(
            user_id=user_id,
            channel=channel,
            role=case.audience,
            text=case.question,
            audience=case.audience,
            conversation_id=conversation_id,
        )
        latency_ms = (clock() - started) * 1000.0
    except Exception as exc:  # noqa: BLE001 - a crashing case is reported as failed, the run goes on
        return failed_run(case, f"{type(exc).__name__}: {exc}")
    result = check_reply(
        case,
        answer=reply.text,
        refused=reply.refused,
        citations=[c.to_dict() for c in reply.citations],
        hit_doc_ids=[hit.chunk.doc_id for hit in reply.hits],
        hit_chunk_ids=[hit.chunk.chunk_id for hit in reply.hits],
        latency_ms=latency_ms,
        intent=reply.intent,
        conversation_id=reply.conversation_id,
    )
    if judge is not None and result.answered:
        sources = _cited_texts(reply)
        if sources:
            result.faithfulness, result.judge_note = judge(reply.text, sources)
        else:
            result.judge_note = "tidak dinilai: jawaban tanpa kutipan"
    return result


def run_suite(
    cases: Sequence[Case],
    conversation: Conversation,
    *,
    channel: str = CHANNEL,
    clock: Callable[[], float] = time.perf_counter,
    judge: Judge | None = None,
    progress: Progress | None = None,
) -> list[CaseResult]:
    """Run every case in order; ``progress(done, total, result)`` is called after each one."""
    run_id = uuid.uuid4().hex[:8]
    results = []
    for index, case in enumerate(cases, start=1):
        result = run_case(case, conversation, run_id=run_id, channel=channel, clock=clock, judge=judge)
        results.append(result)
        if progress is not None:
            progress(index, len(cases), result)
    return results
