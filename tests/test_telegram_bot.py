"""The real python-telegram-bot Application against a fake Bot API server on loopback: whole flows."""

from __future__ import annotations

import contextlib
import html
import logging
import time
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from assistant.adapters.fakes import FakeKnowledgeBase, ScriptedConversation, fake_chunk
from assistant.errors import IndexNotReadyError
from assistant.models import Citation, Regulation, Reply
from tests.support.fake_telegram import BOT_USERNAME, fake_bot_api
from tests.support.telegram_bot import KK, NIK, TOKEN, bot_settings, fake_services, running_bot

USER = 5001


@pytest.fixture
def api():
    with fake_bot_api(TOKEN) as fake:
        yield fake


@pytest.fixture
def services(tmp_path):
    svc = fake_services(tmp_path)
    yield svc
    svc.journal.close()


def buttons(message: dict) -> list[dict]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def plain(html_text: str) -> str:
    return html.unescape(HTMLParserText.text_of(html_text))


class HTMLParserText(HTMLParser):
    """Collects the text of an HTML message and checks that its tags are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data) -> None:
        self.parts.append(data)

    @classmethod
    def text_of(cls, html_text: str) -> str:
        parser = cls()
        parser.feed(html_text)
        parser.close()
        assert not parser.stack, f"unclosed tags {parser.stack}"
        return "".join(parser.parts)


class Records(logging.Handler):
    """Keeps the records of the loggers it is attached to (independent of how other tests left the root)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(f"{r.getMessage()} {r.__dict__}" for r in self.records)


@contextlib.contextmanager
def captured_logs(*names: str, level: int = logging.DEBUG):
    records = Records()
    loggers = [logging.getLogger(n) for n in names]
    before = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(records)
        lg.setLevel(level)
    try:
        yield records
    finally:
        for lg, lv in zip(loggers, before, strict=True):
            lg.removeHandler(records)
            lg.setLevel(lv)


def all_bot_api_text(api) -> str:
    return "\n".join(repr(c.params) for c in api.calls)


# --------------------------------------------------------------------------- /start, menu, questions


def test_start_shows_welcome_privacy_and_menu_and_a_topic_leads_to_an_answer(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "/start")
        (welcome,) = api.wait_messages(USER, 1)
        assert "selamat datang" in welcome.lower() and "tidak bisa" in welcome
        assert "/hapus" in welcome and "24 jam" in welcome and "NIK" in welcome  # the privacy notice
        menu = api.sent_message(USER)
        labels = [b["text"] for b in buttons(menu)]
        assert labels == ["PKH", "Cek status", "Stunting", "Day care Tamasya", "Lansia", "Bansos lain"]

        api.press(USER, "m:pkh", menu)
        api.wait_messages(USER, 2)
        topic = api.sent_message(USER)
        questions = buttons(topic)
        assert "Berapa bantuan PKH untuk ibu hamil?" in [b["text"] for b in questions]
        assert api.wait_for(lambda: api.calls_of("answerCallbackQuery"))

        pregnant = next(b for b in questions if "ibu hamil" in b["text"])
        api.press(USER, pregnant["callback_data"], topic)
        answer = api.wait_messages(USER, 3)[-1]
        assert "Rp3.000.000" in answer and "[1]" in answer

        api.press(USER, "m:status", menu)  # the "Cek status" button starts the service's status check
        assert "NIK" in api.wait_messages(USER, 4)[-1]


def test_question_gets_citations_short_sources_typing_and_buttons(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "Berapa besaran bantuan PKH untuk ibu hamil?")
        (answer,) = api.wait_messages(USER, 1)
    assert "Rp3.000.000" in answer and "[1]" in answer
    assert "<b>Sumber:</b>" in answer
    assert '[1] <a href="https://example.org/pkh-besaran">PKH: besaran bantuan</a> (2025)' in answer
    send = api.calls_of("sendMessage", USER)[0]
    assert send.params["parse_mode"] == "HTML"
    typing = api.calls_of("sendChatAction", USER)
    assert typing and typing[0].params["action"] == "typing" and typing[0].at <= send.at
    labels = [b["text"] for b in buttons(api.sent_message(USER))]
    assert "Cek status saya" in labels and labels[-2:] == ["👍", "👎"]


