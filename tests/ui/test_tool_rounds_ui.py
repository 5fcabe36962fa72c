"""Tool results in the card: Send result under open calls, Settings → Mock results, and
the sidebar's "Answer tool calls with mock results" (AppTest, real HTTP to
tests/fake_openai.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from playground.config.limits import MAX_TOOL_ROUNDS
from playground.ui.state import MOCK_TOGGLE
from playground.ui.tools.results import result_key
from playground.workspace.types import Card
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import (
    assert_cards_drawn,
    cards,
    endpoints_toml,
    error_texts,
    key,
    new_app,
    open_settings,
    scenario_name,
    send_synced,
    send_to_card,
    sync_off,
)

Config = Callable[..., Path]
MakeScenario = Callable[..., str]

CITY = {"type": "object", "properties": {"city": {"type": "string"}}}
TOOLS = json.dumps([{"type": "function", "function": {"name": "get_weather", "parameters": CITY}}])
SEOUL = FakeCall("get_weather", '{"city": "Seoul"}')
PARIS = FakeCall("get_weather", '{"city": "Paris"}')


def _says_results(model: str, messages: list[dict[str, Any]]) -> str:
    if messages[-1]["role"] != "tool":
        return ""
    return "Weather: " + "; ".join(m["content"] for m in messages if m["role"] == "tool")


def _app(write_config: Config, url: str) -> tuple[AppTest, Card]:
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    card = cards(at)[0]
    open_settings(at, card)
    at.text_area(key=key(card, "tools")).set_value(TOOLS).run()
    at.button(key=key(card, "tools_apply")).click().run()
    assert not at.error and cards(at)[0].config.settings.tools.text == TOOLS
    return at, card


def _codes(at: AppTest) -> list[str]:
    return [c.value for c in at.code]


def test_send_result_answers_the_calls_and_the_result_is_shown(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[SEOUL, PARIS], text_after_results=True, reply_fn=_says_results)
    at, card = _app(write_config, url)
    send_to_card(at, card, "Weather in Seoul and Paris?")
    card = cards(at)[0]
    assert [t.label for t in at.text_area if t.key.startswith(key(card, "result-"))] == [
        "Tool result: get\\_weather",
        "Tool result: get\\_weather",
    ]
    # Nothing typed: refused, shown in the card, nothing sent.
    at.button(key=key(card, "send_results")).click().run()
    assert error_texts(at) == ["Results not sent: there are none."]
    assert len(server.chat_requests(scenario_name(url))) == 1

    at.text_area(key=result_key(card, 0)).set_value("12 C, <b>rain</b>")
    at.text_area(key=result_key(card, 1)).set_value("18 C, sun")
    at.button(key=key(card, "send_results")).click().run()
    card = cards(at)[0]
    assert card.messages[-1].content == "Weather: 12 C, <b>rain</b>; 18 C, sun"
    sent = server.chat_requests(scenario_name(url))[-1].body or {}
    tools = [(m["tool_call_id"], m["content"]) for m in sent["messages"] if m["role"] == "tool"]
    assert tools == [("call_0", "12 C, <b>rain</b>"), ("call_1", "18 C, sun")]
    # Each call shows its result as received (a code block: no HTML read); no form is left.
    assert "12 C, <b>rain</b>" in _codes(at) and "18 C, sun" in _codes(at)
    assert not [t for t in at.text_area if t.key.startswith(key(card, "result-"))]
    assert not error_texts(at)
    assert_cards_drawn(at)


def test_mock_results_are_set_in_settings_and_bad_rows_refused(
    write_config: Config, scenario: MakeScenario
) -> None:
    at, card = _app(write_config, scenario())
    # Apply tools started the Settings widgets afresh: generation 1.
    at.text_input(key=key(card, "mock-0-key-g1")).set_value("city")
    at.text_area(key=key(card, "mock-0-rows-g1")).set_value('{"Seoul": 12')
    at.button(key=key(card, "mock-0-set-g1")).click().run()
    errors = error_texts(at)
    assert len(errors) == 1 and errors[0].startswith(
        "Mock for 'get_weather' not set: the rows are not JSON"
    )
    assert cards(at)[0].config.settings.tool_mocks == {}
    assert at.text_area(key=key(card, "mock-0-rows-g1")).value == '{"Seoul": 12'  # kept

    at.text_area(key=key(card, "mock-0-rows-g1")).set_value('{"Seoul": "12 C"}')
    at.text_area(key=key(card, "mock-0-result-g1")).set_value("no data")
    at.button(key=key(card, "mock-0-set-g1")).click().run()
    assert not error_texts(at)
    mock = cards(at)[0].config.settings.tool_mocks["get_weather"]
    assert (mock.key, mock.table, mock.result) == ("city", {"Seoul": "12 C"}, "no data")
    # The widgets start afresh from the mock set.
    assert at.text_input(key=key(card, "mock-0-key-g2")).value == "city"

    # A key with no rows is taken (the result answers every call); rows without a key not.
    at.text_input(key=key(card, "mock-0-key-g2")).set_value("")
    at.button(key=key(card, "mock-0-set-g2")).click().run()
    assert error_texts(at) == [
        "Mock for 'get_weather' not set: rows need a key argument to pick them."
    ]
    # All fields empty removes the mock.
    at.text_area(key=key(card, "mock-0-rows-g2")).set_value("")
    at.text_area(key=key(card, "mock-0-result-g2")).set_value("")
    at.button(key=key(card, "mock-0-set-g2")).click().run()
    assert not error_texts(at) and cards(at)[0].config.settings.tool_mocks == {}


def _mock_table(at: AppTest, card: Card) -> None:
    at.text_input(key=key(card, "mock-0-key-g1")).set_value("city")
    at.text_area(key=key(card, "mock-0-rows-g1")).set_value(
        json.dumps({"Seoul": "12 C, rain", "Paris": "18 C, sun"})
    )
    at.button(key=key(card, "mock-0-set-g1")).click().run()
    assert not error_texts(at)


def test_the_mock_toggle_answers_both_synced_cards(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[SEOUL, PARIS], text_after_results=True, reply_fn=_says_results)
    at, card = _app(write_config, url)
    _mock_table(at, card)
    at.button(key=key(card, "tools_apply_all-g2")).click().run()
    at.toggle(key=MOCK_TOGGLE).set_value(True).run()
    send_synced(at, "Weather in Seoul and Paris?")
    for _ in range(5):  # each answer's end starts one more page run
        if all(c.messages[-1].content.startswith("Weather") for c in cards(at)):
            break
        at.run()
    for answered in cards(at):
        assert [m.role for m in answered.messages] == ["user", "assistant", "assistant"]
        assert answered.messages[-1].content == "Weather: 12 C, rain; 18 C, sun"
        assert [c.result for c in answered.messages[1].tool_calls] == ["12 C, rain", "18 C, sun"]
    assert len(server.chat_requests(scenario_name(url))) == 4
    assert not error_texts(at)
    assert_cards_drawn(at)


def test_the_mock_toggle_stops_at_the_round_bound(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[SEOUL])  # calls again whatever it is sent
    at, card = _app(write_config, url)
    _mock_table(at, card)
    at.toggle(key=MOCK_TOGGLE).set_value(True).run()
    send_to_card(at, card, "Weather?")
    for _ in range(MAX_TOOL_ROUNDS + 3):
        if cards(at)[0].messages[-1].status == "error":
            break
        at.run()
    last = cards(at)[0].messages[-1]
    assert last.status == "error" and last.error is not None
    assert last.error.startswith(f"Stopped: the model called tools again after {MAX_TOOL_ROUNDS}")
    assert error_texts(at) == [last.error]  # shown in the card
    assert len(server.chat_requests(scenario_name(url))) == 1 + MAX_TOOL_ROUNDS
    at.run()  # nothing more is sent
    assert len(server.chat_requests(scenario_name(url))) == 1 + MAX_TOOL_ROUNDS
