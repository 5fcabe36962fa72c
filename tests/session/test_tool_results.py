"""Tool results: a person's and mock ones, sent back as the API specifies (real HTTP to
tests/fake_openai.py), rounds bounded, and Regenerate, Delete and export/import with them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from playground.chat.tools.calls import ToolCall
from playground.chat.tools.mocks import ToolMock, mock_result
from playground.session import PlainServices, Session, commands
from playground.session.tool_rounds import answer_with_mocks, send_results, set_mock
from playground.session.tools import apply_tools, apply_tools_to_all
from playground.workspace.export import export_json, import_json
from playground.workspace.types import Card, Message, Workspace
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import scenario_name
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
SEOUL = FakeCall("get_weather", '{"city": "Seoul"}')
PARIS = FakeCall("get_weather", '{"city": "Paris"}')
TABLE = {"key": "city", "table": {"Seoul": "12 C, rain", "Paris": "18 C, sun"}}


def _says_results(model: str, messages: list[dict[str, Any]]) -> str:
    """The model's text once it has results: what the tool messages said."""
    if messages[-1]["role"] != "tool":
        return ""
    return "Weather: " + "; ".join(m["content"] for m in messages if m["role"] == "tool")


def _calling(scenario: Scenario, calls: list[FakeCall], *, forever: bool = False) -> str:
    return scenario(tool_calls=calls, text_after_results=not forever, reply_fn=_says_results)


def _sent(server: FakeOpenAIServer, url: str) -> list[list[dict[str, Any]]]:
    return [r.body["messages"] for r in server.chat_requests(scenario_name(url)) if r.body]