def test_suggestion_button_asks_that_question(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "Apa syarat PKH?")
        api.wait_messages(USER, 1)
        api.press_label(USER, "Jadwal pencairan")
        texts = api.wait_messages(USER, 2)
    assert "Januari-Maret" in texts[-1]
    # the button's question, asked about the program the conversation is about
    assert services.knowledge.asked[-1][0] == "Jadwal pencairan (PKH)"


def test_source_without_web_address_has_no_link(api, tmp_path) -> None:
    chunk = fake_chunk("pkh-permensos", "Dasar hukum PKH adalah Permensos nomor 1 tahun 2018 tentang PKH.",
                       title="Permensos 1/2018", program="pkh")
    chunk = type(chunk)(**{**{s: getattr(chunk, s) for s in chunk.__slots__}, "source_url": "Permensos No. 1/2018"})
    svc = fake_services(tmp_path, kb=FakeKnowledgeBase([chunk]))
    with running_bot(api, svc):
        api.send_text(USER, "Apa dasar hukum PKH Permensos?")
        (answer,) = api.wait_messages(USER, 1)
    assert "[1] Permensos 1/2018 (2025)" in answer and "<a " not in answer


# --------------------------------------------------------------------------- the status check


def test_status_check_deletes_the_nik_message_and_shows_the_outcome(api, services) -> None:
    loggers = ("assistant", "telegram", "httpx", "httpcore")  # at DEBUG, as a verbose deployment would
    with captured_logs(*loggers) as logs, running_bot(api, services):
        api.send_text(USER, "/cek")
        (ask,) = api.wait_messages(USER, 1)
        assert "NIK" in ask
        nik_message = api.send_text(USER, NIK)
        texts = api.wait_messages(USER, 2)
        deleted = api.calls_of("deleteMessage", USER)
        assert [c.params["message_id"] for c in deleted] == [nik_message["message_id"]]
        assert "sudah saya hapus" in texts[-1] and "3204********0001" in texts[-1]
        assert "Kartu Keluarga" in texts[-1]
        kk_message = api.send_text(USER, KK)
        outcome = api.wait_messages(USER, 3)[-1]
        assert kk_message["message_id"] in [c.params["message_id"] for c in api.calls_of("deleteMessage", USER)]
    assert "PKH: memenuhi syarat" in outcome and "Rp900.000 per tahun" in outcome
    assert "desil keluarga 3, batas PKH desil 4" in outcome
    assert "Risiko stunting keluarga (KRS): belum bisa ditentukan" in outcome
    assert services.household_lookup.calls[-1][1]["nik"] == NIK  # the service got the full NIK...
    assert NIK not in all_bot_api_text(api)  # ...but nothing the bot sent holds it
    assert any(r.name == "assistant.telegram" for r in logs.records)  # the logs were captured...
    assert NIK not in logs.text() and TOKEN not in logs.text()  # ...and hold neither the NIK nor the token


def test_invalid_nik_failed_verification_and_too_many_failures(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "/cek")
        api.wait_messages(USER, 1)
        api.send_text(USER, "12345")
        assert "16 angka" in api.wait_messages(USER, 2)[-1]
        api.send_text(USER, NIK)
        api.wait_messages(USER, 3)
        api.send_text(USER, "3204011207259999")
        assert "tidak cocok" in api.wait_messages(USER, 4)[-1]
        for n in (5, 7):  # a second wrong KK, then the right one: the user must wait now
            api.send_text(USER, "/cek")
            api.wait_messages(USER, n)
            api.send_text(USER, f"{NIK} 3204011207259998" if n == 5 else f"{NIK} {KK}")
            api.wait_messages(USER, n + 1)
        texts = api.texts_to(USER)
    assert "tidak cocok" in texts[5]
    assert "Terlalu banyak percobaan" in texts[7] and "10 menit" in texts[7]
    assert NIK not in all_bot_api_text(api)


def test_nik_message_that_cannot_be_deleted_is_reported(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "/cek")
        api.wait_messages(USER, 1)
        message = api.message(USER, NIK)
        api.undeletable.add(message["message_id"])
        api.send_update("message", message)
        texts = api.wait_messages(USER, 2)
    assert "hapus sendiri pesan Anda yang berisi NIK" in texts[-1]


