"""Tools applied in a card's Settings, and an answer with two tool calls, in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.fake_tool_calls import FakeCall

pytestmark = pytest.mark.browser

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
TOOLS = json.dumps(
    [
        {"type": "function", "function": {"name": "get_weather", "parameters": CITY}},
        {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}},
    ]
)
SHOTS = Path("/tmp/tool-calls-shots")


def test_a_card_draws_two_tool_calls(page: Page, server: FakeOpenAIServer, tmp_path: Path) -> None:
    calls = [
        FakeCall("get_weather", '{"city": 3, "unit": "celsius"}'),
        FakeCall("get_time", "zone=Asia/Seoul"),  # not JSON
    ]
    url = server.add("tools", Scenario(reply="Let me look that up.", tool_calls=calls))
    app = start_app(
        f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    SHOTS.mkdir(exist_ok=True)
    try:
        pg = PlaygroundPage(page, app.url).open()
        first, _ = pg.card_ids()
        pg.open_menu(first, "settings", "tools")
        pg.widget(first, "tools").locator("textarea").fill(TOOLS)
        pg.button(first, "tools_apply").click()
        expect(pg.cards().first).to_contain_text("2 tools", timeout=15_000)
        page.screenshot(path=str(SHOTS / "settings.png"), full_page=True)
        page.keyboard.press("Escape")

        pg.send_to_card(first, "Weather and time in Seoul?")
        history = pg.history(first)
        expect(history).to_contain_text("not JSON", timeout=15_000)
        expect(history).to_contain_text("at $.city: 3 is not of type 'string'", timeout=15_000)
        expect(history.locator('[data-testid="stCode"]')).to_have_count(2)
        expect(history).to_contain_text('"city": 3')
        no_error_boxes(page)
        page.screenshot(path=str(SHOTS / "card.png"), full_page=True)
    finally:
        stop_app(app)
