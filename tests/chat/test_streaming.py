import itertools
import time
from collections.abc import Callable

import openai
import pytest

from playground.chat.answer_shapes import whole_completion
from playground.chat.streaming import StreamJob
from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client
from playground.endpoints.errors import translate_errors
from playground.errors import StreamBroken
from playground.workspace.types import Card
from tests.fake_openai import FakeOpenAIServer, closed_port
from tests.helpers import add_turn, scenario_name, wait_for_text
from tests.helpers import start_stream as start

TIMEOUTS = Timeouts(connect=2, read=3)


def test_streams_the_whole_answer_into_the_message(scenario: Callable[..., str]) -> None:
    card, job = start(scenario(tokens=30))
    job.join(10)
    answer = card.messages[-1]
    assert answer.status == "done"
    assert answer.content == "[fake-small] turn 1: hello " + " ".join(f"w{i}" for i in range(30))
    assert answer.metrics is not None and answer.metrics.output_tokens == 34
    assert answer.metrics.ttft_s is not None and answer.metrics.total_s >= answer.metrics.ttft_s


def test_token_count_comes_from_server_usage(scenario: Callable[..., str]) -> None:
    card, job = start(scenario(tokens=10))
    job.join(10)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.output_tokens == 14
    assert metrics.tokens_estimated is False
    assert metrics.last_token_s is not None and metrics.total_s is not None
    assert metrics.ttft_s is not None and metrics.ttft_s <= metrics.last_token_s <= metrics.total_s


def test_without_server_usage_the_count_is_estimated(scenario: Callable[..., str]) -> None:
    card, job = start(scenario(tokens=10, usage=False))
    job.join(10)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.output_tokens == 14 and metrics.tokens_estimated


def test_server_rejecting_stream_options_gets_a_plain_request(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=3, reject_stream_options=True)
    rejected: list[bool] = []
    card = Card()
    answer = add_turn(card, "hi")
    StreamJob(
        make_client(url, None, TIMEOUTS, max_retries=0),
        model="fake-small",
        history=card.history_for_request(),
        target=answer,
        on_usage_rejected=lambda: rejected.append(True),
    ).start().join(10)
    assert answer.status == "done" and answer.content.endswith("w2")
    assert answer.metrics is not None and answer.metrics.tokens_estimated
    bodies = [r.body or {} for r in server.chat_requests(scenario_name(url))]
    assert ["stream_options" in b for b in bodies] == [True, False]
    assert rejected == [True]