# --------------------------------------------------------------------------- feedback


def test_thumbs_down_with_comment_and_thumbs_up_are_stored(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "Apa syarat PKH?")
        api.wait_messages(USER, 1)
        api.press_label(USER, "👎")
        texts = api.wait_messages(USER, 2)
        assert "Apa yang kurang" in texts[-1]
        prompt_call = api.calls_of("sendMessage", USER)[-1]
        assert prompt_call.params["reply_markup"]["force_reply"] is True
        edits = api.wait_for(lambda: api.calls_of("editMessageReplyMarkup", USER))
        assert all(not b["callback_data"].startswith("f:")
                   for row in edits[-1].params["reply_markup"]["inline_keyboard"] for b in row)
        api.send_text(USER, "Kurang jelas untuk anak SMA", reply_to=api.sent_message(USER))
        assert "sudah kami catat" in api.wait_messages(USER, 3)[-1]

        api.send_text(USER, "Kapan jadwal pencairan PKH?")
        api.wait_messages(USER, 4)
        api.press_label(USER, "👍")
        api.wait_for(lambda: len(api.calls_of("answerCallbackQuery")) >= 2)
    rows = services.journal.feedback_rows()
    ratings = sorted((r["rating"], r["comment"]) for r in rows)
    assert ratings == [("down", ""), ("down", "Kurang jelas untuk anak SMA"), ("up", "")]
    assert api.calls_of("answerCallbackQuery")[-1].params.get("text", "").startswith("Terima kasih")


# --------------------------------------------------------------------------- other content, edits, errors


def test_voice_sticker_and_photo_get_a_polite_reply(api, services) -> None:
    with running_bot(api, services):
        api.send_update("message", api.message(USER, voice={"file_id": "v1", "file_unique_id": "v1", "duration": 3}))
        api.send_update("message", api.message(USER, sticker={
            "file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
            "is_animated": False, "is_video": False}))
        api.send_update("message", api.message(USER, location={"latitude": -6.9, "longitude": 107.6}))
        texts = api.wait_messages(USER, 3)
    assert all("hanya bisa membaca pesan teks" in t for t in texts)
    assert services.knowledge.asked == []


def test_edited_message_is_not_answered_again(api, services) -> None:
    with running_bot(api, services):
        message = api.message(USER, "Apa syarat PKH?")
        api.send_update("edited_message", {**message, "edit_date": int(time.time())})
        (text,) = api.wait_messages(USER, 1)
    assert "pesan baru" in text and services.knowledge.asked == []


def test_backend_failure_gets_a_short_apology_with_channels_and_a_logged_request_id(api, tmp_path) -> None:
    class BrokenKnowledge(FakeKnowledgeBase):
        def ask(self, question, audience="citizen", filters=None):
            raise IndexNotReadyError("Indeks belum dibuat.")

    svc = fake_services(tmp_path, kb=BrokenKnowledge())
    with captured_logs("assistant.telegram", level=logging.INFO) as records, running_bot(api, svc):
        api.send_text(USER, "Apa syarat PKH?")
        (text,) = api.wait_messages(USER, 1)
    assert "coba lagi nanti" in text and "171" in text
    request_id = text.rsplit("kode ", 1)[1].rstrip(")")
    failures = [r for r in records.records if getattr(r, "event", "") == "telegram_backend_error"]
    assert failures and failures[0].request_id == request_id
    assert failures[0].exc_info and isinstance(failures[0].exc_info[1], IndexNotReadyError)


def test_a_backend_timeout_gets_the_same_short_apology(api, tmp_path) -> None:
    class Hanging(FakeKnowledgeBase):
        def ask(self, question, audience="citizen", filters=None):
            time.sleep(1.5)
            return super().ask(question, audience, filters)

    svc = fake_services(tmp_path, kb=Hanging())
    with running_bot(api, svc, settings=bot_settings(api, reply_timeout_seconds=0.3)):
        api.send_text(USER, "Apa syarat PKH?")
        (text,) = api.wait_messages(USER, 1)
        time.sleep(1.5)  # the late answer is dropped, not sent after the apology
    assert "coba lagi nanti" in text and len(api.texts_to(USER)) == 1


