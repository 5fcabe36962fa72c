"""Settings → Tools / Response format / Reasoning effort, and tool calls drawn in a card
(AppTest, real HTTP to tests/fake_openai.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.workspace.types import Card
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import (
    assert_cards_drawn,
    cards,
    close_settings,
    endpoints_toml,
    error_texts,
    key,
    new_app,
    open_settings,
    scenario_name,
    send_to_card,
    shown,
    state,
    sync_off,
)

Config = Callable[..., Path]
MakeScenario = Callable[..., str]

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"enum": ["celsius", "kelvin"]}},
            "required": ["city"],
        },
    },
}
TIME_TOOL = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object"}},
}
TOOLS = json.dumps([WEATHER_TOOL, TIME_TOOL])


def _app(write_config: Config, url: str) -> tuple[AppTest, Card]:
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    return open_settings(at, cards(at)[0]), cards(at)[0]


def _apply_tools(at: AppTest, card: Card, text: str, choice: str | None = None) -> None:
    open_settings(at, card)
    at.text_area(key=key(card, "tools")).set_value(text).run()
    if choice is not None:
        at.selectbox(key=key(card, "tool_choice")).set_value(choice)
    at.button(key=key(card, "tools_apply")).click().run()


def _captions(at: AppTest) -> list[str]:
    return [shown(c.value) for c in at.caption]


def test_tools_applied_in_settings_are_sent_and_summarised(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    at, card = _app(write_config, url)
    _apply_tools(at, card, TOOLS, choice="get_time")
    assert not at.error and cards(at)[0].config.settings.tools.text == TOOLS
    assert any("2 tools (get_time)" in m.value for m in at.markdown)  # the card's summary line
    send_to_card(at, cards(at)[0], "what time is it?")
    body = server.chat_requests(scenario_name(url))[-1].body or {}
    assert [t["function"]["name"] for t in body["tools"]] == ["get_weather", "get_time"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_time"}}

    # Apply tools to all cards: the other card has them too.
    at.button(key=key(card, "tools_apply_all-g1")).click().run()
    assert cards(at)[1].config.settings.tools.text == TOOLS


def test_bad_tools_show_why_keep_the_old_tools_and_what_was_typed(
    write_config: Config, scenario: MakeScenario
) -> None:
    at, card = _app(write_config, scenario())
    _apply_tools(at, card, TOOLS)
    bad = json.dumps([WEATHER_TOOL, WEATHER_TOOL])
    # The first Apply started the widgets afresh: their keys are of generation 1.
    at.text_area(key=key(card, "tools-g1")).set_value(bad).run()
    at.button(key=key(card, "tools_apply-g1")).click().run()
    assert error_texts(at) == [
        "Tools not applied: two tools are named 'get_weather'; each needs its own name."
    ]
    assert cards(at)[0].config.settings.tools.text == TOOLS  # the old tools stay
    assert at.text_area(key=key(card, "tools-g1")).value == bad  # what was typed stays
    assert_cards_drawn(at)


def test_what_was_typed_in_settings_stays_when_the_dialog_closes_and_opens(
    write_config: Config, scenario: MakeScenario
) -> None:
    """Settings are drawn only while open; text typed and not applied (tools not yet
    applied, a refused list) is there again when the dialog opens again."""
    at, card = _app(write_config, scenario())
    at.text_area(key=key(card, "tools")).set_value(TOOLS).run()  # typed, not applied
    close_settings(at)
    assert not [t for t in at.text_area if t.key == key(card, "tools")]  # not drawn
    open_settings(at, card)
    assert at.text_area(key=key(card, "tools")).value == TOOLS
    assert cards(at)[0].config.settings.tools.text == ""  # still not applied
    bad = json.dumps([WEATHER_TOOL, WEATHER_TOOL])
    at.text_area(key=key(card, "tools")).set_value(bad).run()
    at.button(key=key(card, "tools_apply")).click().run()
    assert error_texts(at)  # refused
    close_settings(at)
    open_settings(at, card)
    assert at.text_area(key=key(card, "tools")).value == bad
    assert not at.exception


def test_text_kept_from_a_closed_dialog_gives_way_to_settings_changed_since(
    write_config: Config, scenario: MakeScenario
) -> None:
    """Kept text is the card's only while its settings are as they were when the dialog
    closed: settings changed since, under the same widget keys (another tab's save taken
    in keeps generation 0), are what it shows."""
    at, card = _app(write_config, scenario())
    at.text_area(key=key(card, "tools")).set_value(TOOLS).run()  # typed, not applied
    close_settings(at)
    changed = card.config.settings.model_copy(update={"system_prompt": "From another tab."})
    cards(at)[0].config.settings = changed  # as taking in another tab's save does
    open_settings(at, card)
    assert state(at).runtime(card.id).generation == 0  # the same keys as when it closed
    assert at.text_area(key=key(card, "tools")).value == ""  # the card's, not the kept
    assert at.text_area(key=key(card, "system")).value == "From another tab."
    assert not at.exception


def test_a_fault_in_settings_shows_in_the_dialog_and_the_page_goes_on(
    write_config: Config, scenario: MakeScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a card's Settings (injected here) shows an error in their dialog; the
    page's run goes on past it: the card's input is drawn and a prompt answered."""

    def broken(*_: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr("playground.ui.card.settings.tools_sections", broken)
    at, card = _app(write_config, scenario())
    assert not at.exception
    assert any("could not be drawn completely" in e for e in error_texts(at))
    send_to_card(at, card, "still answering?")
    assert cards(at)[0].messages[-1].status == "done"


def test_a_parameters_schema_that_refers_outside_is_refused(
    write_config: Config, scenario: MakeScenario
) -> None:
    at, card = _app(write_config, scenario())
    remote = {**TIME_TOOL, "function": {"name": "t", "parameters": {"$ref": "https://x.test/s"}}}
    _apply_tools(at, card, json.dumps(remote))
    assert any("outside itself; nothing is fetched" in e for e in error_texts(at))
    assert cards(at)[0].config.settings.tools.text == ""


def test_response_format_and_reasoning_effort_are_sent(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    at, card = _app(write_config, url)
    at.selectbox(key=key(card, "reasoning_effort")).set_value("low").run()
    at.radio(key=key(card, "format_kind-g1")).set_value("json_schema").run()
    schema = json.dumps({"type": "object", "required": ["answer"]})
    at.text_area(key=key(card, "format_schema-g1")).set_value(schema)
    at.text_input(key=key(card, "format_name-g1")).set_value("reply")
    at.checkbox(key=key(card, "format_strict-g1")).check()
    at.button(key=key(card, "format_apply-g1")).click().run()
    assert not at.error
    send_to_card(at, cards(at)[0], "hi")
    body = server.chat_requests(scenario_name(url))[-1].body or {}
    assert body["reasoning_effort"] == "low"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": json.loads(schema), "strict": True},
    }


def test_a_schema_that_is_not_json_is_refused_in_settings(
    write_config: Config, scenario: MakeScenario
) -> None:
    at, card = _app(write_config, scenario())
    at.radio(key=key(card, "format_kind")).set_value("json_schema").run()
    at.text_area(key=key(card, "format_schema")).set_value("{nope")
    at.button(key=key(card, "format_apply")).click().run()
    assert any("Response format not applied" in e for e in error_texts(at))
    assert cards(at)[0].config.settings.response_format.kind == "text"


def test_tool_calls_are_drawn_in_order_with_pretty_arguments_and_marks(
    write_config: Config, scenario: MakeScenario
) -> None:
    calls = [
        FakeCall("get_weather", '{"city": "Seoul", "unit": "celsius"}'),
        FakeCall("get_time", "zone=Asia/Seoul"),  # not JSON
    ]
    at, card = _app(write_config, scenario(reply="Let me check.", tool_calls=calls))
    send_to_card(at, card, "weather and time?")
    assert_cards_drawn(at)
    [bubble] = [m for m in at.chat_message if m.name == "assistant"]
    texts = [shown(e.value) for e in bubble.markdown]
    # Text first (it came first), then each call's name, as plain labels.
    assert texts == [
        "Let me check.",
        ":material/function: get_weather",
        ":material/function: get_time",
    ]
    blocks = [c for c in bubble.code if c.language != "markdown"]  # not "Copy answer"'s
    assert [c.value for c in blocks] == [
        json.dumps({"city": "Seoul", "unit": "celsius"}, indent=2),
        "zone=Asia/Seoul",
    ]
    assert [c.language for c in blocks] == ["json", "plaintext"]
    marks = [c.value for c in bubble.caption]
    assert any("not JSON" in m for m in marks)
    assert sum("not JSON" in m for m in marks) == 1  # only the second call's


def test_arguments_are_checked_against_the_tool_parameters(
    write_config: Config, scenario: MakeScenario
) -> None:
    calls = [
        FakeCall("get_weather", '{"city": 3}'),
        FakeCall("get_time", '{"zone": "UTC"}'),
        FakeCall("get_stock", "{}"),
    ]
    at, card = _app(write_config, scenario(tool_calls=calls))
    _apply_tools(at, card, TOOLS)
    send_to_card(at, cards(at)[0], "go")
    captions = _captions(at)
    assert any("at $.city: 3 is not of type 'string'" in c for c in captions), captions
    assert any("arguments fit get_time's parameters" in c for c in captions)
    assert any("no tool named 'get_stock'" in c for c in captions)
    at.run()  # a page run draws the same verdicts
    assert _captions(at) == captions


def test_a_json_answer_is_checked_against_the_response_schema(
    write_config: Config, scenario: MakeScenario
) -> None:
    at, card = _app(write_config, scenario(reply='{"answer": 42}'))
    at.radio(key=key(card, "format_kind")).set_value("json_schema").run()
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}}
    at.text_area(key=key(card, "format_schema")).set_value(json.dumps(schema))
    at.button(key=key(card, "format_apply")).click().run()
    send_to_card(at, cards(at)[0], "answer?")
    assert any("at $.answer: 42 is not of type 'string'" in c for c in _captions(at))

    at.radio(key=key(card, "format_kind-g1")).set_value("json_object").run()
    at.button(key=key(card, "format_apply-g1")).click().run()
    assert any("valid JSON" in c for c in _captions(at))


