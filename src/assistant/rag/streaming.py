"""A seam for streaming model tokens to a channel while the answer is still being checked.

A channel (the API's server-sent events, the Telegram bot) sets a token sink around its call; the
LLM generator passes each token to it as it arrives. The tokens are a draft: the post-check runs on
the complete reply, and the channel must replace what it showed with the final answer it gets back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

TokenSink = Callable[[str], None]

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