def test_flood_limit_429_is_waited_out_and_nothing_lost(api, services) -> None:
    with running_bot(api, services):
        api.fail_next("sendMessage", retry_after=1)
        api.send_text(USER, "Apa syarat PKH?")
        texts = api.wait_messages(USER, 2, timeout=20)  # the refused call is recorded too
        time.sleep(0.3)
    calls = api.calls_of("sendMessage", USER)
    assert len(calls) == 2 and texts[0] == texts[1]
    assert calls[1].at - calls[0].at >= 0.95


def test_erase_asks_for_confirmation_then_erases(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "Apa syarat PKH?")
        api.wait_messages(USER, 1)
        assert services.journal.interactions()
        api.send_text(USER, "/hapus")
        api.wait_messages(USER, 2)
        confirm = api.sent_message(USER)
        assert [b["callback_data"] for b in buttons(confirm)] == ["e:y", "e:n"]
        api.press(USER, "e:n", confirm)
        kept = api.wait_for(lambda: api.calls_of("editMessageText", USER))
        assert "tidak dihapus" in kept[-1].params["text"]
        assert services.journal.interactions()
        api.press(USER, "e:y", confirm)
        erased = api.wait_for(lambda: len(api.calls_of("editMessageText", USER)) >= 2 and
                              api.calls_of("editMessageText", USER))
    assert "sudah kami hapus" in erased[-1].params["text"]
    assert services.journal.interactions() == []


def test_cancel_command(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "/cek")
        api.wait_messages(USER, 1)
        api.send_text(USER, "/batal")
        assert "dibatalkan" in api.wait_messages(USER, 2)[-1]
        api.send_text(USER, "/bantuan")
        assert "/cek" in api.wait_messages(USER, 3)[-1]


# --------------------------------------------------------------------------- groups


def test_group_answers_only_when_addressed_and_never_runs_the_status_check(api, services) -> None:
    group = api.group_chat(-100123)
    with running_bot(api, services):
        api.send_text(USER, "Apa syarat PKH?", chat=group)  # not addressed: ignored
        api.send_text(USER, f"@{BOT_USERNAME} Apa syarat PKH?", chat=group)
        texts = api.wait_messages(group["id"], 1)
        assert "DTSEN" in texts[0]
        first = api.calls_of("sendMessage", group["id"])[0]
        assert first.params["reply_parameters"]["message_id"]
        assert services.knowledge.asked == [("Apa syarat PKH?", "citizen")]

        api.send_text(USER, f"@{BOT_USERNAME} cek status saya", chat=group)
        texts = api.wait_messages(group["id"], 2)
        assert "chat pribadi" in texts[-1]
        link = buttons(api.sent_message(group["id"]))[0]["url"]
        assert link == f"https://t.me/{BOT_USERNAME}?start=cek"

        api.send_text(USER, "/cek", chat=group)
        assert "chat pribadi" in api.wait_messages(group["id"], 3)[-1]
        nik = api.send_text(USER, f"ini NIK saya {NIK}", chat=group)
        texts = api.wait_messages(group["id"], 4)
        assert "Jangan kirim NIK di grup" in texts[-1]
        assert [c.params["message_id"] for c in api.calls_of("deleteMessage", group["id"])] == [nik["message_id"]]
        reply_to_bot = api.sent_message(group["id"], 0)
        api.send_text(USER, "Kapan jadwal pencairan PKH?", chat=group, reply_to=reply_to_bot)
        assert "Januari-Maret" in api.wait_messages(group["id"], 5)[-1]
    assert services.household_lookup.calls == []
    assert not any("NIK Anda (16 angka" in t for t in api.texts_to(group["id"]))
    assert api.texts_to(USER) == []


def test_start_in_private_with_cek_payload_starts_the_check(api, services) -> None:
    with running_bot(api, services):
        api.send_text(USER, "/start cek")
        (text,) = api.wait_messages(USER, 1)
    assert "NIK" in text and "16 angka" in text


# --------------------------------------------------------------------------- formatting through the real bot


