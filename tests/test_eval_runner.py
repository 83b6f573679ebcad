"""The runner drives a Conversation like a channel: fresh users, shared multi-turn conversations, roles."""

from __future__ import annotations

from assistant.adapters.fakes import ScriptedConversation
from assistant.evaluation.runner import run_suite
from assistant.evaluation.suite import Case
from assistant.models import Chunk, Citation, Reply, ScoredChunk


def _chunk(chunk_id, doc_id, text):
    return ScoredChunk(Chunk(chunk_id=chunk_id, doc_id=doc_id, text=text, section="S", title=doc_id), score=1.0)


def _reply(text, *, refused=False, cited=(), hits=()):
    citations = tuple(
        Citation(n=n, doc_id=doc_id, title=doc_id, section="S", source_url="", source_year=None, chunk_id=chunk_id)
        for n, (doc_id, chunk_id) in enumerate(cited, start=1)
    )
    return Reply(text=text, refused=refused, intent="question", conversation_id="", answer_id="", citations=citations, hits=hits)


def _clock(*values):
    ticks = iter(values)
    return lambda: next(ticks)


SCRIPT = {
    "Apa itu PKH?": _reply(
        "PKH adalah bantuan bersyarat [1].",
        cited=[("pkh", "pkh#1")],
        hits=(_chunk("pkh#1", "pkh", "PKH adalah bantuan sosial bersyarat."), _chunk("dtsen#1", "dtsen", "DTSEN")),
    ),
    "Berapa besarnya?": _reply("Ibu hamil Rp3.000.000 per tahun [1].", cited=[("pkh", "pkh#2")], hits=(_chunk("pkh#2", "pkh", "Rp3.000.000"),)),
    "Siapa presiden Prancis?": _reply("Maaf, di luar layanan.", refused=True),
}


def test_cases_get_fresh_users_roles_and_shared_multi_turn_conversations():
    conversation = ScriptedConversation(SCRIPT)
    cases = [
        Case(id="single", turns=("Apa itu PKH?",), must_include=(("bersyarat",),), expected_sources=("pkh",)),
        Case(
            id="multi",
            turns=("Apa itu PKH?", "Berapa besarnya?"),
            audience="facilitator",
            must_include=(("Rp 3.000.000",),),
        ),
        Case(id="refuse", turns=("Siapa presiden Prancis?",), should_refuse=True),
    ]
    results = run_suite(cases, conversation, clock=_clock(0.0, 0.1, 1.0, 1.25, 2.0, 2.002))
    calls = conversation.calls
    assert [c["text"] for c in calls] == ["Apa itu PKH?", "Apa itu PKH?", "Berapa besarnya?", "Siapa presiden Prancis?"]
    assert {c["channel"] for c in calls} == {"eval"}
    # fresh user per case, one user within the multi-turn case
    assert calls[1]["user_id"] == calls[2]["user_id"]
    assert len({calls[0]["user_id"], calls[1]["user_id"], calls[3]["user_id"]}) == 3
    # the first turn starts a conversation; the follow-up reuses the id the service returned
    assert calls[1]["conversation_id"] is None
    assert calls[2]["conversation_id"] == "conv-2"
    assert calls[0]["conversation_id"] is None and calls[3]["conversation_id"] is None
    # audience decides the role
    assert [(c["role"], c["audience"]) for c in calls] == [
        ("citizen", "citizen"),
        ("facilitator", "facilitator"),
        ("facilitator", "facilitator"),
        ("citizen", "citizen"),
    ]
    single, multi, refuse = results
    assert [r.passed for r in results] == [True, True, True]
    assert multi.answer.startswith("Ibu hamil") and multi.conversation_id == "conv-2"
    assert single.retrieved_doc_ids == ["pkh", "dtsen"] and single.hit == 1.0 and single.rr == 1.0
    assert single.citations_ok is True and refuse.citations_ok is None
    assert single.citations[0]["chunk_id"] == "pkh#1"
    # latency is the last turn's reply call only
    assert [round(r.latency_ms, 3) for r in results] == [100.0, 250.0, 2.0]


def test_unscripted_question_and_crash_are_failed_cases_and_the_run_goes_on():
    class Flaky(ScriptedConversation):
        def reply(self, **kwargs):
            if kwargs["text"] == "meledak":
                raise RuntimeError("boom")
            return super().reply(**kwargs)

    seen = []
    cases = [
        Case(id="crash", turns=("meledak",)),
        Case(id="unknown", turns=("pertanyaan tanpa naskah",)),
        Case(id="fine", turns=("Apa itu PKH?",)),
    ]
    results = run_suite(cases, Flaky(SCRIPT), progress=lambda done, total, r: seen.append((done, total, r.case.id)))
    assert [r.passed for r in results] == [False, False, True]
    assert results[0].error == "RuntimeError: boom"
    assert results[1].reasons == ["menolak menjawab, padahal seharusnya menjawab"]
    assert seen == [(1, 3, "crash"), (2, 3, "unknown"), (3, 3, "fine")]


def test_judge_gets_the_cited_chunk_texts_and_skips_refusals():
    received = []

    def judge(answer, sources):
        received.append((answer, list(sources)))
        return 0.5, "tidak didukung: kalimat 2"

    cases = [Case(id="a", turns=("Apa itu PKH?",)), Case(id="r", turns=("Siapa presiden Prancis?",), should_refuse=True)]
    answered, refused = run_suite(cases, ScriptedConversation(SCRIPT), judge=judge)
    assert received == [("PKH adalah bantuan bersyarat [1].", ["PKH adalah bantuan sosial bersyarat."])]
    assert (answered.faithfulness, answered.judge_note) == (0.5, "tidak didukung: kalimat 2")
    assert refused.faithfulness is None and refused.judge_note is None


def test_multi_turn_case_stays_in_one_conversation_of_the_real_service():
    from assistant.adapters.fakes import FakeKnowledgeBase
    from assistant.adapters.state import InMemoryStateStore
    from assistant.dialogue.service import ConversationService

    class Recording:
        def __init__(self, inner):
            self.inner, self.replies = inner, []

        def reply(self, **kwargs):
            reply = self.inner.reply(**kwargs)
            self.replies.append((kwargs["user_id"], reply.conversation_id))
            return reply

    service = Recording(ConversationService(FakeKnowledgeBase(), None, InMemoryStateStore()))
    cases = [
        Case(id="multi", turns=("Apa syarat PKH?", "Berapa besaran bantuan PKH untuk lansia?")),
        Case(id="next", turns=("Jadwal pencairan PKH tahap berapa saja?",)),
    ]
    results = run_suite(cases, service)
    (user_a, conv_1), (user_b, conv_2), (user_c, conv_3) = service.replies
    assert user_a == user_b != user_c
    assert conv_1 == conv_2 != conv_3
    assert results[0].conversation_id == conv_2 and results[0].error is None
