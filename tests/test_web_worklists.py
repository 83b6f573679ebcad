"""The "Daftar kerja" tab in headless Chromium: table, filter, CSV download, region refusal, no raw codes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assistant.adapters.sql_registry import SqlRegistry
from assistant.api.keys import ApiKeyStore
from assistant.settings import Settings
from tests.support.worklist_fixtures import region_households
from tests.test_api_support import UvicornProcess
from tests.test_web_browser import CHROMIUM, browser, page  # noqa: F401 - shared fixtures

IN_3204 = sum(h.region_code.startswith("3204") for h in region_households().values())

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("web-worklists")
    registry = SqlRegistry.sqlite(Settings(_env_file=None, data_dir=data_dir).sqlite_path)
    registry.add_households(region_households().values())
    registry.close()
    _, token = ApiKeyStore(data_dir / "keys.sqlite3").create(name="fasil", role="facilitator", regions=["3204"])
    proc = UvicornProcess(data_dir, data_dir / "uvicorn.log")
    proc.token = token
    yield proc
    proc.stop()


def test_worklist_tab_table_filter_and_csv(server, page):  # noqa: F811 - the page fixture
    page.goto(server.url + "/")
    page.click("#facilitator summary")
    page.fill("#api-key", server.token)
    page.fill("#worklist-region", "3204")
    page.fill("#worklist-as-of", "2025-07-01")
    page.click("#worklist-form button")
    expect(page.locator("#worklist-count")).to_contain_text(f"3 keluarga dari {IN_3204} yang dibaca, per 2025-07-01")
    rows = page.locator("table.worklist tbody tr")
    expect(rows).to_have_count(3)
    first = rows.first.inner_text()
    assert "usulkan lewat musyawarah desa/kelurahan" in first and "ada ibu hamil" in first
    assert "stunting-krs-kriteria" in first and "3204********" in first
    shown = page.locator("#worklist-result").inner_text()
    for raw in ("eligible", "at_risk", "unknown", "members["):
        assert raw not in shown

    page.fill("#worklist-filter", "lengkapi")  # only the row whose PKH decision waits for data
    expect(page.locator("table.worklist tbody tr:not([hidden])")).to_have_count(1)

    with page.expect_download() as info:
        page.click("#worklist-csv")
    csv_text = open(info.value.path(), encoding="utf-8").read()
    assert csv_text.startswith("peringkat,kk,wilayah") and csv_text.count("\n") == 4

    page.select_option("#worklist-kind", "graduation")
    page.click("#worklist-form button")
    expect(page.locator("table.worklist tbody tr")).to_have_count(4)
    assert "2025-08-01" in page.locator("#worklist-result").inner_text()

    page.fill("#worklist-region", "3301")
    page.click("#worklist-form button")
    expect(page.locator("#worklist-result")).to_contain_text("di luar wilayah tugas Anda")
    page.screenshot(path="/tmp/webchat-worklist.png", full_page=True)