def test_two_synced_cards_call_the_tool_get_the_mock_result_and_answer(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = _calling(scenario, [SEOUL, PARIS])
    svc = services(A=url)
    session = on(svc)
    first, second = session.workspace.cards
    assert apply_tools(session, first.id, json.dumps(WEATHER_TOOL)) is None
    assert set_mock(session, first.id, "get_weather", TABLE) is None
    assert apply_tools_to_all(session, first.id) is None
    commands.send_to_all(session, svc, "Weather in Seoul and Paris?")
    finish(session)
    for card in (first, second):
        assert [c.id for c in card.messages[-1].tool_calls] == ["call_0", "call_1"]
        assert answer_with_mocks(session, svc, card.id) is None
    finish(session)
    for card in (first, second):
        assert [m.role for m in card.messages] == ["user", "assistant", "assistant"]
        assert card.messages[-1].content == "Weather: 12 C, rain; 18 C, sun"
        assert card.messages[-1].status == "done"
    calls = [
        {
            "id": f"call_{n}",
            "type": "function",
            "function": {"name": c.name, "arguments": c.arguments},
        }
        for n, c in enumerate([SEOUL, PARIS])
    ]
    expected = [
        {"role": "user", "content": "Weather in Seoul and Paris?"},
        {"role": "assistant", "content": None, "tool_calls": calls},
        {"role": "tool", "content": "12 C, rain", "tool_call_id": "call_0"},
        {"role": "tool", "content": "18 C, sun", "tool_call_id": "call_1"},
    ]
    sent = _sent(server, url)
    assert len(sent) == 4 and sent[2:] == [expected, expected]


def test_the_round_bound_stops_a_model_that_always_calls(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = _calling(scenario, [SEOUL], forever=True)
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    set_mock(session, card.id, "get_weather", {"result": "sunny"})
    commands.send(session, svc, [card.id], "Weather?")
    said = None
    for _ in range(10):
        finish(session)
        said = answer_with_mocks(session, svc, card.id, max_rounds=3)
        if said is not None:
            break
    assert said is not None and said.startswith("Stopped: the model called tools again after 3")
    assert card.messages[-1].status == "error" and card.messages[-1].error == said
    sent = _sent(server, url)
    assert len(sent) == 4  # the prompt, then 3 rounds of results
    assert [m["role"] for m in sent[-1]].count("tool") == 3
    # A new prompt starts the count again.
    commands.send(session, svc, [card.id], "And now?")
    finish(session)
    assert answer_with_mocks(session, svc, card.id, max_rounds=3) is None


def test_send_results_refuses_an_unknown_id_and_a_card_without_calls(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = _calling(scenario, [SEOUL])
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    said = send_results(session, svc, card.id, {"call_0": "x"})
    assert said is not None and "no tool call waiting" in said
    commands.send(session, svc, [card.id], "Weather?")
    finish(session)
    said = send_results(session, svc, card.id, {"call_9": "x"})
    assert said == "Results not sent: no call of the last answer has the id 'call_9'."
    assert card.messages[-1].tool_calls[0].result is None and len(_sent(server, url)) == 1
    assert send_results(session, svc, card.id, {"call_0": "warm"}) is None
    finish(session)
    assert card.messages[-1].content == "Weather: warm"


def test_a_busy_card_refuses_results(scenario: Scenario) -> None:
    url = scenario(tool_calls=[SEOUL], latency=0.5)
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "Weather?")
    assert card.is_streaming
    assert "still answering" in (send_results(session, svc, card.id, {"call_0": "x"}) or "")
    finish(session)


def test_calls_without_a_result_are_left_out_and_the_rest_sent() -> None:
    calls = [
        ToolCall(index=0, id="call_0", name="get_weather", arguments="{}", result="rain"),
        ToolCall(index=1, id="call_1", name="get_time", arguments="{}"),
    ]
    card = Card(
        messages=[Message(role="user", content="q"), Message(role="assistant", tool_calls=calls)]
    )
    history = card.history_for_request()
    assert [m["role"] for m in history] == ["user", "assistant", "tool"]
    assert [c["id"] for c in history[1]["tool_calls"]] == ["call_0"]
    assert history[2] == {"role": "tool", "content": "rain", "tool_call_id": "call_0"}


def _call(arguments: str) -> ToolCall:
    return ToolCall(index=0, id="call_0", name="get_weather", arguments=arguments)


@pytest.mark.parametrize(
    ("mock", "arguments", "result"),
    [
        pytest.param(ToolMock(result='{"temp": 20}'), "{}", '{"temp": 20}', id="canned-json"),
        pytest.param(ToolMock(**TABLE), '{"city": "Paris"}', "18 C, sun", id="table-row"),
        pytest.param(
            ToolMock(**TABLE),
            '{"city": "Oslo"}',
            "Mock get_weather: no row for city = 'Oslo' (rows: Seoul, Paris).",
            id="table-miss",
        ),
        pytest.param(
            ToolMock(result="unknown city", **TABLE),
            '{"city": "Oslo"}',
            "unknown city",
            id="default",
        ),
        pytest.param(
            ToolMock(**TABLE),
            '{"city": "Se',
            "Mock get_weather: no row looked up, the arguments are not JSON: "
            "Unterminated string starting at character 9.",
            id="bad-arguments",
        ),
        pytest.param(
            ToolMock(**TABLE),
            "[1]",
            "Mock get_weather: no row looked up, the arguments are not a JSON object.",
            id="not-an-object",
        ),
        pytest.param(
            ToolMock(**TABLE),
            '{"town": "Seoul"}',
            "Mock get_weather: no row looked up, the arguments have no 'city'.",
            id="no-key",
        ),
        pytest.param(None, "{}", "No mock result is set for tool 'get_weather'.", id="no-mock"),
    ],
)
def test_mock_result(mock: ToolMock | None, arguments: str, result: str) -> None:
    assert mock_result(mock, _call(arguments)) == result


def test_a_bad_mock_is_refused_by_name() -> None:
    session = Session()
    card = session.workspace.cards[0]
    said = set_mock(session, card.id, "get_weather", {"table": {"a": 1}})
    assert (
        said is not None
        and said == "Mock for 'get_weather' not set: table.a: Input should be a valid string"
    )
    assert card.config.settings.tool_mocks == {}


def _tool_round(scenario: Scenario) -> tuple[PlainServices, Session, Card]:
    url = _calling(scenario, [SEOUL])
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    set_mock(session, card.id, "get_weather", TABLE)
    commands.send(session, svc, [card.id], "Weather?")
    finish(session)
    answer_with_mocks(session, svc, card.id)
    finish(session)
    return svc, session, card


def test_regenerate_after_a_tool_round_asks_again_and_keeps_the_exchange(
    scenario: Scenario,
) -> None:
    svc, session, card = _tool_round(scenario)
    commands.regenerate(session, svc, card.id)
    finish(session)
    assert [m.role for m in card.messages] == ["user", "assistant"]
    answer = card.messages[-1]
    assert answer.tool_calls[0].result is None  # asked again from the prompt: a new call
    kept = answer.earlier
    assert [m.tool_calls[0].result if m.tool_calls else m.content for m in kept] == [
        "12 C, rain",
        "Weather: 12 C, rain",
    ]


def test_edit_and_delete_history_after_a_tool_round(scenario: Scenario) -> None:
    svc, session, card = _tool_round(scenario)
    commands.edit_and_resend(session, svc, [card.id], "Weather now?")
    finish(session)
    assert [m.role for m in card.messages] == ["user", "assistant"]
    assert all(m.replied_to == "Weather?" for m in card.messages[-1].earlier)
    commands.delete_history(session, card.id)
    assert card.messages == [] and "get_weather" in card.config.settings.tool_mocks


def test_export_import_roundtrip_keeps_results_and_mocks(scenario: Scenario) -> None:
    _, session, card = _tool_round(scenario)
    back = import_json(export_json(session.workspace), endpoints=["A"], max_cards=8)
    again = back.cards[0]
    assert again.messages[1].tool_calls[0].result == "12 C, rain"
    assert again.config.settings.tool_mocks == card.config.settings.tool_mocks
    assert again.history_for_request() == card.history_for_request()


def test_a_save_from_before_results_loads() -> None:
    old = {
        "cards": [
            {
                "id": "c1",
                "messages": [
                    {"id": "m1", "role": "user", "content": "q"},
                    {
                        "id": "m2",
                        "role": "assistant",
                        "tool_calls": [
                            {"index": 0, "id": "call_0", "name": "f", "arguments": "{}"}
                        ],
                    },
                ],
            }
        ]
    }
    workspace = Workspace.model_validate(old)
    card = workspace.cards[0]
    assert card.messages[1].tool_calls[0].result is None
    assert card.config.settings.tool_mocks == {}
    assert card.history_for_request() == [{"role": "user", "content": "q"}]


@pytest.mark.parametrize("results_in", ["stored", "mine"])
def test_a_merge_keeps_the_results_one_tab_gave(results_in: str) -> None:
    from playground.store.merge import merge_workspaces

    call = ToolCall(index=0, id="call_0", name="get_weather", arguments="{}")
    prompt = Message(id="p1", role="user", content="q")
    plain = Workspace(
        cards=[
            Card(id="c1", messages=[prompt, Message(id="a1", role="assistant", tool_calls=[call])])
        ]
    )
    answered = plain.model_copy(deep=True)
    answered.cards[0].messages[1].tool_calls[0].result = "rain"
    stored, mine = (answered, plain) if results_in == "stored" else (plain, answered)
    merged = merge_workspaces(stored, mine)
    assert merged.cards[0].messages[1].tool_calls[0].result == "rain"


def test_calls_sent_back_count_towards_the_context_window() -> None:
    from playground.costs.tokens import count_tokens

    arguments = json.dumps({"city": "Seoul " * 400})
    call = ToolCall(index=0, id="call_0", name="get_weather", arguments=arguments, result="ok")
    card = Card(
        messages=[Message(role="user", content="q"), Message(role="assistant", tool_calls=[call])]
    )
    bare = count_tokens(card.history_for_request()[:1], "gpt-4o")
    counted = count_tokens(card.history_for_request(), "gpt-4o")
    assert not counted.exact and counted.tokens - bare.tokens > len(arguments) // 8
