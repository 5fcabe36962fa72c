"""A card's tools, tool choice, response format and reasoning effort (issue 28): read,
applied, sent as the Chat Completions API specifies, saved and exported."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from playground.errors import ImportProblem
from playground.session import Session, commands
from playground.session.tools import (
    apply_response_format,
    apply_tools,
    apply_tools_to_all,
    set_reasoning_effort,
    tools_summary,
)
from playground.workspace.export import export_json, import_json
from playground.workspace.types import SamplingSettings, Workspace
from tests.fake_openai import FakeOpenAIServer
from tests.session.test_commands import finish, on, services

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
TIME = {"type": "function", "function": {"name": "get_time"}}
SCHEMA = '{"type": "object", "properties": {"answer": {"type": "string"}}}'


def _fn(**function: object) -> str:
    return json.dumps([{"type": "function", "function": function}])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param("[{nope", "the tools are not JSON (Expecting property name", id="not-json"),
        pytest.param("[1]", "tool 1 is not an object", id="not-an-object"),
        pytest.param('{"name": "w"}', "tool 1 ('w') is a bare function", id="bare-function"),
        pytest.param('[{"type": "custom", "function": {}}]', "not a function tool", id="custom"),
        pytest.param(_fn(name="has space"), "tool 1's name 'has space' is not 1 to 64", id="name"),
        pytest.param(_fn(name="w", paramters={}), "tool 'w' has an unknown field 'paramters'",
                     id="typo"),
        pytest.param(_fn(name="w", parameters=[]), "tool 'w': its parameters must be a JSON",
                     id="parameters-array"),
        pytest.param(json.dumps([TIME, TIME]), "two tools are named 'get_time'", id="duplicate"),
        pytest.param(json.dumps([TIME] * 129), "there are 129 tools; a card takes at most 128",
                     id="too-many"),
        pytest.param(_fn(name="w", parameters={"type": "nothing"}),
                     "The parameters of tool 'w' is not a valid schema", id="invalid-schema"),
        pytest.param("[" * 5000 + "]" * 5000, "not JSON this app reads", id="deep"),
    ],
)  # fmt: skip
def test_bad_tools_are_refused_by_name_and_nothing_is_applied(text: str, says: str) -> None:
    session = Session()
    card = session.workspace.cards[0]
    apply_tools(session, card.id, json.dumps(WEATHER))
    before = card.config.settings
    message = apply_tools(session, card.id, text)
    assert message is not None and message.startswith("Tools not applied: ")
    assert says in message
    assert card.config.settings == before


def test_tools_and_choices_are_sent_exactly_as_the_api_specifies() -> None:
    session = Session()
    card = session.workspace.cards[0]
    assert apply_tools(session, card.id, json.dumps(WEATHER)) is None  # one object
    assert card.config.settings.request_params() == {"tools": [WEATHER]}  # auto: not sent
    assert apply_tools(session, card.id, json.dumps([WEATHER, TIME]), "required") is None
    assert card.config.settings.request_params() == {
        "tools": [WEATHER, TIME],
        "tool_choice": "required",
    }
    assert apply_tools(session, card.id, json.dumps([WEATHER, TIME]), "get_time") is None
    assert card.config.settings.request_params()["tool_choice"] == {
        "type": "function",
        "function": {"name": "get_time"},
    }
    assert tools_summary(card.config.settings) == "2 tools (get_time)"
    assert card.config.settings.summary() == "2 tools (get_time)"


@pytest.mark.parametrize(
    ("text", "choice", "says"),
    [
        pytest.param(json.dumps(WEATHER), "get_time", "the tool choice 'get_time' is none of",
                     id="unknown-tool"),
        pytest.param("", "required", "'required' needs at least one tool", id="required-none"),
    ],
)  # fmt: skip
def test_a_tool_choice_must_name_a_tool(text: str, choice: str, says: str) -> None:
    session = Session()
    card = session.workspace.cards[0]
    message = apply_tools(session, card.id, text, choice)
    assert message is not None and says in message
    assert card.config.settings == SamplingSettings()


def test_response_formats_and_effort_are_sent_exactly_as_the_api_specifies() -> None:
    session = Session()
    card = session.workspace.cards[0]
    assert apply_response_format(session, card.id, {"kind": "json_object"}) is None
    assert card.config.settings.request_params() == {"response_format": {"type": "json_object"}}
    chosen = {"kind": "json_schema", "schema_text": SCHEMA, "name": "reply", "strict": True}
    assert apply_response_format(session, card.id, chosen) is None
    assert set_reasoning_effort(session, card.id, "low") is None
    assert card.config.settings.request_params() == {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "reply", "schema": json.loads(SCHEMA), "strict": True},
        },
        "reasoning_effort": "low",
    }
    assert card.config.settings.summary() == "JSON schema · effort low"
    assert set_reasoning_effort(session, card.id, None) is None
    assert "reasoning_effort" not in card.config.settings.request_params()


@pytest.mark.parametrize(
    ("chosen", "says"),
    [
        pytest.param({"kind": "json_schema"}, "needs a schema", id="no-schema"),
        pytest.param({"kind": "json_schema", "schema_text": "[1]"}, "must be a JSON object",
                     id="not-object"),
        pytest.param({"kind": "json_schema", "schema_text": '{"type": 3}'},
                     "the response format's schema is not a valid schema", id="invalid"),
        pytest.param({"kind": "xml"}, "kind", id="unknown-kind"),
        pytest.param({"kind": "json_object", "name": "a b"}, "name", id="bad-name"),
    ],
)  # fmt: skip
def test_a_bad_response_format_is_refused(chosen: dict[str, object], says: str) -> None:
    session = Session()
    card = session.workspace.cards[0]
    message = apply_response_format(session, card.id, chosen)
    assert message is not None and message.startswith("Response format not applied: ")
    assert says in message
    assert card.config.settings == SamplingSettings()


def test_an_unknown_effort_is_refused() -> None:
    session = Session()
    card = session.workspace.cards[0]
    assert set_reasoning_effort(session, card.id, "extreme") is not None
    assert card.config.settings.reasoning_effort is None


def test_defaults_send_what_a_card_sent_before() -> None:
    settings = SamplingSettings(temperature=0.5, send_sampling=True)
    assert settings.request_params() == {"temperature": 0.5}
    assert settings.summary() == "T 0.5"
    off = SamplingSettings(send_sampling=False, temperature=0.5)
    assert off.request_params() == {}  # nothing: not even an empty tools list


def test_tools_are_sent_with_sampling_off() -> None:
    session = Session()
    card = session.workspace.cards[0]
    card.config.settings = SamplingSettings(send_sampling=False, temperature=1)
    apply_tools(session, card.id, json.dumps(WEATHER))
    assert card.config.settings.request_params() == {"tools": [WEATHER]}


def test_apply_to_all_copies_tools_format_and_effort_only() -> None:
    session = Session()
    first, second = session.workspace.cards
    second.config.settings = SamplingSettings(temperature=0.2)
    apply_tools(session, first.id, json.dumps([WEATHER, TIME]))
    apply_response_format(session, first.id, {"kind": "json_object"})
    set_reasoning_effort(session, first.id, "high")
    assert apply_tools_to_all(session, first.id) is None
    assert second.config.settings.request_params() == {
        "temperature": 0.2,
        **first.config.settings.request_params(),
    }
    assert tools_summary(second.config.settings) == "2 tools"


def test_tools_survive_export_and_import() -> None:
    session = Session()
    card = session.workspace.cards[0]
    apply_tools(session, card.id, json.dumps([WEATHER, TIME], indent=2), "get_weather")
    apply_response_format(session, card.id, {"kind": "json_schema", "schema_text": SCHEMA})
    set_reasoning_effort(session, card.id, "minimal")
    back = import_json(export_json(session.workspace), endpoints=[], max_cards=8)
    assert back.cards[0].config.settings == card.config.settings
    assert back.cards[0].config.settings.tools.text == json.dumps([WEATHER, TIME], indent=2)


def test_an_export_without_the_fields_still_loads() -> None:
    data = json.loads(export_json(Workspace()))
    for card in data["workspace"]["cards"]:
        settings = card["config"]["settings"]
        for name in ("tools", "response_format", "reasoning_effort"):
            del settings[name]
    back = import_json(json.dumps(data).encode(), endpoints=[], max_cards=8)
    assert back.cards[0].config.settings == SamplingSettings()


def test_an_import_with_bad_tools_is_refused_with_a_message() -> None:
    data = json.loads(export_json(Workspace()))
    data["workspace"]["cards"][0]["config"]["settings"]["tools"] = {"text": "[1]"}
    with pytest.raises(ImportProblem, match="tool 1 is not an object"):
        import_json(json.dumps(data).encode(), endpoints=[], max_cards=8)


def test_the_server_receives_exactly_these_fields(
    server: FakeOpenAIServer, scenario: Callable[..., str]
) -> None:
    url = scenario()
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    apply_tools(session, card.id, json.dumps([WEATHER]), "get_weather")
    apply_response_format(session, card.id, {"kind": "json_schema", "schema_text": SCHEMA})
    set_reasoning_effort(session, card.id, "medium")
    commands.send(session, svc, [card.id], "hello")
    finish(session)
    assert card.messages[-1].status == "done"
    [request] = server.chat_requests(url.rstrip("/").split("/")[-2])
    assert request.body is not None
    assert request.body["tools"] == [WEATHER]
    assert request.body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert request.body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "response", "schema": json.loads(SCHEMA), "strict": False},
    }
    assert request.body["reasoning_effort"] == "medium"


def test_a_card_without_them_sends_none_of_them(
    server: FakeOpenAIServer, scenario: Callable[..., str]
) -> None:
    url = scenario()
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "hello")
    finish(session)
    [request] = server.chat_requests(url.rstrip("/").split("/")[-2])
    assert request.body is not None
    sent = set(request.body)
    assert not sent & {"tools", "tool_choice", "response_format", "reasoning_effort"}
    assert sent == {"model", "messages", "stream", "stream_options"}
