"""What real servers showed (issue 13, part 4), in Chromium: the controls under a card
follow Delete Chat History at once, Apply to all reaches every card at once, and a
reload while an answer streams follows that answer live."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser


@pytest.fixture
def app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    url = server.add("real-servers", Scenario(tokens=80, tokens_per_second=20))
    long = server.add("real-servers-long", Scenario(tokens=400, tokens_per_second=20))
    empty = server.add("real-servers-empty", Scenario(reply="", no_done=True))
    running = start_app(
        f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n'
        f'[[endpoints]]\nname = "Long"\nbase_url = "{long}"\n'
        f'[[endpoints]]\nname = "Empty"\nbase_url = "{empty}"\n'
        "[local_model]\nenabled = false\n"
        f'[store]\ndata_dir = "{tmp_path / "data"}"\nautosave_interval = 0.5\n',
        tmp_path,
    )
    yield running
    stop_app(running)


def test_delete_chat_history_takes_retry_and_edit_with_it(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, _ = pg.card_ids()
    pg.send_to_card(first, "forget me")
    expect(pg.history(first)).to_contain_text("w79", timeout=30_000)
    expect(pg.button(first, "retry")).to_be_visible()
    expect(pg.button(first, "edit")).to_be_visible()
    pg.more(first, "clear")
    expect(pg.bubbles(first)).to_have_count(0)
    expect(pg.widget(first, "retry")).to_have_count(0)
    expect(pg.widget(first, "edit")).to_have_count(0)
    expect(pg.widget(first, "input")).to_be_visible()
    shot("deleted")
    no_error_boxes(page)


def test_apply_to_all_cards_shows_in_every_card_at_once(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    first, second = pg.card_ids()
    pg.open_menu(first, "settings", "temperature")
    field = pg.widget(first, "temperature").locator("input")
    field.fill("0.5")
    field.press("Enter")
    expect(field).to_have_value("0.50")
    pg.button(first, "apply_all").click()
    page.keyboard.press("Escape")  # Settings close: the cards are drawn again
    expect(pg.cards().nth(0)).to_contain_text("T 0.5")
    expect(pg.cards().nth(1)).to_contain_text("T 0.5")
    # Its widgets were renewed (new keys) to start from the copied values.
    pg.open_menu(second, "settings", "temperature-g1")
    expect(pg.widget(second, "temperature-g1").locator("input")).to_have_value("0.50")
    shot("applied")
    no_error_boxes(page)


def test_a_reload_while_an_answer_streams_follows_it_live(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, _ = pg.card_ids()
    pg.choose(first, "endpoint", "Long")
    pg.send_to_card(first, "keep going")  # 400 tokens at 20 a second: 20 s
    expect(pg.history(first)).to_contain_text("w10", timeout=30_000)
    expect(page).to_have_url(re.compile(r"ws="))
    page.reload()
    expect(pg.cards()).to_have_count(2, timeout=30_000)
    expect(pg.button(first, "stop")).to_be_visible()  # still answering, not "Stopped"
    shot("reloaded-streaming")
    expect(pg.history(first)).to_contain_text("w399", timeout=60_000)
    expect(pg.history(first)).not_to_contain_text("Stopped")
    expect(pg.history(first)).to_contain_text("tok/s")  # finished, with its figures
    shot("reloaded-finished")
    no_error_boxes(page)


def test_an_empty_stream_says_the_conversation_may_be_too_long(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, _ = pg.card_ids()
    pg.send_to_card(first, "one")
    expect(pg.history(first)).to_contain_text("w79", timeout=30_000)
    pg.choose(first, "endpoint", "Empty")  # as llama.cpp past its context: 200, nothing
    pg.send_to_card(first, "two")
    expect(pg.history(first)).to_contain_text("may be too long", timeout=30_000)
    expect(pg.button(first, "shorten")).to_have_text(re.compile("Drop oldest turns and retry"))
    expect(pg.button(first, "too_long_clear")).to_be_visible()
    expect(pg.widget(first, "retry")).to_have_count(0)
    shot("too-long")
    no_error_boxes(page)
