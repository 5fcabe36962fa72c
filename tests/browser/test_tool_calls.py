"""Tools applied in a card's Settings, and an answer with two tool calls, in Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


def _app_on(
    server: FakeOpenAIServer, name: str, scenario: Scenario, tmp_path: Path, *, responses: bool
) -> Any:
    """The app with the endpoint "Server" on the test server's scenario ``name``, and with
    ``responses`` also "Responses", the same scenario through ``api = "responses"``."""
    url = server.add(name, scenario)
    SHOTS.mkdir(exist_ok=True)
    config = f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n'
    if responses:
        config += f'[[endpoints]]\nname = "Responses"\nbase_url = "{url}"\napi = "responses"\n'
    return start_app(config + "[local_model]\nenabled = false\n", tmp_path)


def _apply_tools(pg: PlaygroundPage, card: str) -> None:
    pg.open_menu(card, "settings", "tools")
    pg.widget(card, "tools").locator("textarea").fill(TOOLS)
    pg.button(card, "tools_apply").click()


def test_a_card_draws_two_tool_calls(page: Page, server: FakeOpenAIServer, tmp_path: Path) -> None:
    calls = [
        FakeCall("get_weather", '{"city": 3, "unit": "celsius"}'),
        FakeCall("get_time", "zone=Asia/Seoul"),  # not JSON
    ]
    scenario = Scenario(reply="Let me look that up.", tool_calls=calls)
    app = _app_on(server, "tools", scenario, tmp_path, responses=False)
    try:
        pg = PlaygroundPage(page, app.url).open()
        pg.set_sync(False)  # the first page opens synced; this test types into one card
        first, _ = pg.card_ids()
        _apply_tools(pg, first)
        expect(pg.widget(first, "mock-0-key-g1")).to_be_visible(timeout=15_000)  # applied
        page.screenshot(path=str(SHOTS / "settings.png"), full_page=True)
        page.keyboard.press("Escape")  # Settings close: the card is drawn again
        expect(pg.cards().first).to_contain_text("2 tools", timeout=15_000)

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


def _says_results(model: str, messages: list[dict[str, Any]]) -> str:
    if messages[-1]["role"] != "tool":
        return ""
    return "Weather: " + "; ".join(m["content"] for m in messages if m["role"] == "tool")


def test_two_synced_cards_answer_their_calls_with_mock_results(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    """The issue's journey: two cards with the same tool and mock results, Sync Input on,
    mock answers on, one prompt: both call the tool, get the mock result and answer; a
    third card on the Responses API does the same through ``POST /v1/responses``."""
    calls = [FakeCall("get_weather", '{"city": "Seoul"}')]
    weather = Scenario(tool_calls=calls, text_after_results=True, reply_fn=_says_results)
    app = _app_on(server, "mocks", weather, tmp_path, responses=True)
    try:
        pg = PlaygroundPage(page, app.url).open()
        pg.add_card()
        expect(pg.cards()).to_have_count(3, timeout=15_000)
        first, second, third = pg.card_ids()
        pg.choose(third, "endpoint", "Responses")
        expect(pg.cards().nth(2)).to_contain_text("Responses API", timeout=15_000)
        _apply_tools(pg, first)
        expect(pg.widget(first, "mock-0-key-g1")).to_be_visible(timeout=15_000)
        pg.widget(first, "mock-0-key-g1").locator("input").fill("city")
        rows = pg.widget(first, "mock-0-rows-g1").locator("textarea")
        rows.fill(json.dumps({"Seoul": "12 C, rain", "Paris": "18 C, sun"}))
        pg.button(first, "mock-0-set-g1").click()
        expect(pg.widget(first, "mock-0-key-g2").locator("input")).to_have_value("city")
        pg.button(first, "tools_apply_all-g2").click()
        page.wait_for_timeout(500)  # the dialog's run of the click
        page.keyboard.press("Escape")  # Settings close: the cards are drawn again
        for position in (1, 2):
            expect(pg.cards().nth(position)).to_contain_text("2 tools", timeout=15_000)

        pg.set_sync(True)
        toggle = page.locator('.st-key-mock_answers_toggle:not([data-stale="true"]) input')
        page.get_by_text("Answer tool calls with mock results").click()
        expect(toggle).to_be_checked()
        pg.send_synced("Weather in Seoul?")
        for card_id in (first, second, third):
            history = pg.history(card_id)
            expect(history).to_contain_text("Weather: 12 C, rain", timeout=30_000)
            expect(history.locator('[data-testid="stCode"]')).to_have_count(2)  # args, result
        no_error_boxes(page)
        page.screenshot(path=str(SHOTS / "mock-rounds.png"), full_page=True)
        pg.cards().first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "mock-rounds-top.png"), full_page=True)
        paths = [r.path for r in server.requests if r.scenario == "mocks"]
        assert sum(p.endswith("/responses") for p in paths) == 2  # the call, then its result
        assert sum(p.endswith("/chat/completions") for p in paths) == 4
    finally:
        stop_app(app)
