"""The bot with an LLM generator: the draft is shown while written, then replaced by the checked reply.

The real Application against the fake Bot API; the model is a scripted chat model that writes one
word at a time (no LLM on this machine).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

import pytest

from assistant.adapters.fakes import FakeKnowledgeBase
from assistant.models import Answer
from assistant.rag.answer import ExtractiveAnswerer
from assistant.rag.llm_answer import Completion, GroundedLlmGenerator
from assistant.rag.text import tokenize
from assistant.rag.vocabulary import Vocabulary
from assistant.settings import AnswerSettings
from tests.support.fake_llm import passage_stating
from tests.support.fake_telegram import fake_bot_api
from tests.support.telegram_bot import TOKEN, bot_settings, fake_services, running_bot

USER = 7001


class WritingChat:
    """A ChatModel that cites the passage stating Rp3.000.000 and writes ``sentence`` word by word."""

    name = "fake:writing"

    def __init__(self, sentence: str, gap: float = 0.12) -> None:
        self.sentence = sentence
        self.gap = gap

    def complete(self, system: str, user: str, on_token=None) -> Completion:
        n = passage_stating(user, "Rp3.000.000") or "1"
        reply = f"{self.sentence} [{n}]."
        words = re.findall(r"\S+\s*", reply)
        for word in words:
            if on_token is not None:
                on_token(word)
                time.sleep(self.gap)
        return Completion(reply, 20, len(words))


class LlmKnowledgeBase(FakeKnowledgeBase):
    """The shared fake knowledge base, answering through the checked LLM generator."""

    def __init__(self, chat: WritingChat) -> None:
        super().__init__()
        vocabulary = Vocabulary([tokenize(f"{c.title} {c.text}") for c in self.chunks])
        self.generator = GroundedLlmGenerator(chat).with_fallback(ExtractiveAnswerer(AnswerSettings(), vocabulary))

    def ask(self, question: str, audience: str = "citizen", filters: Mapping[str, Any] | None = None) -> Answer:
        return self.generator.answer(question, self.search(question, k=4), audience)


@pytest.fixture
def api():
    with fake_bot_api(TOKEN) as fake:
        yield fake


def _run(api, tmp_path, sentence: str) -> tuple[list[str], dict]:
    services = fake_services(tmp_path, kb=LlmKnowledgeBase(WritingChat(sentence)), generator="llm")
    try:
        with running_bot(api, services, settings=bot_settings(api, draft_edit_seconds=0.2)):
            api.send_text(USER, "Berapa bantuan PKH untuk ibu hamil?")
            [draft] = api.wait_for(lambda: api.calls_of("sendMessage", USER))
            message_id = draft.params["_message_id"]
            api.wait_for(lambda: any("…" not in c.params["text"] for c in api.calls_of("editMessageText", USER)))
            edits = [c.params for c in api.calls_of("editMessageText", USER)]
    finally:
        services.journal.close()
    assert all(e["message_id"] == message_id for e in edits)  # one message, edited in place
    return [draft.params["text"], *(e["text"] for e in edits)], edits[-1]


def test_draft_grows_in_one_message_and_a_grounded_reply_stays(api, tmp_path):
    texts, final = _run(api, tmp_path, "Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun")
    drafts = [t for t in texts if t.endswith("…")]
    assert len(drafts) >= 2 and len(drafts[0]) < len(drafts[-1])  # it grew while the model wrote
    assert "Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun [1]." in final["text"]
    assert final["reply_markup"]["inline_keyboard"]  # the buttons come with the checked reply


def test_invented_figure_in_the_draft_is_replaced_by_the_checked_reply(api, tmp_path):
    texts, final = _run(api, tmp_path, "Bantuan PKH untuk ibu hamil adalah Rp10.000.000 per tahun")
    assert any("Rp10.000.000" in t for t in texts[:-1])  # the unchecked draft was visible while written
    assert "Rp10.000.000" not in final["text"] and "Rp3.000.000" in final["text"]
