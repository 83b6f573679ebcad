"""A seam for streaming model tokens to a channel while the answer is still being checked.

A channel (the API's server-sent events, the Telegram bot) sets a token sink around its call; the
LLM generator passes each token to it as it arrives. The tokens are a draft: the post-check runs on
the complete reply, and the channel must replace what it showed with the final answer it gets back.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

TokenSink = Callable[[str], None]
T = TypeVar("T")

_sink: ContextVar[TokenSink | None] = ContextVar("assistant_token_sink", default=None)


def current_sink() -> TokenSink | None:
    """The sink of the channel being served in this context, if it streams."""
    return _sink.get()


@contextmanager
def streaming_to(sink: TokenSink) -> Iterator[None]:
    """Within this block, generated tokens are passed to ``sink`` as they arrive."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


# A trailing run of digits and separators may still grow into a NIK: hold it back until it ends.
_OPEN_DIGITS = re.compile(r"\d[\d .\-]*$")


class DraftBuffer:
    """Collects streamed tokens (from any thread) and tells a channel what it may show so far.

    ``shown()`` is the text up to the last complete number, passed through ``redact`` (the channel's
    NIK masking), so a 16-digit number is never shown half-masked or in full, even mid-stream.
    """

    def __init__(self, redact: Callable[[str], str]) -> None:
        self._redact = redact
        self._parts: list[str] = []
        self._lock = threading.Lock()

    def push(self, token: str) -> None:
        with self._lock:
            self._parts.append(token)

    def shown(self) -> str:
        with self._lock:
            text = "".join(self._parts)
        held = _OPEN_DIGITS.search(text)
        return self._redact(text[: held.start()] if held else text)


def with_token_sink(sink: TokenSink, call: Callable[..., T]) -> Callable[..., T]:
    """``call`` made to stream its generated tokens to ``sink`` (for running it on another thread)."""

    def streaming_call(*args: Any, **kwargs: Any) -> T:
        with streaming_to(sink):
            return call(*args, **kwargs)

    return streaming_call