def test_a_json_answer_is_shown_indented_with_its_verdict(
    write_config: Config, scenario: MakeScenario
) -> None:
    reply = '{"b": [1, 2], "a": "x"}'
    at, card = _app(write_config, scenario(reply=reply))
    at.radio(key=key(card, "format_kind")).set_value("json_schema").run()
    schema = json.dumps({"type": "object", "required": ["a", "c"]})
    at.text_area(key=key(card, "format_schema")).set_value(schema)
    at.button(key=key(card, "format_apply")).click().run()
    send_to_card(at, cards(at)[0], "json please")
    [bubble] = [m for m in at.chat_message if m.name == "assistant"]
    blocks = [c for c in bubble.code if c.language == "json"]
    assert [c.value for c in blocks] == [json.dumps(json.loads(reply), indent=2)]
    marks = [shown(c.value) for c in bubble.caption]
    assert any("'c' is a required property" in m for m in marks), marks


def test_a_text_answer_on_a_json_card_is_drawn_as_text(
    write_config: Config, scenario: MakeScenario
) -> None:
    at, card = _app(write_config, scenario(reply="Sure! Here it is"))
    at.radio(key=key(card, "format_kind")).set_value("json_object").run()
    at.button(key=key(card, "format_apply")).click().run()
    send_to_card(at, cards(at)[0], "json please")
    [bubble] = [m for m in at.chat_message if m.name == "assistant"]
    assert "Sure! Here it is" in [shown(e.value) for e in bubble.markdown]
    assert not [c for c in bubble.code if c.language == "json"]
    assert any("not JSON" in c.value for c in bubble.caption)
