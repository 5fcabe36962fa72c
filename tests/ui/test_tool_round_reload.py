"""Nothing lost on reload mid tool round: after the calls came and before their results
were sent, and after the results went while the next answer streams (AppTest opening the
saved workspace's link, as a reload does; real HTTP to tests/fake_openai.py). And a
hostile call and result drawn as text in the card."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from playground.session import commands
from playground.session.tool_rounds import open_calls, send_results
from playground.store import AutoSaver, StoreConfig
from playground.ui.tools.results import result_key
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import (
    assert_cards_drawn,
    cards,
    endpoints_toml,
    new_app,
    open_with,
    scenario_name,
    send_to_card,
    shown,
    state,
    sync_off,
)
from tests.session.test_commands import finish, on, services
from tests.session.test_tool_round_actions import (
    HOSTILE_ARGS,
    HOSTILE_NAME,
    HOSTILE_RESULT,
    dangling,
)
from tests.ui.test_persistence import STORE, saved_id, wait_saved

Config = Callable[..., Path]
Scenario = Callable[..., str]
SEOUL = FakeCall("get_weather", '{"city": "Seoul"}')
PARIS = FakeCall("get_weather", '{"city": "Paris"}')
MORE = " ".join(f"and{i}" for i in range(40))


def _says_results(model: str, messages: list[dict[str, Any]]) -> str:
    if messages[-1]["role"] != "tool":
        return ""
    return "Weather: " + "; ".join(m["content"] for m in messages if m["role"] == "tool")


def _says_results_slowly(model: str, messages: list[dict[str, Any]]) -> str:
    said = _says_results(model, messages)
    return f"{said} {MORE}" if said else ""


def test_a_reload_after_the_calls_keeps_them_and_send_result_still_works(
    write_config: Config, scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[SEOUL, PARIS], text_after_results=True, reply_fn=_says_results)
    write_config(endpoints_toml(Alpha=url) + STORE)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "Weather?")
    calls = cards(at)[0].messages[-1].tool_calls
    assert [c.name for c in calls] == ["get_weather", "get_weather"]
    at.text_area(key=result_key(cards(at)[0], 0)).set_value("12 C").run()  # typed, not sent
    workspace_id = saved_id(at)
    wait_saved(state(at))

    again = open_with(ws=workspace_id)  # the reload
    card = cards(again)[0]
    assert [(c.name, c.arguments) for c in card.messages[-1].tool_calls] == [
        (c.name, c.arguments) for c in calls
    ]
    assert len(open_calls(card)) == 2
    codes = [c.value for c in again.code]
    assert json.dumps({"city": "Seoul"}, indent=2) in codes
    assert json.dumps({"city": "Paris"}, indent=2) in codes
    assert again.text_area(key=result_key(card, 0)).value == "12 C"  # what was typed is back
    again.text_area(key=result_key(card, 1)).set_value("18 C")
    again.button(key=f"card-{card.id}-send_results").click().run()
    assert_cards_drawn(again)
    card = cards(again)[0]
    assert card.messages[-1].content == "Weather: 12 C; 18 C"
    sent = (server.chat_requests(scenario_name(url))[-1].body or {})["messages"]
    assert [(m["tool_call_id"], m["content"]) for m in sent if m["role"] == "tool"] == [
        ("call_0", "12 C"),
        ("call_1", "18 C"),
    ]
    assert dangling(sent) == []

    wait_saved(state(again))
    third = open_with(ws=workspace_id)  # and a reload after the round: the results are kept
    answered = cards(third)[0].messages[-2].tool_calls
    assert [(c.result, c.draft) for c in answered] == [("12 C", ""), ("18 C", "")]
    assert "12 C" in [c.value for c in third.code]


def test_a_reload_while_the_answer_to_results_streams_keeps_calls_results_and_its_start(
    write_config: Config, scenario: Scenario
) -> None:
    url = scenario(
        tool_calls=[SEOUL],
        text_after_results=True,
        reply_fn=_says_results_slowly,
        tokens_per_second=15,
    )
    write_config(endpoints_toml(A=url) + STORE)
    svc = services(A=url)
    svc.loaded.store = StoreConfig()  # the app's store (in the test's directory)
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "Weather?")
    finish(session)
    store = svc.store()
    assert not isinstance(store, Exception)
    saver = AutoSaver(store, lambda: session.workspace, interval=0.1)
    session.saver = saver
    try:
        [call] = open_calls(card)
        assert send_results(session, svc, card.id, {call.id: "12 C, <b>rain</b>"}) is None
        deadline = time.monotonic() + 10
        while len(card.messages[-1].content) < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert card.messages[-1].status == "streaming"
        assert saver.flush() and saver.workspace_id is not None  # saved mid-stream
        partial = store.load(saver.workspace_id)
        assert partial is not None
        kept = partial.workspace.cards[0].messages[-1]
        assert kept.status == "streaming" and kept.content.startswith("Weather: 12 C, <b>rain</b>")

        again = open_with(ws=saver.workspace_id)  # the reload
        assert_cards_drawn(again)
        reloaded = cards(again)[0]
        assert [m.role for m in reloaded.messages] == ["user", "assistant", "assistant"]
        assert reloaded.messages[1].tool_calls[0].name == "get_weather"
        assert reloaded.messages[1].tool_calls[0].result == "12 C, <b>rain</b>"
        answer = reloaded.messages[-1]
        assert answer.content.startswith(kept.content) and answer.status != "streaming"
        assert "12 C, <b>rain</b>" in [c.value for c in again.code]  # as text, not HTML
        texts = [shown(m.value) for m in again.markdown]
        assert any(t.startswith("Weather: 12 C, <b>rain</b>") for t in texts)
    finally:
        commands.stop(session, card.id)
        finish(session)
        saver.stop(flush=False)


def test_a_hostile_call_name_arguments_and_result_are_shown_as_text_in_the_card(
    write_config: Config, scenario: Scenario
) -> None:
    hostile = FakeCall(HOSTILE_NAME, HOSTILE_ARGS)
    url = scenario(tool_calls=[hostile], text_after_results=True, reply_fn=_says_results)
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "Weather?")
    card = cards(at)[0]
    at.text_area(key=result_key(card, 0)).set_value(HOSTILE_RESULT)
    at.button(key=f"card-{card.id}-send_results").click().run()
    assert_cards_drawn(at)
    codes = [c.value for c in at.code]
    assert json.dumps(json.loads(HOSTILE_ARGS), indent=2) in codes
    assert HOSTILE_RESULT in codes  # the result as received, token-like text included
    parser = MarkdownIt("commonmark")
    labels = [m.value for m in at.markdown if HOSTILE_NAME in shown(m.value)]
    assert labels  # the name is on screen, as its text
    for value in [m.value for m in at.markdown] + [c.value for c in at.caption]:
        tokens = parser.parse(value)
        inline = [child for t in tokens for child in (t.children or [])]
        kinds = {t.type for t in tokens} | {t.type for t in inline}
        assert not kinds & {"html_block", "html_inline", "link_open", "image"}, value
