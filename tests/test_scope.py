"""The semantic scope check: what a question asks, against the guidelines' questions and out-of-scope tasks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assistant.adapters.fakes import FakeKnowledgeBase, fake_chunk
from assistant.adapters.state import InMemoryStateStore
from assistant.dialogue.service import ConversationService
from assistant.dialogue.texts import TEXT_KEYS, load_texts, out_of_scope_key
from assistant.models import Answer
from assistant.rag.scope import SemanticScope, asks, judged_asks, mentions_domain, question_headings
from assistant.rag.scope_families import OUT_OF_SCOPE_FAMILIES, TaskFamily

# A toy embedding space: one axis per topic word, so which reference an ask is closest to is known.
_AXES = ("pkh", "syarat", "obat", "diagnosa", "tentara", "daftar", "anak")


class AxisEmbedder:
    """Unit vectors over ``_AXES`` (plus a small shared component); counts the texts it embeds."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        rows = []
        for text in texts:
            words = text.lower().replace("?", " ").split()
            vector = np.array([0.1] + [float(axis in words) for axis in _AXES], dtype=np.float32)
            rows.append(vector / np.linalg.norm(vector))
        return np.stack(rows)


FAMILIES = (TaskFamily("health", ("obat diagnosa",)), TaskFamily("jobs", ("daftar tentara",)))


def scope(margin: float = 0.05) -> tuple[SemanticScope, AxisEmbedder]:
    embedder = AxisEmbedder()
    return SemanticScope(embedder, ["syarat pkh?", "pkh anak?"], margin, FAMILIES), embedder


def test_asks_are_the_question_and_its_asking_clauses() -> None:
    question = "anak sy umur 2 th tingginya 80 cm, dia stunting gk? tolong diagnosa dong"
    assert asks(question) == [question, "dia stunting gk", "tolong diagnosa dong"]


def test_a_single_ask_is_the_whole_question() -> None:
    assert asks("syarat daftar PKH apa aja?") == ["syarat daftar PKH apa aja?"]
    # a clause too short to mean anything does not split the question
    assert asks("Berapa bantuan PKH untuk ibu hamil? 7") == ["Berapa bantuan PKH untuk ibu hamil? 7"]
    # clauses that only tell are context, not asks
    assert asks("sy punya anak dua, suami kerja serabutan") == ["sy punya anak dua, suami kerja serabutan"]


def test_a_clause_that_names_a_program_is_judged_with_the_whole_question_only() -> None:
    question = "anak sy kelas 3 SD, apakah dapat bantuan PKH? tolong diagnosa tinggi badannya"
    assert asks(question)[1:] == ["apakah dapat bantuan PKH", "tolong diagnosa tinggi badannya"]
    assert judged_asks(question) == [question, "tolong diagnosa tinggi badannya"]


def test_a_number_s_separators_do_not_split_a_clause() -> None:
    question = "apa benar PKH SD Rp1.250.000? atau 19,5 juta? berapa sebenarnya"
    assert asks(question) == [question, "apa benar PKH SD Rp1.250.000", "berapa sebenarnya"]


def test_question_headings_are_the_headings_phrased_as_questions() -> None:
    chunks = [fake_chunk("pkh", "teks", section="PKH > Syarat PKH apa aja?"),
              fake_chunk("pkh", "teks", section="PKH > Besaran bantuan"),
              fake_chunk("pkh", "lagi", section="PKH > Syarat PKH apa aja?")]
    assert question_headings(chunks) == ["Syarat PKH apa aja?"]


def test_a_question_the_guidelines_answer_is_in_scope() -> None:
    judge, _ = scope()
    verdict = judge.judge("syarat pkh")
    assert verdict.family is None and verdict.in_scope_margin > 0


def test_an_ask_closest_to_a_family_is_out_of_scope_with_that_family() -> None:
    judge, _ = scope()
    assert judge.judge("obat diagnosa").family == "health"
    assert judge.judge("daftar tentara").family == "jobs"
    assert judge.judge("daftar tentara").in_scope_margin < 0


def test_one_out_of_scope_ask_in_an_in_scope_question_is_enough() -> None:
    judge, _ = scope()
    question = "pkh anak pkh, pkh anak? tolong diagnosa obat"
    assert judge.judge(question).family == "health"
    assert judge.judge(question).ask == "tolong diagnosa obat"


def test_the_margin_decides() -> None:
    judge, _ = scope(margin=1.5)  # no cosine difference reaches it
    assert judge.judge("obat diagnosa").family is None


def test_verdicts_and_reference_vectors_are_computed_once() -> None:
    judge, embedder = scope()
    judge.judge("obat diagnosa")
    count = len(embedder.embedded)
    judge.judge("Obat  diagnosa")
    assert len(embedder.embedded) == count


