"""Interacting with one card reruns only that card (a fragment run), not the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage, RunWatcher
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser


@pytest.fixture
def app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    url = server.add("reruns", Scenario(models=["model-a", "model-b"], tokens=3))
    running = start_app(
        f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    yield running
    stop_app(running)


def test_model_choice_and_more_menu_rerun_only_the_card(page: Page, app: RunningApp) -> None:
    watcher = RunWatcher(page)
    pg = PlaygroundPage(page, app.url).open()
    for _ in range(300):  # the first page run has ended (slow on a busy machine)
        if watcher.full_runs():
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    page.wait_for_timeout(500)  # the toggle's page run has ended
    first, second = pg.card_ids()
    before_full = watcher.full_runs()

    pg.choose(first, "model", "model-b")
    expect(page.locator('[class*="st-key-pgcard-"]').first).to_contain_text("model-b")
    pg.send_to_card(first, "hello")  # a card's own input: a page run (docs/development.md)
    expect(pg.history(first)).to_contain_text("[model-b] turn 1: hello")
    for _ in range(200):  # the send's page run follows the answer to its end: wait for it
        if watcher.full_runs() > before_full:
            break
        page.wait_for_timeout(50)
    page.wait_for_timeout(300)
    full_after_send = watcher.full_runs()
    pg.more(second, "refresh")
    page.wait_for_timeout(1000)

    # Choosing a model and Refresh each ran one fragment.
    assert watcher.fragment_runs() >= 2, watcher.finished
    # No page run happened for them: only the send did.
    assert watcher.full_runs() == full_after_send
    assert full_after_send - before_full == 1, watcher.finished

    # Delete Chat History runs the page once: Regenerate and Edit under the card
    # are the page's, and must go with the history (issue 13).
    page.keyboard.press("Escape")
    pg.delete_history(first)
    expect(pg.bubbles(first)).to_have_count(0)
    expect(pg.widget(first, "retry")).to_have_count(0)
    page.wait_for_timeout(1000)
    assert watcher.full_runs() == full_after_send + 1, watcher.finished
    no_error_boxes(page)
