"""A card's menu used twice in a row works the second time too (issue 13 part 5).

Streamlit keeps a popover open when a button inside it is used: the run the
button starts redraws the card, and the popover (same key, same place) stays
open after it. Clicking the popover's own button then *closes* it. A person sees
the menu still open and picks the next item from it; a page object that clicks
the menu's button again closes the menu it meant to open (the retry that was in
``PlaygroundPage.open_menu`` hid this by clicking a third time).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import start_app, stop_app
from tests.browser.pg import PlaygroundPage, RunWatcher
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser


def _wait_for(page: Page, done: object) -> None:
    for _ in range(300):
        if done():  # type: ignore[operator]
            return
        page.wait_for_timeout(50)
    raise AssertionError("the run did not end")


def test_the_more_menu_used_twice_in_a_row(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = server.add("menus", Scenario(tokens=2))
    app = start_app(
        f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    try:
        watcher = RunWatcher(page)
        pg = PlaygroundPage(page, app.url).open()
        _wait_for(page, watcher.full_runs)
        first, _ = pg.card_ids()
        more = pg.button(first, "more")
        expect(more).to_have_attribute("aria-expanded", "false")

        fragments = watcher.fragment_runs()
        pg.more(first, "images")  # "Load images": a run of this card's fragment
        _wait_for(page, lambda: watcher.fragment_runs() > fragments)
        page.wait_for_timeout(300)  # what the browser does at the run's end
        # The run has ended and redrawn the card; its More menu is still open, ...
        expect(pg.button(first, "images")).to_contain_text("Block images")
        expect(more).to_have_attribute("aria-expanded", "true")

        # ... and the person picks "Block images" from it.
        pg.more(first, "images")
        expect(pg.button(first, "images")).to_contain_text("Load images")
        expect(more).to_have_attribute("aria-expanded", "true")

        # Closed (Escape, as a person would), the menu opens again from its button.
        page.keyboard.press("Escape")
        expect(more).to_have_attribute("aria-expanded", "false")
        expect(pg.widget(first, "images")).to_have_count(0)
        pg.more(first, "images")
        expect(pg.button(first, "images")).to_contain_text("Block images")
    finally:
        stop_app(app)
