"""Every way a server can fail, injected over real HTTP on 127.0.0.1.

Each case checks three things: the failing card says what happened and what
to try; the other card's answer completes; nothing already in the history is
lost (the earlier turn, and the new prompt).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fake_openai import FakeOpenAIServer, FullBacklog, closed_port
from tests.helpers import (
    cards,
    endpoints_toml,
    error_texts,
    key,
    new_app,
    scenario_name,
    send_synced,
    sync_off,
)

MakeScenario = Callable[..., str]
TIMEOUTS = "\n[timeouts]\nconnect = 1.0\nread = 2.0\nmodels = 2.0\n"


@pytest.fixture
def full_backlog() -> Iterator[FullBacklog]:
    backlog = FullBacklog()
    yield backlog
    backlog.close()


def faulty_url(kind: str, scenario: MakeScenario, backlog: FullBacklog) -> str:
    if kind == "refused":
        return f"http://127.0.0.1:{closed_port()}/v1"
    if kind == "dns":
        return "http://no-such-host.invalid/v1"
    if kind == "connect-timeout":
        return f"http://127.0.0.1:{backlog.port}/v1"
    knobs: dict[str, dict[str, object]] = {
        "401": {"token": "the-right-one"},
        "403": {"chat_status": 403},
        "404-chat": {"chat_status": 404},
        "404-models": {"models_status": 404, "chat_status": 404},
        "429": {"chat_status": 429, "retry_after": 0.1},
        "500": {"chat_status": 500},
        "502": {"chat_status": 502},
        "503": {"chat_status": 503},
        "stall": {"tokens": 50, "stall_after": 3},
        "dropped": {"tokens": 50, "break_after": 3},
        "malformed": {"tokens": 50, "malformed_after": 3},
        "html": {"html": True},
        "no-done": {"tokens": 5, "no_done": True},
    }
    return scenario(**knobs[kind])


CASES = [
    pytest.param("401", ["401", "Token"], id="401"),
    pytest.param("403", ["403", "not allowed"], id="403"),
    pytest.param("404-chat", ["404", "version segment", "model ID"], id="404-chat"),
    pytest.param("404-models", ["404", "version segment"], id="404-models-and-chat"),
    pytest.param("429", ["429", "rate limit", "retry"], id="429"),
    pytest.param("500", ["500", "server failed"], id="500"),
    pytest.param("502", ["502", "server failed"], id="502"),
    pytest.param("503", ["503", "server failed"], id="503"),
    pytest.param("refused", ["Could not connect", "server is running"], id="refused"),
    pytest.param("dns", ["host name could not be found", "baseURL"], id="dns"),
    pytest.param("connect-timeout", ["did not answer in time", "timeouts"], id="connect-timeout"),
    pytest.param("stall", ["did not answer in time"], id="stall-midway"),
    pytest.param("dropped", ["broke", "partial answer is kept"], id="dropped-midway"),
    pytest.param("malformed", ["malformed", "OpenAI-compatible"], id="malformed-sse"),
    pytest.param("html", ["web page", "baseURL"], id="html-page"),
    pytest.param("no-done", ["before saying the answer was finished"], id="no-done"),
]


@pytest.mark.parametrize(("kind", "fragments"), CASES)
def test_failure_is_contained_explained_and_lossless(
    write_config: Callable[..., Path],
    scenario: MakeScenario,
    full_backlog: FullBacklog,
    kind: str,
    fragments: list[str],
) -> None:
    write_config(
        endpoints_toml(Good=scenario(), Faulty=faulty_url(kind, scenario, full_backlog)) + TIMEOUTS
    )
    at = new_app()
    send_synced(at, "first")
    first, second = cards(at)
    earlier = [(m.role, m.content) for m in second.messages]
    assert earlier == [("user", "first"), ("assistant", "[fake-small] turn 1: first")]

    at.selectbox(key=key(second, "endpoint")).set_value("Faulty").run()
    if at.selectbox(key=key(second, "model")).value == "Custom":
        # The model list failed the same way: the card fell back to Custom and said why.
        assert any("Using Custom instead" in c.value for c in at.caption)
        at.text_input(key=key(second, "model_id")).set_value("fake-small").run()
    send_synced(at, "second")
    first, second = cards(at)

    assert not at.exception
    # 1. the failing card says what happened and what to try
    answer = second.messages[-1]
    assert answer.status == "error", answer
    for fragment in fragments:
        assert fragment in (answer.error or ""), (fragment, answer.error)
    assert any(answer.error == text for text in error_texts(at))
    # 2. the other card's answer completed
    assert first.messages[-1].status == "done"
    assert first.messages[-1].content == "[fake-small] turn 2: second"
    # 3. nothing already in the history is lost, and the prompt is kept
    assert [(m.role, m.content) for m in second.messages[:2]] == earlier
    assert (second.messages[2].role, second.messages[2].content) == ("user", "second")
    # A failed card offers Retry.
    assert at.button(key=key(second, "retry")).label == "Retry"


def test_partial_text_is_kept_when_the_stream_breaks(
    write_config: Callable[..., Path], scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Dropping=scenario(tokens=50, break_after=6)) + TIMEOUTS)
    at = new_app()
    send_synced(at, "hi")
    answer = cards(at)[0].messages[-1]
    assert answer.status == "error"
    assert answer.content == "[fake-small] turn 1: hi w0 w1"  # what arrived before the break


def test_models_404_falls_back_to_custom_and_says_why(
    write_config: Callable[..., Path], scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(NoModels=scenario(models_status=404)) + TIMEOUTS)
    at = new_app()
    assert next(s.options for s in at.selectbox if s.label == "Model") == ["Custom"]
    assert any("404" in c.value and "/v1" in c.value for c in at.caption)


BIG = ("lorem ipsum dolor sit amet " * 40 + "\n\n") * 950  # about 1 MB


@pytest.mark.parametrize(
    ("knobs", "expected"),
    [
        pytest.param({"reply": ""}, "", id="empty-answer"),
        pytest.param({"reply": BIG, "chunk_chars": 4096}, BIG, id="one-megabyte-answer"),
    ],
)
def test_unusual_answers_are_shown_whole_beside_the_others(
    write_config: Callable[..., Path],
    scenario: MakeScenario,
    knobs: dict[str, object],
    expected: str,
) -> None:
    write_config(endpoints_toml(Good=scenario(), Odd=scenario(**knobs)) + TIMEOUTS)
    at = new_app()
    send_synced(at, "first")
    at.selectbox(key=key(cards(at)[1], "endpoint")).set_value("Odd").run()
    send_synced(at, "second")
    first, second = cards(at)
    assert not at.exception
    assert second.messages[-1].status == "done" and second.messages[-1].content == expected
    if not expected:
        assert any("empty answer" in c.value for c in at.caption)
    assert first.messages[-1].content == "[fake-small] turn 2: second"
    assert [m.content for m in second.messages[:3]] == [
        "first",
        "[fake-small] turn 1: first",
        "second",
    ]


def test_429_is_retried_after_retry_after_before_the_first_token(
    write_config: Callable[..., Path], scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(chat_status=429, retry_after=0.5, fail_first=1)
    write_config(endpoints_toml(Limited=url) + TIMEOUTS)
    at = new_app()
    started = time.monotonic()
    send_synced(at, "patience")
    assert cards(at)[0].messages[-1].content == "[fake-small] turn 1: patience"
    assert cards(at)[1].messages[-1].content == "[fake-small] turn 1: patience"
    # Three requests: the first got 429 and was retried after Retry-After.
    assert len(server.chat_requests(scenario_name(url))) == 3
    assert time.monotonic() - started >= 0.5


def test_nothing_is_retried_silently_after_tokens_arrived(
    write_config: Callable[..., Path], scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=50, break_after=5)
    write_config(endpoints_toml(Dropping=url) + TIMEOUTS)
    at = new_app()
    at.button(key=key(cards(at)[1], "remove")).click().run()
    send_synced(at, "once")
    assert cards(at)[0].messages[-1].status == "error"
    assert len(server.chat_requests(scenario_name(url))) == 1


def test_retry_replaces_the_failed_answer(
    write_config: Callable[..., Path], scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Flaky=url) + TIMEOUTS)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    name = scenario_name(url)
    server.scenarios[name].chat_status = 500
    first = cards(at)[0]
    at.chat_input(key=key(first, "input")).set_value("again?").run()
    assert cards(at)[0].messages[-1].status == "error"
    server.scenarios[name].chat_status = 200
    at.button(key=key(first, "retry")).click().run()
    messages = cards(at)[0].messages
    assert [(m.role, m.status) for m in messages] == [("user", "done"), ("assistant", "done")]
    assert messages[-1].content == "[fake-small] turn 1: again?"


def test_fan_out_to_one_endpoint_queues_at_its_cap(
    write_config: Callable[..., Path], scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=10, tokens_per_second=40)
    write_config(
        endpoints_toml(Shared=url) + "\n[limits]\nmax_concurrent_per_endpoint = 2\n" + TIMEOUTS
    )
    at = new_app()
    while len(cards(at)) < 6:
        at.button(key="add_card").click().run()
    send_synced(at, "queue up")
    assert all(c.messages[-1].status == "done" for c in cards(at))
    assert server.max_active[scenario_name(url)] == 2
