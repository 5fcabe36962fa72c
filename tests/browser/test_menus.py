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


SHOTS = Path("/tmp/settings-shots")
TOOLS = '[{"type": "function", "function": {"name": "get_time", "parameters": {}}}]'


def test_settings_open_in_a_dialog_keep_what_was_typed_and_let_another_page_open(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    """A card's Settings open in a dialog drawn only while open (issue 30: page runs
    cost less). Closed and opened again, they hold what was typed and not applied;
    closed, a click on another page opens that page (a stale run of the card once left
    it blank: the reverted popover menus); left open by Back, they are closed on return."""
    url = server.add("settings-dialog", Scenario(tokens=2))
    app = start_app(
        f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    SHOTS.mkdir(exist_ok=True)
    try:
        pg = PlaygroundPage(page, app.url).open()
        first, second = pg.card_ids()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_have_count(0)
        expect(pg.widget(first, "system")).to_have_count(0)  # not drawn while closed

        pg.open_menu(first, "settings", "temperature")
        expect(dialog).to_contain_text("Settings: card 1")
        temperature = pg.widget(first, "temperature").locator("input")
        temperature.fill("0.3")
        temperature.press("Enter")
        tools = pg.widget(first, "tools").locator("textarea")
        tools.fill(TOOLS)  # typed, not applied
        pg.widget(first, "system").locator("textarea").click()  # the tools field's blur
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "1-settings-open.png"))
        top_p = pg.widget(first, "top_p").locator("input")
        top_p.fill("0.9")
        top_p.press("Enter")  # and closed at once: its run and the close's may merge

        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)
        expect(pg.cards().first).to_contain_text("T 0.3")  # applied: the header says so
        expect(pg.cards().first).to_contain_text("top_p 0.9")
        expect(pg.widget(first, "tools")).to_have_count(0)

        pg.open_menu(first, "settings", "tools")
        expect(pg.widget(first, "tools").locator("textarea")).to_have_value(TOOLS)
        expect(pg.widget(first, "temperature").locator("input")).to_have_value("0.30")
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)

        # The other card's Settings are its own, and the page goes on to History.
        pg.open_menu(second, "settings", "temperature")
        expect(dialog).to_contain_text("Settings: card 2")
        expect(pg.widget(second, "tools").locator("textarea")).to_have_value("")
        page.keyboard.press("Escape")
        page.get_by_role("link", name="History").click()
        heading = page.get_by_role("heading", name="History", exact=True)
        expect(heading).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SHOTS / "2-history.png"))
        expect(pg.cards()).to_have_count(0)

        # Left open by the browser's Back (the dialog covers the page's own links),
        # Settings are closed when the Playground comes back.
        page.get_by_role("link", name="Playground").click()
        expect(pg.cards()).to_have_count(2, timeout=30_000)
        pg.open_menu(first, "settings", "temperature")
        page.go_back()
        expect(heading).to_be_visible(timeout=30_000)
        page.get_by_role("link", name="Playground").click()
        expect(pg.cards()).to_have_count(2, timeout=30_000)
        page.wait_for_timeout(1000)
        expect(dialog).to_have_count(0)
    finally:
        stop_app(app)
