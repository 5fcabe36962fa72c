"""Answers through the Responses API (``POST /v1/responses``): real HTTP to the test
server (tests/fake_responses.py) through ``StreamJob(api="responses")``, the same
``Delta``s and the same card as a chat answer."""

import json
import time
from collections.abc import Callable
from typing import Any

import openai
import pytest
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseOutputItemAddedEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseTextDeltaEvent,
)

from playground.chat.answer_shapes import Delta
from playground.chat.deltas import ChatRequest, open_deltas
from playground.chat.responses.events import EventReader
from playground.chat.responses.request import responses_request
from playground.chat.streaming import StreamJob
from playground.chat.tools.calls import ToolCallPiece, call_marks
from playground.chat.tools.settings import ResponseFormat
from playground.endpoints.clients import make_client
from playground.errors import ServerError
from playground.workspace.types import Card, Message
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import STREAM_TIMEOUTS, add_turn, scenario_name

WEATHER = FakeCall("get_weather", '{"city": "Seoul", "unit": "celsius"}')
TIME = FakeCall("get_time", '{"zone": "Asia/Seoul"}')
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def _start(
    url: str,
    card: Card | None = None,
    *,
    params: dict[str, Any] | None = None,
    token: str | None = None,
    prompt: str | None = "hello",
) -> tuple[Card, StreamJob]:
    """Ask ``prompt`` (None: answer the history as it is, as a tool round does)."""
    card = card or Card()
    if prompt is None:
        answer = Message(role="assistant", status="streaming")
        card.messages.append(answer)
    else:
        answer = add_turn(card, prompt)
    job = StreamJob(
        make_client(url, token, STREAM_TIMEOUTS, max_retries=0),
        model="fake-small",
        history=card.history_for_request(),
        target=answer,
        params=params,
        api="responses",
    ).start()
    return card, job


def _answer(url: str, card: Card | None = None, **kwargs: Any) -> tuple[Card, Message]:
    card, job = _start(url, card, **kwargs)
    job.join(15)
    return card, card.messages[-1]


def _sent(server: FakeOpenAIServer, url: str) -> dict[str, Any]:
    body = server.responses_requests(scenario_name(url))[-1].body
    assert body is not None
    return body


def test_text_streams_through_the_responses_api(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="Hello from the Responses API")
    _, answer = _answer(url)
    assert answer.status == "done" and answer.error is None
    assert answer.content == "Hello from the Responses API"
    assert answer.finish_reason == "stop" and answer.parts == ["text"]
    sent = _sent(server, url)
    assert sent["input"] == [{"role": "user", "content": "hello"}] and sent["stream"] is True
    assert "messages" not in sent and "stream_options" not in sent and "reasoning" not in sent
    assert server.chat_requests(scenario_name(url)) == []


def test_a_reasoning_summary_is_the_answers_reasoning(scenario: Callable[..., str]) -> None:
    _, answer = _answer(scenario(reasoning="weigh both options", reply="Option A."))
    assert answer.reasoning.strip() == "weigh both options" and answer.content == "Option A."
    assert answer.parts == ["reasoning", "text"]
    _, answer = _answer(scenario(reasoning="raw thoughts", reasoning_style="text", reply="ok"))
    assert answer.reasoning.strip() == "raw thoughts" and answer.content == "ok"


def test_two_function_calls_in_pieces(scenario: Callable[..., str]) -> None:
    _, answer = _answer(scenario(tool_calls=[WEATHER, TIME], tool_piece_chars=3))
    assert answer.status == "done" and answer.error is None
    assert [(c.index, c.id, c.name, c.arguments) for c in answer.tool_calls] == [
        (0, "call_0", "get_weather", WEATHER.arguments),
        (1, "call_1", "get_time", TIME.arguments),
    ]
    assert answer.finish_reason == "tool_calls" and answer.parts == ["call:0", "call:1"]
    assert call_marks(answer.tool_calls, answer.finish_reason, ended=True) == [[], []]


