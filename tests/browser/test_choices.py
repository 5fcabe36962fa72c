"""A choice typed into a card's selector while an answer ends is kept (issue 13 part 5).

The mechanism is in the browser, so this is a browser test: Streamlit's chat input
with ``submit_mode="disable"`` takes the focus back when the run its prompt started
ends, and the searchable selector the person is typing in closes and puts its
text back to the old value; their Enter then chooses nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, start_app, stop_app
from tests.browser.pg import PlaygroundPage, RunWatcher
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser


def test_an_endpoint_typed_while_the_answer_ends_is_chosen(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    app = two_endpoints(server, tmp_path, "choices", first="Other")
    try:
        watcher = RunWatcher(page)
        pg = PlaygroundPage(page, app.url).open()
        pg.set_sync(False)  # the first page opens synced; this test types into one card
        first, _ = pg.card_ids()
        pg.choose(first, "endpoint", "Answering")
        expect(pg.model_box(first)).to_have_value("fake-small")
        page.wait_for_timeout(500)  # the choice's own run has ended
        runs = watcher.full_runs()
        pg.send_to_card(first, "a short answer")
        expect(pg.history(first)).to_contain_text("w1", timeout=20_000)  # it streams
        choose_other_as_the_run_ends(pg, first, watcher, runs)
    finally:
        stop_app(app)


def test_an_endpoint_typed_while_synced_answers_end_is_chosen(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    app = two_endpoints(server, tmp_path, "choices-sync", first="Answering")
    try:
        watcher = RunWatcher(page)
        pg = PlaygroundPage(page, app.url).open_query("card=Answering:fake-small&sync=1", cards=1)
        pg.add_card()
        expect(pg.cards()).to_have_count(2)
        first, second = pg.card_ids()
        page.wait_for_timeout(500)
        runs = watcher.full_runs()
        pg.send_synced("a short answer")
        expect(pg.history(first)).to_contain_text("w1", timeout=20_000)
        choose_other_as_the_run_ends(pg, second, watcher, runs)
        # Typing into the synced input counts the prompt for the card it fills most.
        synced = page.get_by_placeholder("Send to every card")
        synced.click()
        synced.fill("how many tokens is this")
        counted = re.compile(r"^Card [12]: next request ≈\d+ tokens$")  # no window known
        expect(page.locator(".pg-typed")).to_have_text(counted)
        synced.fill("")
        # A prompt sent while a card answers is refused, and the notice keeps it.
        pg.send_synced("now a long one")
        expect(pg.history(first)).to_contain_text("turn 2: now a long one w0")  # streaming
        pg.send_synced("too soon")
        expect(page.get_by_text("Not sent: card")).to_be_visible(timeout=10_000)
        expect(page.get_by_text("too soon")).to_be_visible()
    finally:
        stop_app(app)


def two_endpoints(server: FakeOpenAIServer, tmp_path: Path, prefix: str, first: str) -> RunningApp:
    """The app with "Other" (quick answers) and "Answering" (15 tokens at 10 a second)."""
    urls = {
        "Other": server.add(f"{prefix}-other", Scenario(tokens=2)),
        "Answering": server.add(f"{prefix}-answering", Scenario(tokens=15, tokens_per_second=10)),
    }
    order = [first, *(name for name in urls if name != first)]
    endpoints = "".join(
        f'[[endpoints]]\nname = "{name}"\nbase_url = "{urls[name]}"\n' for name in order
    )
    return start_app(endpoints + "[local_model]\nenabled = false\n", tmp_path)


def choose_other_as_the_run_ends(
    pg: PlaygroundPage, card_id: str, watcher: RunWatcher, runs: int
) -> None:
    """While an answer streams, type "Other" into the card's Endpoint selector; let the
    answer and the page run that followed it end; then Enter must choose "Other"."""
    page = pg.page
    box = pg.widget(card_id, "endpoint").get_by_role("combobox")
    box.click()
    box.press_sequentially("Other", delay=50)
    expect(page.get_by_role("option", name="Other", exact=True)).to_be_visible()
    # ... the answer ends and the page run that followed it ends too ...
    for _ in range(300):
        if watcher.full_runs() > runs:
            break
        page.wait_for_timeout(50)
    assert watcher.full_runs() > runs, watcher.finished
    page.wait_for_timeout(300)  # what the browser does at the run's end
    # ... and their Enter still picks what they typed.
    box.press("Enter")
    expect(box).to_have_value("Other")
    page.wait_for_timeout(1000)
    expect(box).to_have_value("Other")  # not undone by the run the choice started
