"""Ask N times in a real headless Chromium: the answers as tabs, agreement, Keep."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.session.test_ask_n import numbered

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(server: FakeOpenAIServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    lab = server.add("ask-n-lab", Scenario(reply_fn=numbered(), tokens=40, tokens_per_second=80))
    running = start_app(
        f'[[endpoints]]\nname = "Lab"\nbase_url = "{lab}"\n'
        "price = { input_per_mtok = 2.5, output_per_mtok = 10.0 }\n"
        "[local_model]\nenabled = false\n",
        tmp_path_factory.mktemp("ask-n-app"),
    )
    yield running
    stop_app(running)
    assert "Traceback" not in running.log.read_text()


def test_three_answers_as_tabs_and_another_kept(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, _ = pg.card_ids()
    runs = pg.widget(first, "runs").locator("input")
    runs.fill("3")
    runs.press("Enter")
    expect(page.get_by_text("Each prompt: 3 answers")).to_be_visible(timeout=20_000)
    pg.send_to_card(first, "same question")
    tabs = pg.history(first).get_by_role("tab")
    expect(tabs).to_have_text(["1 ✓", "2", "3"], timeout=30_000)
    expect(pg.history(first)).to_contain_text("no two agree · similarity")
    expect(pg.history(first)).to_contain_text("first token")
    no_error_boxes(page)
    shot("tabs")
    tabs.nth(1).click()
    pg.history(first).get_by_role("button", name="Keep this answer").locator("visible=true").click()
    expect(tabs).to_have_text(["1", "2 ✓", "3"], timeout=20_000)
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")  # still on the kept one
    no_error_boxes(page)
    shot("kept")
