"""Scripted language models for tests: LangChain's fake chat model behind the ChatModel seam, and
responders for the loopback OpenAI-compatible server that cite the passage stating a figure."""

from __future__ import annotations

import re
from collections.abc import Callable

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.adapters.langchain_generator import LangChainChat
from assistant.rag.llm_answer import Completion
from assistant.rag.prompts import DECLINE_MARKER

# One numbered passage of the user prompt: "[n] heading\ntext" up to the next passage or the closing tag.
_PASSAGE = re.compile(r"^\[(\d+)\] [^\n]*\n(.*?)(?=\n\n\[\d+\] |\n</kutipan>)", re.M | re.S)


def passage_stating(user_prompt: str, *phrases: str) -> str | None:
    """The number of the first passage in the prompt whose text contains every phrase."""
    return next((n for n, text in _PASSAGE.findall(user_prompt) if all(p in text for p in phrases)), None)


def citing(sentence: str, *phrases: str) -> Callable[[dict], str]:
    """A FakeOpenAI responder: ``sentence`` citing the passage that states ``phrases`` (else a decline)."""

    def respond(body: dict) -> str:
        n = passage_stating(body["messages"][1]["content"], *phrases)
        return f"{sentence} [{n}]." if n else DECLINE_MARKER

    return respond


class ScriptedChat:
    """A ChatModel over LangChain's GenericFakeChatModel (scripted replies), recording the user prompts."""

    name = "fake:scripted"

    def __init__(self, *replies: str) -> None:
        self._chat = LangChainChat(GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies])),
                                   name=self.name, timeout_seconds=1.0)
        self.sent: list[str] = []

    def complete(self, system: str, user: str, on_token=None) -> Completion:
        self.sent.append(user)
        return self._chat.complete(system, user, on_token)