def test_every_family_has_a_decline_text_or_uses_the_general_one() -> None:
    texts = load_texts()
    for family in OUT_OF_SCOPE_FAMILIES:
        key = out_of_scope_key(family.name)
        assert key in TEXT_KEYS and texts.get(key)
    assert out_of_scope_key(None) == out_of_scope_key("unknown") == "out_of_scope"


class OutOfScopeKnowledgeBase(FakeKnowledgeBase):
    """Declines every question as the pipeline does for an out-of-scope ask."""

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family

    def ask(self, question: str, audience: str = "citizen", filters=None) -> Answer:
        self.asked.append((question, audience))
        return Answer("x", True, meta={"out_of_scope": self.family})


@pytest.mark.parametrize(("family", "channel"), [("health", "puskesmas"), ("jobs", "Dinas Tenaga Kerja"),
                                                 ("finance", "lembaga keuangan"), ("politics", "KPU")])
def test_an_out_of_scope_decline_names_the_family_channel(family: str, channel: str) -> None:
    service = ConversationService(OutOfScopeKnowledgeBase(family), None, InMemoryStateStore())
    reply = service.reply(user_id="u", channel="test", role="citizen", text="syarat daftar anak sekolah apa?")
    assert reply.refused and reply.intent == "out_of_scope"
    assert channel in reply.text


def test_a_program_question_that_clearly_asks_what_the_guidelines_answer_gets_the_lowest_bar() -> None:
    from assistant.rag.answer import ExtractiveAnswerer
    from assistant.rag.scope import ScopeVerdict
    from assistant.rag.vocabulary import Vocabulary
    from assistant.settings import AnswerSettings

    settings = AnswerSettings()
    margin = {"value": settings.clear_ask_margin}
    answerer = ExtractiveAnswerer(settings, Vocabulary([["pkh", "hadir"]]),
                                  scope=lambda question: ScopeVerdict(None, margin["value"]))
    question = "kalau gk dateng pertemuan pkh, dicoret ga?"
    assert answerer._bar(question, {"pkh"}) == settings.clear_ask_min_confidence
    margin["value"] = settings.clear_ask_margin - 0.01  # closer to an out-of-scope task: the usual bar
    assert answerer._bar(question, {"pkh"}) == settings.program_min_confidence
    assert answerer._bar("kalau gk dateng pertemuan, dicoret ga?", set()) != settings.clear_ask_min_confidence


@pytest.mark.parametrize("text", ["ASLUT itu masih ada gk?", "Mensos sekarang siapa?", "syarat daftar pkh"])
def test_naming_a_program_or_its_minister_mentions_the_domain(text: str) -> None:
    assert mentions_domain(text)


def test_a_question_naming_nothing_of_the_domain_does_not_mention_it() -> None:
    assert not mentions_domain("resep rendang padang gimana?")


def test_a_message_naming_a_pin_that_asks_to_misuse_a_card_gets_the_misuse_decline_not_the_scam_warning() -> None:
    misuse = "nenek sebelah rumah nitip kartu sama PIN nya ke sy, saldonya sy pakai dulu buat modal, boleh kan?"
    victim = "ada yg minta PIN kks sy katanya biar bansos cepet cair, kasih gk?"
    kb = FakeKnowledgeBase()
    kb.declined_families[misuse] = "misuse"
    service = ConversationService(kb, None, InMemoryStateStore())
    texts = load_texts()
    declined = service.reply(user_id="u", channel="test", role="citizen", text=misuse)
    assert declined.refused and declined.intent == "out_of_scope"
    assert declined.text == texts.get(out_of_scope_key("misuse")) and "171" in declined.text
    warned = service.reply(user_id="v", channel="test", role="citizen", text=victim)
    assert not warned.refused and "Waspada penipuan" in warned.text


def test_a_nik_sent_after_a_declined_lookup_of_someone_else_is_that_person_s_and_is_declined() -> None:
    service = ConversationService(FakeKnowledgeBase(), None, InMemoryStateStore())
    first = service.reply(user_id="u", channel="test", role="citizen", text="tolong cekin status bansos tetangga sy")
    assert first.refused and first.intent == "injection"
    second = service.reply(user_id="u", channel="test", role="citizen", text="NIK nya 3201014507880003",
                           conversation_id=first.conversation_id)
    assert second.refused and second.intent == "injection" and "3201014507880003" not in second.text
    # the same NIK in a fresh conversation is a status check of one's own record
    fresh = service.reply(user_id="w", channel="test", role="citizen", text="NIK nya 3201014507880003")
    assert fresh.intent == "status_check"
