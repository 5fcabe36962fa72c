"""Share in Chromium: the snapshot link opens read-only in a second browser context, and the
Export HTML file, opened from disk, makes no request but for itself (issue 29 point 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/share-shots")
HOSTILE = (
    "**Paris** is the answer. ![tracker](http://127.0.0.1:9/t.png) "
    "[click](javascript:alert(1)) <img src=http://127.0.0.1:9/i.png> [docs](https://example.com)"
)


def test_share_opens_read_only_elsewhere_and_the_html_fetches_nothing(
    page: Page, browser: Browser, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    SHOTS.mkdir(exist_ok=True)
    url = server.add("share-hostile", Scenario(reply=HOSTILE))
    app = start_app(
        f'[[endpoints]]\nname = "Fake"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    try:
        pg = PlaygroundPage(page, app.url).open()
        first, second = pg.card_ids()
        pg.set_sync(True)
        pg.send_synced("Capital of France?")
        for cid in (first, second):
            expect(pg.history(cid)).to_contain_text("Paris is the answer", timeout=20_000)
        page.locator(".st-key-share-playground button:visible").click()
        link_box = page.locator('[data-testid="stCode"]').filter(has_text="?snapshot=")
        expect(link_box).to_be_visible(timeout=15_000)
        link = re.search(r"http\S+\?snapshot=[A-Za-z0-9_-]{22,}", link_box.inner_text())
        assert link is not None
        with page.expect_download() as download:
            page.locator(".st-key-share-html button:visible").click()
        html_file = tmp_path / "snapshot.html"
        download.value.save_as(html_file)
        page.screenshot(path=str(SHOTS / "1-playground-shared.png"), full_page=True)

        other = browser.new_context(viewport={"width": 1400, "height": 1000})
        view = other.new_page()
        view.goto(link.group(0))
        expect(view.get_by_text("Read-only snapshot")).to_be_visible(timeout=60_000)
        expect(view.locator('[class*="st-key-snapshot-card-"]')).to_have_count(2)
        for card in view.locator('[class*="st-key-snapshot-card-"]').all():
            expect(card).to_contain_text("Paris is the answer")
            expect(card).to_contain_text("Capital of France?")
        expect(view.locator('[data-testid="stChatInput"]')).to_have_count(0)
        expect(view.locator("textarea")).to_have_count(0)
        expect(view.get_by_role("button", name="Open as a new workspace")).to_be_visible()
        expect(view.get_by_role("button", name="Delete")).to_have_count(0)  # not theirs
        expect(view.locator('[data-testid="stChatMessage"] img')).to_have_count(0)
        no_error_boxes(view)
        view.screenshot(path=str(SHOTS / "2-snapshot-second-context.png"), full_page=True)
        other.close()

        offline = browser.new_context(viewport={"width": 1400, "height": 1000})
        requests: list[str] = []
        file_page = offline.new_page()
        file_page.on("request", lambda request: requests.append(request.url))
        file_page.goto(html_file.as_uri())
        expect(file_page.locator("h1")).to_contain_text("Capital of France?")
        expect(file_page.locator("section.card")).to_have_count(2)
        expect(file_page.locator("section.card").first).to_contain_text("Paris is the answer")
        expect(file_page.get_by_text("image not loaded").first).to_be_visible()
        file_page.wait_for_timeout(500)  # anything lazy would have asked by now
        assert requests == [html_file.as_uri()]
        assert file_page.locator("script, img, iframe").count() == 0
        file_page.screenshot(path=str(SHOTS / "3-export-html-offline.png"), full_page=True)
        offline.close()
    finally:
        stop_app(app)
