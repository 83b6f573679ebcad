"""The web chat page in a real browser: Debian's headless Chromium driven by Playwright for Python."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assistant.api.keys import ApiKeyStore
from tests.test_api_support import (
    CHUNKS,
    INPRES_DTSEN,
    NIK_IN_REGION,
    NIK_OUT_OF_REGION,
    QUESTION,
    UvicornProcess,
)

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # CI (ASSISTANT_REQUIRE_BROWSER=1) never skips: a missing browser fails there, loudly (test below).
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("ASSISTANT_REQUIRE_BROWSER") != "1",
                       reason="Debian chromium is not installed at /usr/bin/chromium "
                       "(apt-get install -y chromium chromium-driver)"),
]


def test_chromium_is_installed():
    assert CHROMIUM.exists(), "Chromium is required (ASSISTANT_REQUIRE_BROWSER=1) but /usr/bin/chromium is missing"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("web-data")
    _, token = ApiKeyStore(data_dir / "keys.sqlite3").create(name="fasil", role="facilitator", regions=["3204"])
    proc = UvicornProcess(data_dir, data_dir / "uvicorn.log")
    proc.token = token
    proc.log_path = data_dir / "uvicorn.log"
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone screen
    page = context.new_page()
    # Only the loopback server may be reached.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
               else route.abort())
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    yield page
    context.close()
    # No script errors and no Content-Security-Policy violations (they are reported on the console).
    assert [p for p in problems if "401" not in p and "403" not in p] == []


def test_ask_read_answer_open_citation_and_give_feedback(server, page, tmp_path):
    page.goto(server.url + "/")
    assert page.title() == "Asisten Keluarga"
    page.fill("#question", QUESTION)
    page.click("#ask-button")

    answer = page.locator(".msg.bot.done").last
    answer.wait_for(timeout=20_000)
    assert "Rp900.000" in answer.locator("p.answer").inner_text()
    citations = answer.locator("button.cite")
    assert citations.count() == 2
    assert answer.locator(".suggestion").first.inner_text() == "Kalau untuk anak SMA?"

    page.screenshot(path="/tmp/webchat-answer.png", full_page=True)
    citations.first.click()
    dialog = page.locator("dialog#passage")
    dialog.wait_for(state="visible")
    expect(page.locator("#passage-text")).to_contain_text("Rp900.000 per tahun", timeout=10_000)
    assert page.locator("#passage-text").inner_text() == CHUNKS[0].text
    assert "PKH > Besaran bantuan" in page.locator("#passage-section").inner_text()
    assert page.locator("#passage-source").get_attribute("href") == "https://kemensos.go.id/pkh"
    shot = tmp_path / "webchat.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copy(shot, "/tmp/webchat.png")
    assert shot.stat().st_size > 5_000
    page.click("#passage-close")
    dialog.wait_for(state="hidden")

    answer.locator("button[data-rating='up']").click()
    expect(answer.locator(".feedback .muted")).to_contain_text("Terima kasih")
    assert answer.locator("button[data-rating='up']").get_attribute("aria-pressed") == "true"


def test_source_list_and_passage_name_the_regulations_with_the_official_link(server, page):
    page.goto(server.url + "/")
    page.fill("#question", QUESTION)
    page.click("#ask-button")
    answer = page.locator(".msg.bot.done").last
    answer.wait_for(timeout=20_000)
    sources = answer.locator("ol.sources > li")
    expect(sources).to_have_count(2)
    assert sources.nth(0).locator(".regulations").count() == 0  # a source without regulations names none
    named = sources.nth(1).locator(".regulations")
    assert named.inner_text() == "Dasar hukum: Inpres 4/2025 tentang Data Tunggal Sosial dan Ekonomi Nasional"
    link = named.locator("a")
    assert link.inner_text() == "Inpres 4/2025" and link.get_attribute("href") == INPRES_DTSEN.url
    assert link.get_attribute("rel") == "noopener noreferrer"

    answer.locator("button.cite").nth(1).click()  # the passage keeps its source and names the regulation
    page.locator("dialog#passage").wait_for(state="visible")
    assert page.locator("#passage-source").get_attribute("href") == "https://kemensos.go.id/pkh"
    expect(page.locator("#passage-regulations")).to_have_text(
        "Dasar hukum: Inpres 4/2025 tentang Data Tunggal Sosial dan Ekonomi Nasional")
    page.screenshot(path="/tmp/webchat-regulations.png", full_page=True)
    page.click("#passage-close")
    answer.locator("button.cite").nth(0).click()
    page.locator("dialog#passage").wait_for(state="visible")
    expect(page.locator("#passage-regulations")).to_be_hidden()


def test_follow_up_keeps_the_conversation_and_errors_are_shown(server, page):
    page.goto(server.url + "/")
    page.fill("#question", QUESTION)
    page.keyboard.press("Enter")
    page.locator(".msg.bot.done").first.wait_for(timeout=20_000)
    page.locator(".suggestion").first.click()  # unscripted follow-up: a polite refusal, not an error
    expect(page.locator(".msg.bot.done")).to_have_count(2, timeout=20_000)
    assert page.locator(".msg.user").count() == 2
    assert "Maaf" in page.locator(".msg.bot.done").last.inner_text()
    assert page.locator(".msg.error").count() == 0


def test_facilitator_status_check_form(server, page):
    page.goto(server.url + "/")
    page.click("#facilitator summary")
    page.fill("#nik", NIK_IN_REGION)
    page.click("#status-form button")
    expect(page.locator("#status-result")).to_contain_text("kunci API")

    page.fill("#api-key", server.token)
    page.click("#status-form button")
    expect(page.locator("#status-result")).to_contain_text("3204********0001")
    shown = page.locator("#status-result").inner_text()
    assert "PKH: memenuhi syarat · Rp900.000 per tahun" in shown
    assert "Keluarga Risiko Stunting: belum dapat dipastikan" in shown
    assert "tanggal lahir S*** A***** belum tercatat" in shown and "dinilai per 2026-11-27" in shown
    for raw in ("eligible", "unknown", "at_risk", "members["):
        assert raw not in shown

    page.fill("#nik", NIK_OUT_OF_REGION)
    page.click("#status-form button")
    expect(page.locator("#status-result")).to_contain_text("luar wilayah")
    page.screenshot(path="/tmp/webchat-status.png", full_page=True)


def test_family_status_form_sends_nik_and_kk_through_the_chat_and_keeps_neither(server, page):
    page.goto(server.url + "/")
    page.click("#self-check summary")
    page.fill("#citizen-nik", "3204 0101 0190 0001")
    page.fill("#citizen-kk", "1234")
    page.click("#citizen-status-form button")
    expect(page.locator("#citizen-status-result")).to_contain_text("16 angka")  # checked before anything is sent

    page.fill("#citizen-kk", "32.04.01.010125.0001")
    with page.expect_request("**/v1/chat") as sent:
        page.click("#citizen-status-form button")
    body = sent.value.post_data_json
    assert body["message"] == "cek status NIK 3204010101900001 KK 3204010101250001"
    assert body["user_id"].startswith("web-")
    expect(page.locator("#citizen-status-result")).to_contain_text("Maaf")  # the scripted service's reply
    assert page.input_value("#citizen-nik") == "" and page.input_value("#citizen-kk") == ""
    logged = server.log_path.read_text(encoding="utf-8")
    assert "conversation got: cek status NIK 3204********0001 KK 3204********0001" in logged  # masked in the log
    assert "3204010101250001" not in logged and "3204010101900001" not in logged