def test_results_go_back_as_function_call_output_items(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="Checking.", tool_calls=[WEATHER, TIME], text_after_results=True)
    card = Card()
    card.config.settings.system_prompt = "Be brief."
    card, first = _answer(url, card)
    first.tool_calls[0].result = "rain"
    first.tool_calls[1].result = "09:00"
    card, answer = _answer(url, card, prompt=None)  # the next round answers the results
    assert answer.status == "done" and answer.tool_calls == [] and answer.content == "Checking."
    sent = _sent(server, url)
    assert sent["instructions"] == "Be brief."
    assert sent["input"] == [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "Checking."},
        {"type": "function_call", "call_id": "call_0", "name": "get_weather",
         "arguments": WEATHER.arguments},
        {"type": "function_call", "call_id": "call_1", "name": "get_time",
         "arguments": TIME.arguments},
        {"type": "function_call_output", "call_id": "call_0", "output": "rain"},
        {"type": "function_call_output", "call_id": "call_1", "output": "09:00"},
    ]  # fmt: skip


def test_a_json_schema_response_format_becomes_text_format(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    schema = {"type": "object", "properties": {"temp": {"type": "number"}}}
    form = ResponseFormat(kind="json_schema", schema_text=json.dumps(schema), name="w", strict=True)
    url = scenario(reply='{"temp": 20}')
    _, answer = _answer(url, params={"response_format": form.request_param()})
    assert answer.content == '{"temp": 20}'
    assert _sent(server, url)["text"] == {
        "format": {"type": "json_schema", "name": "w", "schema": schema, "strict": True}
    }
    _answer(url, params={"response_format": {"type": "json_object"}})
    assert _sent(server, url)["text"] == {"format": {"type": "json_object"}}


def test_effort_tools_and_limits_in_the_responses_shape(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="ok")
    params = {
        "reasoning_effort": "low",
        "max_tokens": 50,
        "temperature": 0.2,
        "top_p": 0.9,
        "seed": 3,
        "frequency_penalty": 0.5,
        "presence_penalty": 0.1,
        "stop": ["END"],
        "tools": TOOLS,
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    }
    _, answer = _answer(url, params=params)
    assert answer.status == "done" and answer.content == "ok"
    sent = _sent(server, url)
    assert sent["reasoning"] == {"effort": "low", "summary": "auto"}
    assert sent["store"] is False  # the whole history goes each time: nothing kept
    assert (sent["max_output_tokens"], sent["temperature"], sent["top_p"]) == (50, 0.2, 0.9)
    assert sent["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": TOOLS[0]["function"]["parameters"],
            "strict": False,
        }
    ]
    assert sent["tool_choice"] == {"type": "function", "name": "get_weather"}
    for dropped in ("seed", "frequency_penalty", "presence_penalty", "stop", "max_tokens"):
        assert dropped not in sent
    assert responses_request("m", [], params).dropped == (
        "frequency_penalty",
        "presence_penalty",
        "seed",
        "stop",
    )


def test_images_become_input_image_parts() -> None:
    url = "data:image/png;base64,AAAA"
    content = [{"type": "text", "text": "what?"}, {"type": "image_url", "image_url": {"url": url}}]
    built = responses_request("m", [{"role": "user", "content": content}], {})
    assert built.arguments["input"] == [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "what?"},
                {"type": "input_image", "image_url": url, "detail": "auto"},
            ],
        }
    ]


def test_usage_with_reasoning_tokens(scenario: Callable[..., str]) -> None:
    url = scenario(reasoning="one two", reply="a b c", prompt_tokens=11)
    client = make_client(url, None, STREAM_TIMEOUTS, max_retries=0)
    request = ChatRequest("fake-small", [{"role": "user", "content": "hi"}], api="responses")
    deltas = list(open_deltas(client, request))
    usage = [d for d in deltas if d.usage_tokens is not None]
    assert [(d.usage_tokens, d.prompt_tokens, d.reasoning_tokens) for d in usage] == [(5, 11, 2)]
    assert deltas[-1].finish_reason == "stop"
    _, answer = _answer(url)
    assert answer.metrics is not None and not answer.metrics.tokens_estimated
    assert (answer.metrics.output_tokens, answer.metrics.input_tokens) == (5, 11)
    assert answer.metrics.reasoning_tokens == 2  # kept on the answer, as chat's are


def test_stop_keeps_the_partial_answer(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="start", tokens=400, tokens_per_second=40)
    card, job = _start(url)
    deadline = time.monotonic() + 10
    while "w2" not in job.snapshot().text and time.monotonic() < deadline:
        time.sleep(0.02)
    job.cancel()
    job.join(10)
    answer = card.messages[-1]
    assert answer.status == "stopped" and answer.content.startswith("start w0 w1 w2")
    assert "w399" not in answer.content
    record = [s for s in server.streams if s.scenario == scenario_name(url)][-1]
    while record.ended is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert record.disconnected and not record.finished


