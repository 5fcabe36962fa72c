"""Tool calls streamed from the server (real HTTP to tests/fake_openai.py) into a Message."""

import json
from collections.abc import Callable

import openai
import pytest
from openai.types.chat.chat_completion_chunk import ChoiceDeltaToolCall

from playground.chat.answer_shapes import whole_completion
from playground.chat.tools.calls import ToolCall, ToolCallPiece, api_message, call_marks
from playground.workspace.export import export_json, import_json
from playground.workspace.types import Card, Message, Workspace
from tests.fake_openai import FakeOpenAIServer, RawAnswer
from tests.fake_tool_calls import FakeCall
from tests.helpers import scenario_name
from tests.helpers import start_stream as start

WEATHER = FakeCall("get_weather", '{"city": "Seoul", "unit": "celsius"}')
TIME = FakeCall("get_time", '{"zone": "Asia/Seoul"}')


def _answer(url: str, card: Card | None = None) -> tuple[Card, Message]:
    card, job = start(url, card=card)
    job.join(10)
    return card, card.messages[-1]


@pytest.mark.parametrize("interleave", [False, True], ids=["one-after-another", "interleaved"])
def test_two_parallel_calls_in_pieces_accumulate_in_order(
    scenario: Callable[..., str], interleave: bool
) -> None:
    url = scenario(tool_calls=[WEATHER, TIME], tool_piece_chars=3, tool_interleave=interleave)
    _, answer = _answer(url)
    assert answer.status == "done" and answer.error is None
    assert [(c.index, c.id, c.name, c.arguments) for c in answer.tool_calls] == [
        (0, "call_0", "get_weather", WEATHER.arguments),
        (1, "call_1", "get_time", TIME.arguments),
    ]
    assert answer.finish_reason == "tool_calls"
    assert answer.parts == ["call:0", "call:1"] and answer.content == ""
    assert call_marks(answer.tool_calls, answer.finish_reason, ended=True) == [[], []]


def test_reasoning_text_then_calls_keep_their_order(scenario: Callable[..., str]) -> None:
    url = scenario(reasoning="think first", reply="Let me look.", tool_calls=[WEATHER])
    _, answer = _answer(url)
    assert answer.parts == ["reasoning", "text", "call:0"]
    assert answer.reasoning.strip() == "think first" and answer.content == "Let me look."
    assert answer.tool_calls[0].arguments == WEATHER.arguments


def test_think_tag_reasoning_comes_before_the_calls(scenario: Callable[..., str]) -> None:
    url = scenario(reasoning="hmm", reasoning_style="tags", reply="ok", tool_calls=[TIME])
    _, answer = _answer(url)
    assert answer.parts == ["reasoning", "text", "call:0"]


def test_a_text_answer_has_no_calls_and_finishes_with_stop(scenario: Callable[..., str]) -> None:
    _, answer = _answer(scenario(tokens=2))
    assert answer.tool_calls == [] and answer.parts == ["text"] and answer.finish_reason == "stop"


def test_unanswered_calls_are_not_sent_back(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    # OpenAI refuses an assistant message with tool_calls that no tool message answers;
    # calls given no result (tests/session/test_tool_results.py) go back as the answer's text alone.
    url = scenario(reply="Checking.", tool_calls=[WEATHER, TIME])
    card, _ = _answer(url)
    server.scenarios[scenario_name(url)].tool_calls = None  # the next answer is text
    server.scenarios[scenario_name(url)].reply = None
    card, answer = _answer(url, card)
    assert answer.status == "done" and answer.content.startswith("[fake-small] turn 2")
    sent = server.chat_requests(scenario_name(url))[-1].body
    assert sent is not None
    assert sent["messages"][1] == {"role": "assistant", "content": "Checking."}


def test_calls_are_shaped_as_the_api_specifies() -> None:
    # openai-python v3.3.1 types/chat/chat_completion_assistant_message_param.py
    calls = [
        ToolCall(index=0, id="call_0", name="get_weather", arguments=WEATHER.arguments),
        ToolCall(index=1, id="call_1", name="get_time", arguments=TIME.arguments),
    ]
    assert api_message("assistant", "Checking.", calls) == {
        "role": "assistant",
        "content": "Checking.",
        "tool_calls": [
            {
                "id": "call_0",
                "type": "function",
                "function": {"name": "get_weather", "arguments": WEATHER.arguments},
            },
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_time", "arguments": TIME.arguments},
            },
        ],
    }
    assert api_message("assistant", "", calls[:1])["content"] is None


def test_an_answer_with_only_calls_is_left_out_of_the_history(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[TIME])
    card, _ = _answer(url)
    card, _ = _answer(url, card)
    sent = server.chat_requests(scenario_name(url))[-1].body
    assert sent is not None and [m["role"] for m in sent["messages"]] == ["user", "user"]


BROKEN = [
    pytest.param(
        {"tool_calls": [FakeCall("get_weather", '{"city": "Seo')]},
        "not JSON: Unterminated string",
        id="arguments-not-json",
    ),
    pytest.param(
        {"tool_calls": [FakeCall("get_time", '{"zone": "UTC"}', id=None)]},
        "no id",
        id="no-id",
    ),
    pytest.param(
        {"tool_calls": [WEATHER, FakeCall("get_time", '{"zone": "UTC"}', index=2)]},
        "index 2 where 1 was expected",
        id="index-gap",
    ),
    pytest.param(
        {"tool_calls": [WEATHER], "tool_cut_after": 4},
        "cut short",
        id="ends-mid-call",
    ),
]


