"""Nothing lost: a reload mid-conversation, and a killed server (issue 8), in Chromium."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser


def config(url: str, data: Path) -> str:
    return (
        f'[[endpoints]]\nname = "Slow"\nbase_url = "{url}"\n'
        "[local_model]\nenabled = false\n"
        f'[store]\ndata_dir = "{data}"\nautosave_interval = 0.5\n'
    )


def ws_param(page: Page) -> str:
    values = parse_qs(urlsplit(page.url).query).get("ws", [])
    assert len(values) == 1, page.url
    return values[0]


def test_reload_mid_conversation_brings_everything_back(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = server.add("persist-reload", Scenario(tokens=40, tokens_per_second=40))
    app = start_app(config(url, tmp_path / "data"), tmp_path)
    try:
        pg = PlaygroundPage(page, app.url).open()
        pg.set_sync(False)  # the first page opens synced; this test types into one card
        first, second = pg.card_ids()
        pg.send_to_card(first, "first question")
        expect(pg.history(first)).to_contain_text("w39", timeout=20_000)
        pg.set_sync(True)
        pg.send_synced("to both")
        for cid in (first, second):
            expect(pg.history(cid)).to_contain_text(
                re.compile(r"to both.*w39.*tok/s", re.S), timeout=20_000
            )
        workspace_id = ws_param(page)
        before = [pg.history(cid).inner_text() for cid in (first, second)]
        page.wait_for_timeout(1200)  # the last answer's save (every 0.5 s)
        page.reload()
        expect(pg.cards()).to_have_count(2, timeout=30_000)
        assert pg.card_ids() == [first, second]
        for cid, text in zip((first, second), before, strict=True):
            expect(pg.history(cid)).to_have_text(text, use_inner_text=True)
        assert page.locator('.st-key-sync_input_toggle input[type="checkbox"]').is_checked()
        assert ws_param(page) == workspace_id
    finally:
        stop_app(app)


def test_a_killed_server_keeps_all_but_the_last_moments(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = server.add("persist-crash", Scenario(tokens=600, tokens_per_second=30))
    fast = server.add("persist-crash-fast", Scenario(tokens=3))
    text = config(url, tmp_path / "data") + f'[[endpoints]]\nname = "Fast"\nbase_url = "{fast}"\n'
    app = start_app(text, tmp_path)
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, _ = pg.card_ids()
    pg.choose(first, "endpoint", "Fast")
    expect(pg.model_box(first)).to_have_value("fake-small")  # as a person would, see it first
    pg.send_to_card(first, "an earlier turn")
    expect(pg.history(first)).to_contain_text("w2", timeout=20_000)
    pg.choose(first, "endpoint", "Slow")
    expect(pg.model_box(first)).to_have_value("fake-small")
    pg.send_to_card(first, "a long answer")
    expect(pg.history(first)).to_contain_text("w60", timeout=20_000)
    workspace_id = ws_param(page)
    page.wait_for_timeout(1500)  # at least one save with w60 in it
    seen = pg.history(first).inner_text()
    os.kill(app.process.pid, signal.SIGKILL)  # no chance to save anything more
    app.process.wait(10)
    killed_at = time.monotonic()

    again = start_app(text, tmp_path)
    try:
        page.goto(f"{again.url}/?ws={workspace_id}")
        expect(pg.cards()).to_have_count(2, timeout=30_000)
        history = pg.history(first)
        expect(history).to_contain_text("an earlier turn")
        expect(history).to_contain_text("[fake-small] turn 1: an earlier turn w0 w1 w2")
        expect(history).to_contain_text("Stopped")
        restored = history.inner_text()
        assert "w60" in restored  # the partial answer, up to the last save
        assert "w599" not in restored
        # Nothing that was on screen well before the kill is missing.
        last_seen_word = max(int(w[1:]) for w in seen.split() if w[:1] == "w" and w[1:].isdigit())
        assert f"w{last_seen_word - 30}" in restored  # 30 tokens = 1 s of margin at 30 tok/s
        assert time.monotonic() - killed_at < 120
    finally:
        stop_app(again)


def test_settings_survive_a_reload_and_an_endpoint_change(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    """Settings widgets live in a dialog the reloaded page has not opened yet."""
    one = server.add("persist-settings-1", Scenario(tokens=2))
    two = server.add("persist-settings-2", Scenario(tokens=2))
    text = config(one, tmp_path / "data") + f'[[endpoints]]\nname = "Other"\nbase_url = "{two}"\n'
    app = start_app(text, tmp_path)
    try:
        pg = PlaygroundPage(page, app.url).open()
        pg.set_sync(False)  # the first page opens synced; this test types into one card
        first, _ = pg.card_ids()
        # A fresh page: change the endpoint before Settings was ever opened.
        pg.choose(first, "endpoint", "Other")
        pg.choose(first, "endpoint", "Slow")
        page.wait_for_timeout(500)
        expect(pg.cards().first).not_to_contain_text("no sampling params")
        pg.open_menu(first, "settings", "send_sampling")
        expect(pg.widget(first, "send_sampling").locator("input")).to_be_checked()
        system = pg.widget(first, "system").locator("textarea")
        system.fill("You are a pirate.")
        system.press("Control+Enter")
        temperature = pg.widget(first, "temperature").locator("input")
        temperature.fill("0.3")
        temperature.press("Enter")
        expect(temperature).to_have_value("0.30")
        page.keyboard.press("Escape")  # Settings close: the card is drawn again
        expect(pg.cards().first).to_contain_text("T 0.3")
        pg.send_to_card(first, "ahoy")
        expect(pg.history(first)).to_contain_text("turn 1: ahoy", timeout=20_000)
        page.wait_for_timeout(1200)  # saved (every 0.5 s)
        page.reload()
        expect(pg.cards()).to_have_count(2, timeout=30_000)
        pg.choose(first, "endpoint", "Other")  # a run in which Settings was never opened
        expect(pg.cards().first).to_contain_text("system prompt · T 0.3")
        pg.send_to_card(first, "still a pirate?")
        expect(pg.history(first)).to_contain_text("still a pirate?", timeout=20_000)
        request = server.chat_requests("persist-settings-2")[-1].body or {}
        assert request["messages"][0] == {"role": "system", "content": "You are a pirate."}
        assert request["temperature"] == 0.3
    finally:
        stop_app(app)