def test_a_stream_that_ends_early_keeps_its_text_and_says_so(
    scenario: Callable[..., str],
) -> None:
    _, answer = _answer(scenario(reply="half an answer", no_done=True))
    assert answer.status == "error" and answer.content == "half an answer"
    assert answer.error is not None and "ended the stream before" in answer.error


def test_response_failed_shows_the_servers_message_without_the_token(
    scenario: Callable[..., str],
) -> None:
    token = "sk-resp-secret-1234"
    url = scenario(reply="partial", token=token, failed_message=f"model crashed ({token})")
    _, answer = _answer(url, token=token)
    assert answer.status == "error" and answer.content == "partial"
    assert answer.error is not None and "model crashed" in answer.error
    assert token not in answer.error and "***" in answer.error


def test_incomplete_at_max_output_tokens_finishes_with_length(
    scenario: Callable[..., str],
) -> None:
    _, answer = _answer(scenario(reply="cut here", incomplete=True))
    assert answer.status == "done" and answer.content == "cut here"
    assert answer.finish_reason == "length"


def test_a_server_without_the_responses_api_says_to_choose_chat(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(responses_api=False)
    _, answer = _answer(url)
    assert answer.status == "error" and answer.error is not None
    assert "does not serve the Responses API" in answer.error
    assert "Chat Completions API" in answer.error
    assert len(server.responses_requests(scenario_name(url))) == 1  # a 404 is not retried


def test_a_503_before_the_first_token_is_retried(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="second time lucky", chat_status=503, fail_first=1, retry_after=0.1)
    _, answer = _answer(url)
    assert answer.status == "done" and answer.content == "second time lucky"
    assert len(server.responses_requests(scenario_name(url))) == 2


def test_the_sdks_own_parsing_reads_the_test_servers_events(
    scenario: Callable[..., str],
) -> None:
    url = scenario(reasoning="think", reply="Hi there", tool_calls=[WEATHER])
    sdk = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
    events = list(sdk.responses.create(model="fake-small", input="hi", stream=True))
    kinds = {type(event) for event in events}
    assert {
        ResponseReasoningSummaryTextDeltaEvent,
        ResponseTextDeltaEvent,
        ResponseOutputItemAddedEvent,
        ResponseFunctionCallArgumentsDeltaEvent,
        ResponseCompletedEvent,
    } <= kinds
    assert [e.sequence_number for e in events] == list(range(len(events)))
    with sdk.responses.stream(model="fake-small", input="hi") as stream:
        final = stream.get_final_response()
    assert final.output_text == "Hi there"
    calls = [item for item in final.output if item.type == "function_call"]
    assert [(c.call_id, c.name, c.arguments) for c in calls] == [
        ("call_0", "get_weather", WEATHER.arguments)
    ]
    assert final.usage is not None and final.usage.output_tokens_details.reasoning_tokens == 1
    sdk.close()


def test_events_other_servers_send_read_the_same() -> None:
    """Shapes the test server does not stream, read from the event objects themselves."""
    reader = EventReader("The endpoint", ("sk-x",))
    done_only = {  # a call sent whole, only when done (no .added, no argument deltas)
        "type": "response.output_item.done",
        "output_index": 3,
        "item": {"type": "function_call", "call_id": "c9", "name": "f", "arguments": "{}"},
    }
    assert list(reader.read(done_only)) == [Delta(tool_calls=(ToolCallPiece(0, "c9", "f", "{}"),))]
    assert list(reader.read({"type": "response.some_future_event", "x": 1})) == []
    summary = {"type": "response.reasoning_summary_text.delta", "output_index": 0}
    list(reader.read({**summary, "summary_index": 0, "delta": "first"}))
    second = list(reader.read({**summary, "summary_index": 1, "delta": "second"}))
    assert second == [Delta(reasoning="\n\nsecond")]  # a new summary part, a new paragraph
    with pytest.raises(TypeError):
        list(reader.read({"type": "response.output_text.delta", "delta": 5}))
    with pytest.raises(ServerError, match="overloaded") as failed:
        list(reader.read({"type": "error", "message": "overloaded (key sk-x)"}))
    assert "sk-x" not in str(failed.value)
    assert not reader.finished
