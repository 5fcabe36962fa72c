"""The event stream read raw (``playground.chat.raw_events``): every way a server may frame its
events gives the same deltas, and every broken one a clear error, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from playground.chat.answer_shapes import Delta
from playground.chat.deltas import ChatRequest, DeltaStream
from playground.chat.raw_events import event_data, lines
from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client
from playground.errors import EndpointError, ServerError, StreamBroken
from tests.fake_openai import RawAnswer

TIMEOUTS = Timeouts(connect=2, read=5, models=3)
SSE = {"content-type": "text/event-stream"}
REQUEST = ChatRequest("fake-small", [{"role": "user", "content": "hi"}], include_usage=False)


def chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return json.dumps({"id": "c", "object": "chat.completion.chunk", "choices": [choice]}).encode()


HELLO = chunk({"content": "Hel"})
LO = chunk({"content": "lo"})
STOP = chunk({}, "stop")
PLAIN = b"data: " + HELLO + b"\n\ndata: " + LO + b"\n\ndata: " + STOP + b"\n\ndata: [DONE]\n\n"


def stream(
    scenario: Callable[..., str], body: list[bytes], token: str | None = None
) -> list[Delta]:
    url = scenario(chat_raw=RawAnswer(body=body, headers=SSE))
    return list(DeltaStream(make_client(url, token, TIMEOUTS, max_retries=0), REQUEST))


def text(deltas: list[Delta]) -> str:
    return "".join(d.text for d in deltas)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([PLAIN], id="plain"),
        pytest.param([PLAIN[:7], PLAIN[7:40], PLAIN[40:]], id="split-mid-json"),
        pytest.param([bytes([b]) for b in PLAIN], id="one-byte-chunks"),
        pytest.param([PLAIN.replace(b"\n", b"\r\n")], id="crlf"),
        pytest.param(
            [part + b"\r" for part in PLAIN.replace(b"\n", b"\r\n").split(b"\r")[:-1]],
            id="crlf-split-between-cr-and-lf",
        ),
        pytest.param([PLAIN.replace(b"\n", b"\r")], id="cr-alone"),
        pytest.param(
            [b": ping\n\n", b"event: message\nid: 1\nretry: 100\n", PLAIN, b": ping\n\n"],
            id="comments-event-id-retry",
        ),
        pytest.param([b"event: ping\n\n" + PLAIN], id="an-event-without-data"),
        pytest.param(
            [b'data: {"id": "c",\ndata:' + HELLO[12:] + b"\n\n" + PLAIN[8 + len(HELLO) :]],
            id="multi-line-data",
        ),
        pytest.param([b"data:" + PLAIN[6:]], id="data-without-space"),
    ],
)
def test_every_framing_of_the_events_gives_the_same_answer(
    scenario: Callable[..., str], body: list[bytes]
) -> None:
    deltas = stream(scenario, body)
    assert text(deltas) == "Hello"
    assert [d.finish_reason for d in deltas if d.finish_reason] == ["stop"]


def test_line_separators_inside_json_text_stay_in_the_text(scenario: Callable[..., str]) -> None:
    # U+2028, U+0085 and form feed are line ends to str.splitlines (and httpx2's iter_lines),
    # not to SSE; a server that writes JSON without ASCII escapes sends them raw.
    odd = "a\u2028b\x85c\x0cd\x1ee"
    raw = json.dumps(
        {"choices": [{"delta": {"content": odd}, "finish_reason": "stop"}]}, ensure_ascii=False
    ).encode()
    assert text(stream(scenario, [b"data: " + raw + b"\n\ndata: [DONE]\n\n"])) == odd


def test_json_that_orjson_refuses_and_json_accepts_still_parses(
    scenario: Callable[..., str],
) -> None:
    # NaN in logprobs, a lone surrogate, an integer over 64 bits: Python's json (the SDK's
    # parser) takes them, so the answer must not fail because orjson does not.
    raw = (
        b'{"choices": [{"delta": {"content": "ok"}, "logprobs": {"x": NaN}, '
        b'"finish_reason": "stop"}], "n": 123456789012345678901234567890}'
    )
    assert text(stream(scenario, [b"data: " + raw + b"\n\ndata: [DONE]\n\n"])) == "ok"


@pytest.mark.parametrize(
    ("error", "said"),
    [
        pytest.param(
            {
                "error": {
                    "message": "engine died sk-secret-1",
                    "type": "x",
                    "param": None,
                    "code": "500",
                }
            },
            "engine died ***",
            id="litellm-proxy-error",
        ),
        pytest.param(
            {"error": "overloaded"}, "An error occurred during streaming", id="error-as-text"
        ),
    ],
)
def test_an_error_object_mid_stream_keeps_what_came_and_says_the_servers_words(
    scenario: Callable[..., str], error: dict[str, object], said: str
) -> None:
    # As openai-python v3.63.0 src/openai/_streaming.py Stream.__stream__: an object with a
    # truthy "error" is an APIError with its message (or a generic one). The first shape is
    # LiteLLM's proxy's (litellm 1.106.12 proxy/proxy_server.py async_data_generator).
    body = [b"data: " + HELLO + b"\n\n", b"data: " + json.dumps(error).encode() + b"\n\n"]
    url = scenario(chat_raw=RawAnswer(body=body, headers=SSE))
    answer = DeltaStream(make_client(url, "sk-secret-1", TIMEOUTS, max_retries=0), REQUEST)
    got: list[Delta] = []
    with pytest.raises(ServerError) as info:
        for delta in answer:
            got.append(delta)
    assert text(got) == "Hel"
    assert said in str(info.value) and "sk-secret-1" not in str(info.value)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b'{"choices": [{"delta": {"content"', id="cut-json"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-too-deeply"),
        pytest.param(b"\xff\xfe not utf-8", id="not-utf-8"),
        pytest.param(b"", id="empty-data"),
        pytest.param(b"[1, 2]", id="not-an-object"),
        pytest.param(b'{"choices": {"delta": "x"}}', id="choices-not-a-list"),
    ],
)
def test_malformed_data_is_a_clear_broken_stream(scenario: Callable[..., str], bad: bytes) -> None:
    body = [b"data: " + HELLO + b"\n\n", b"data: " + bad + b"\n\n", b"data: [DONE]\n\n"]
    with pytest.raises(StreamBroken, match="malformed data"):
        stream(scenario, body)


def test_an_event_not_ended_by_a_blank_line_is_dropped_and_the_stream_ended_early(
    scenario: Callable[..., str],
) -> None:
    # The spec discards a pending event at the end of the stream, as the SDK's decoder does.
    with pytest.raises(StreamBroken, match="before saying the answer was finished"):
        stream(scenario, [b"data: " + HELLO + b"\n\ndata: " + STOP])


def test_a_line_longer_than_the_limit_ends_the_stream() -> None:
    with pytest.raises(EndpointError, match="longer than"):
        list(lines([b"data: " + b"x" * 600_000] * 3, limit=1_000_000))


def test_an_event_of_many_lines_over_the_limit_ends_the_stream() -> None:
    with pytest.raises(EndpointError, match="an event over"):
        list(event_data([b"data: " + b"x" * 400_000 + b"\n"] * 3, limit=1_000_000))


def test_lines_are_the_same_whatever_the_chunking() -> None:
    body = b"a\r\nb\rc\n\r\nd\n\ne"
    whole = list(lines([body]))
    assert whole == [b"a", b"b", b"c", b"", b"d", b"", b"e"]
    for cut in range(len(body) + 1):
        assert list(lines([body[:cut], body[cut:]])) == whole, cut


def test_done_ends_the_events_and_what_follows_is_not_read() -> None:
    body = [b"data: 1\n\ndata: [DONE]\n\ndata: 2\n\n"]
    assert list(event_data(body)) == [b"1"]