def _long_reply(words: int) -> Reply:
    sentence = "Komponen anak SD dalam PKH mendapat bantuan setiap tahap sesuai pedoman [1]. "
    text = (sentence * (words // 11 + 1)).strip()
    citation = Citation(1, "pkh-besaran", "PKH: besaran bantuan", "PKH", "https://example.org/pkh", 2025, "c1")
    return Reply(text=text, refused=False, intent="program_question", conversation_id="", answer_id="a1",
                 citations=(citation,), suggestions=("Syarat PKH",))


def test_six_thousand_character_reply_is_split_without_breaking_words_or_citations(api, services) -> None:
    reply = _long_reply(900)
    assert len(reply.text) > 6000
    conversation = ScriptedConversation({"panjang": reply})
    with running_bot(api, services, conversation=conversation):
        api.send_text(USER, "panjang")
        texts = api.wait_for(lambda: len(api.texts_to(USER)) >= 2 and
                             "Sumber" in api.texts_to(USER)[-1] and api.texts_to(USER))
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
    joined = " ".join(plain(t) for t in texts)
    assert " ".join(joined.split()).startswith(" ".join(reply.text.split()))
    for part in texts:
        words = plain(part).split()
        assert words[0] in ("Komponen", "[1]") or words[0].istitle()
        assert plain(part).rstrip().endswith((".", ")"))  # cut after a sentence, never inside "[1]"
    calls = api.calls_of("sendMessage", USER)
    assert "reply_markup" not in calls[0].params and buttons(api.sent_message(USER))


def test_html_special_characters_from_a_guideline_never_break_a_message(api, tmp_path) -> None:
    text = ("Syarat PKH: penghasilan < Rp1.000.000 & anggota_keluarga *aktif* di <DTSEN> "
            "sesuai pedoman_pkh.")
    chunk = fake_chunk("pkh-syarat-khusus", text, title="PKH <syarat> & ketentuan", program="pkh")
    svc = fake_services(tmp_path, kb=FakeKnowledgeBase([chunk]))
    with running_bot(api, svc):
        api.send_text(USER, "Apa syarat PKH penghasilan anggota keluarga?")
        (answer,) = api.wait_messages(USER, 1)
    assert "&lt;DTSEN&gt;" in answer and "&amp; anggota_keluarga *aktif*" in answer
    assert "PKH &lt;syarat&gt; &amp; ketentuan" in answer
    assert text in plain(answer)


def test_the_sources_name_the_regulations_and_link_the_official_text(api, tmp_path) -> None:
    law = Regulation(type="UU", number="13", year=1998, title="Kesejahteraan Lanjut Usia", article="Pasal 1 angka 2",
                     url="https://jdih.dpr.go.id/setjen/detail-dokumen/tipe/uu/id/471")
    chunk = replace(fake_chunk("lansia-uu", "Lansia menurut undang-undang adalah orang berusia 60 tahun ke atas.",
                               title="Siapa yang disebut lansia", program="lansia"), regulations=(law,))
    svc = fake_services(tmp_path, kb=FakeKnowledgeBase([chunk]))
    with running_bot(api, svc):
        api.send_text(USER, "Lansia menurut undang-undang berusia berapa tahun?")
        (answer,) = api.wait_messages(USER, 1)
    assert f'Dasar hukum: <a href="{law.url}">UU 13/1998 Pasal 1 angka 2</a> tentang Kesejahteraan Lanjut Usia' in answer
    assert "Siapa yang disebut lansia" in plain(answer)


def test_one_slow_user_does_not_block_others(api, tmp_path) -> None:
    class SlowForSome(FakeKnowledgeBase):
        def ask(self, question, audience="citizen", filters=None):
            if "lambat" in question:
                time.sleep(2.0)
            return super().ask(question, audience, filters)

    svc = fake_services(tmp_path, kb=SlowForSome())
    with running_bot(api, svc):
        api.send_text(1, "lambat syarat PKH apa?")
        time.sleep(0.1)
        api.send_text(2, "Apa syarat PKH?")
        api.wait_messages(2, 1)
        fast_done = time.perf_counter()
        api.wait_messages(1, 1)
    slow_call = api.calls_of("sendMessage", 1)[0]
    assert fast_done < slow_call.at