def test_sends_full_history_each_turn(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    card, job = start(url, "first")
    job.join(10)
    _, job = start(url, "second", card=card)
    job.join(10)
    sent = server.chat_requests(scenario_name(url))[-1].body
    assert sent is not None
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["messages"][1]["content"] == "[fake-small] turn 1: first"
    assert card.messages[-1].content == "[fake-small] turn 2: second"


def test_followers_see_growing_text(scenario: Callable[..., str]) -> None:
    _, job = start(scenario(tokens=40, tokens_per_second=200))
    seen: list[str] = []
    version = -1
    while True:
        snap = job.wait_for_change(version, timeout=5)
        version = snap.version
        seen.append(snap.text)
        if snap.done:
            break
    assert len(seen) >= 3
    assert all(a == b[: len(a)] for a, b in itertools.pairwise(seen))


def test_a_follower_sees_every_piece_sent_before_a_stall(scenario: Callable[..., str]) -> None:
    """The stream thread publishes as pieces come, so pieces that came within the last
    flush interval before the server stalled are published by the page following it."""
    url = scenario(reply="start", tokens=40, tokens_per_second=1000, stall_after=5)
    _, job = start(url)  # "start w0 w1 w2 w3" 1 ms apart, then silence
    snap = job.wait_for_change(-1, timeout=5)
    deadline = time.monotonic() + 5
    while snap.text.split()[-1:] != ["w3"] and time.monotonic() < deadline:
        snap = job.wait_for_change(snap.version, timeout=1)
    job.cancel()
    assert snap.text.split()[-1:] == ["w3"] and not snap.done


def test_cancel_keeps_partial_text_and_closes_the_stream(
    scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=400, tokens_per_second=50)
    card, job = start(url)
    wait_for_text(job, len("[fake-small] turn 1: hello"), timeout=10)
    job.cancel()
    job.join(5)
    answer = card.messages[-1]
    assert answer.status == "stopped"
    assert answer.content.startswith("[fake-small] turn 1: hello")
    assert len(answer.content) < 1000
    record = [s for s in server.streams if s.scenario == scenario_name(url)][-1]
    deadline = time.monotonic() + 5
    while record.ended is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert record.disconnected and not record.finished
    assert record.sent_tokens < 400


def test_connection_dropped_midway_keeps_partial_text(scenario: Callable[..., str]) -> None:
    card, job = start(scenario(tokens=50, break_after=10))
    job.join(10)
    answer = card.messages[-1]
    assert answer.status == "error"
    assert answer.content.startswith("[fake-small] turn 1: hello")
    assert answer.error is not None and "broke" in answer.error


@pytest.mark.parametrize(
    ("knobs", "fragment"),
    [
        pytest.param({"chat_status": 500}, "500", id="server-error"),
        pytest.param({"chat_status": 429}, "429", id="rate-limit"),
        pytest.param({"token": "right"}, "401", id="unauthorized"),
        pytest.param({"models": ["other"]}, "404", id="unknown-model"),
        pytest.param({"tokens": 5, "stall_after": 2}, "did not answer in time", id="read-timeout"),
    ],
)
def test_errors_become_messages(
    scenario: Callable[..., str], knobs: dict[str, object], fragment: str
) -> None:
    card, job = start(scenario(**knobs), token="wrong" if "token" in knobs else None)
    job.join(15)
    answer = card.messages[-1]
    assert answer.status == "error"
    assert answer.error is not None and fragment in answer.error
    assert card.messages[-2].content == "hello"  # the prompt is kept


def test_unreachable_server() -> None:
    card, job = start(f"http://127.0.0.1:{closed_port()}/v1")
    job.join(10)
    assert card.messages[-1].status == "error"
    assert "Could not connect" in (card.messages[-1].error or "")


def test_server_error_text_is_redacted(scenario: Callable[..., str]) -> None:
    # The server's error text ("chat failed with 400") is shown, minus any secret.
    url = scenario(chat_status=400)
    client = make_client(url, "sk-secret-123", TIMEOUTS, max_retries=0)
    with pytest.raises(Exception) as info, translate_errors("X", redact=["failed"]):
        client.create_chat_stream(model="fake-small", messages=[])
    assert not isinstance(info.value, openai.OpenAIError)
    assert "failed" not in str(info.value) and "***" in str(info.value)


def test_no_token_sends_no_authorization_header(
    server: FakeOpenAIServer, scenario: Callable[..., str]
) -> None:
    # The client factory decides it once: no token, no Authorization header at all.
    url = scenario()
    card, job = start(url)
    job.join(10)
    assert card.messages[-1].status == "done"
    assert server.chat_requests(scenario_name(url))[-1].authorization is None


def test_a_whole_completion_nested_too_deeply_is_a_broken_stream() -> None:
    with pytest.raises(StreamBroken):
        list(whole_completion(b"[" * 100_000 + b"]" * 100_000, "The server", ()))


def test_the_first_text_is_published_as_soon_as_it_comes(scenario: Callable[..., str]) -> None:
    """The first piece is not held for the flush interval: a reader that only looks
    (the token route, ``snapshot``) sees it although the server then stalls."""
    card = Card()
    answer = add_turn(card, "hello")
    job = StreamJob(
        make_client(
            scenario(reply="start", tokens=40, stall_after=1), None, TIMEOUTS, max_retries=0
        ),
        model="fake-small",
        history=card.history_for_request(),
        target=answer,
        flush_interval=10,  # the rest is published every 10 s: the first piece at once
    ).start()
    deadline = time.monotonic() + 2  # before the read timeout (3 s) would end the answer
    while not job.snapshot().text and time.monotonic() < deadline:
        time.sleep(0.01)
    text, done = job.snapshot().text, job.done
    job.cancel()
    assert text == "start" and not done  # the first piece; the server sends nothing more


def test_a_watcher_is_woken_at_each_publish_and_at_the_end(
    scenario: Callable[..., str],
) -> None:
    _, first = start(scenario(tokens=40, tokens_per_second=200))
    woken: list[tuple[int, bool]] = []
    first.watch(lambda: woken.append((first.version, first.done)))
    first.join(10)
    assert len(woken) >= 3  # about 0.2 s of tokens published every 50 ms, and the end
    assert [v for v, _ in woken] == sorted(v for v, _ in woken)
    assert woken[-1] == (first.version, True)

    _, second = start(scenario(tokens=40, tokens_per_second=200))
    late: list[int] = []
    unwatch = second.watch(lambda: late.append(second.version))
    unwatch()
    second.join(10)
    assert late == [] and second.done