@pytest.mark.parametrize(("knobs", "mark"), BROKEN)
def test_a_broken_call_is_kept_and_marked_and_the_card_keeps_working(
    scenario: Callable[..., str], server: FakeOpenAIServer, knobs: dict[str, object], mark: str
) -> None:
    url = scenario(**knobs)
    card, answer = _answer(url)
    assert answer.tool_calls, "the call is kept"
    marks = call_marks(answer.tool_calls, answer.finish_reason, ended=answer.status != "streaming")
    assert any(mark in m for m in marks[-1]), marks
    server.scenarios[scenario_name(url)].tool_calls = None
    card, after = _answer(url, card)
    assert after.status == "done" and after.content.startswith("[fake-small] turn 2")


def test_a_stream_cut_mid_call_keeps_what_came(scenario: Callable[..., str]) -> None:
    url = scenario(tool_calls=[WEATHER], tool_piece_chars=5, tool_cut_after=3)
    _, answer = _answer(url)
    assert answer.status == "error" and answer.error and "cut short" in answer.error
    assert answer.finish_reason is None
    assert answer.tool_calls[0].arguments == WEATHER.arguments[:15]
    assert answer.tool_calls[0].name == "get_weather"


def test_a_call_without_an_id_is_not_sent_back(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="x", tool_calls=[FakeCall("f", "{}", id=None)])
    card, _ = _answer(url)
    card, _ = _answer(url, card)
    sent = server.chat_requests(scenario_name(url))[-1].body
    assert sent is not None and sent["messages"][1] == {"role": "assistant", "content": "x"}


def test_old_saved_messages_load_with_no_calls() -> None:
    old = {"id": "abc", "role": "assistant", "content": "hi", "status": "done"}
    message = Message.model_validate(old)
    assert message.tool_calls == [] and message.parts == [] and message.finish_reason is None
    assert Card(messages=[message]).history_for_request() == [
        {"role": "assistant", "content": "hi"}
    ]


def test_an_export_with_calls_round_trips(scenario: Callable[..., str]) -> None:
    card, _ = _answer(scenario(reply="ok", tool_calls=[WEATHER, TIME], tool_interleave=True))
    workspace = Workspace(cards=[card])
    data = export_json(workspace)
    restored = import_json(data, endpoints=[], max_cards=8)
    assert export_json(restored) == data
    saved = json.loads(data)["workspace"]["cards"][0]["messages"][1]
    assert [c["name"] for c in saved["tool_calls"]] == ["get_weather", "get_time"]


def test_the_fake_server_sends_the_chunk_format_the_sdk_types(
    scenario: Callable[..., str],
) -> None:
    url = scenario(tool_calls=[WEATHER, TIME], tool_interleave=True)
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
    stream = client.chat.completions.create(model="fake-small", messages=[], stream=True)
    pieces, finishes = [], []
    for chunk in stream:
        for choice in chunk.choices:
            pieces += choice.delta.tool_calls or []
            finishes.append(choice.finish_reason)
    assert all(isinstance(p, ChoiceDeltaToolCall) for p in pieces)
    assert [p.index for p in pieces[:4]] == [0, 1, 0, 1]  # interleaved by index
    heads = [p for p in pieces if p.id is not None]
    assert [(p.index, p.type, p.function and p.function.name) for p in heads] == [
        (0, "function", "get_weather"),
        (1, "function", "get_time"),
    ]
    assert all(p.function and p.function.name is None for p in pieces if p.id is None)
    assert finishes[-1] == "tool_calls"


def test_a_whole_answer_with_calls_is_read_too() -> None:
    body = {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": "{}"},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ]
    }
    (delta,) = whole_completion(json.dumps(body).encode(), "The endpoint", ())
    assert delta.tool_calls == (ToolCallPiece(0, "c1", "get_time", "{}"),)
    assert delta.finish_reason == "tool_calls" and delta.text == ""


@pytest.mark.parametrize(
    "tool_calls",
    [
        pytest.param([{"function": {"arguments": "{}"}}], id="no-index"),
        pytest.param([{"index": 0, "function": {"arguments": 5}}], id="arguments-not-text"),
    ],
)
def test_malformed_call_pieces_fail_with_a_clear_message(
    scenario: Callable[..., str], tool_calls: list[object]
) -> None:
    chunk = {
        "id": "x",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake-small",
        "choices": [{"index": 0, "delta": {"tool_calls": tool_calls}, "finish_reason": None}],
    }
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
    raw = RawAnswer(body=body, headers={"content-type": "text/event-stream"})
    _, answer = _answer(scenario(chat_raw=raw))
    assert answer.status == "error" and answer.error and "Traceback" not in answer.error
    assert "sent malformed data" in answer.error


def test_regenerate_keeps_an_answer_that_only_called_tools(scenario: Callable[..., str]) -> None:
    card, _ = _answer(scenario(tool_calls=[TIME]))
    earlier = card.take_last_answer()
    assert earlier is not None and [m.tool_calls[0].name for m in earlier] == ["get_time"]
