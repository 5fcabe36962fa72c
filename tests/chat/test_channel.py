"""The token channel's access rules and what it delivers, over real HTTP on 127.0.0.1.

The route (``playground.chat.channel_route``) is served by uvicorn as the app serves it,
the answers stream from the fake OpenAI server, and the reader is the load client's
``follow_channel`` (what the live-answer component does in the browser).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
import websockets

from playground.chat import channel_route
from playground.chat.channel_route import (
    channel_lifespan,
    channel_path,
    same_origin,
)
from playground.chat.channels import Channels
from playground.rendering.markdown_blocks import BlockSplitter
from playground.rendering.safe_html import markdown
from tests.helpers import start_stream, wait_for_text
from tests.rendering.test_live_html import ANSWER, unsafe
from tests.streamlit_client import follow_channel

T = TypeVar("T")


def run_apart(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: a browser test earlier in the run
    (Playwright's sync API) leaves an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _read(base: str, channel: str, origin: str | None = "same") -> tuple[str, list[dict]]:
    return run_apart(follow_channel(base, channel_path() + channel, origin))


def _refused(base: str, channel: str, origin: str | None = "same") -> int:
    with pytest.raises(websockets.InvalidStatus) as refused:
        _read(base, channel, origin)
    return refused.value.response.status_code


def test_the_channel_delivers_exactly_the_answers_text_in_order(
    route: tuple[Channels, str], scenario: Callable[..., str]
) -> None:
    channels, base = route
    card, job = start_stream(scenario(tokens=60, tokens_per_second=120))
    channel = channels.issue(job, "session-a")
    assert channel is not None
    text, messages = _read(base, channel)
    assert text == card.messages[-1].content  # the final answer, every piece in its place
    assert text.endswith(" w59") and card.messages[-1].status == "done"
    assert len(messages) > 3  # it came as it grew, not at once
    assert messages[-1].get("done") is True
    grown = [m["tail"] for m in messages if "tail" in m]
    assert all(at > 0 for at, _ in grown[1:])  # each piece appended where the last ended


def test_the_answer_wakes_the_route_at_each_publish(
    route: tuple[Channels, str], scenario: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route does not poll: with its fallback look set past the answer's end, the
    text still comes as the job publishes it (every 50 ms), not once at the end."""
    monkeypatch.setattr(channel_route, "LOOK_EVERY", 30.0)
    channels, base = route
    card, job = start_stream(scenario(tokens=60, tokens_per_second=120))  # 0.5 s
    channel = channels.issue(job, "session-a")
    assert channel is not None
    text, messages = _read(base, channel)
    assert text == card.messages[-1].content
    assert len(messages) > 3


def test_each_session_gets_its_own_id_for_an_answer_and_each_id_only_its_answer(
    route: tuple[Channels, str], scenario: Callable[..., str]
) -> None:
    channels, base = route
    card_a, job_a = start_stream(scenario(tokens=20, tokens_per_second=80), "from a")
    card_b, job_b = start_stream(scenario(tokens=20, tokens_per_second=80), "from b")
    a = channels.issue(job_a, "session-a")
    assert a is not None and channels.issue(job_a, "session-a") == a  # asked again: the same
    other_tab = channels.issue(job_a, "session-c")  # a reload, another tab: its own id
    b = channels.issue(job_b, "session-b")
    assert len({a, other_tab, b}) == 3 and all(len(c) >= 32 for c in (a, other_tab, b))

    async def both() -> list[tuple[str, list[dict]]]:
        ids = (b, other_tab)
        return await asyncio.gather(*(follow_channel(base, channel_path() + c) for c in ids))

    (text_b, _), (text_a, _) = run_apart(both())
    assert text_b == card_b.messages[-1].content and "from b" in text_b  # b's id: b's only
    assert text_a == card_a.messages[-1].content and "from a" in text_a


@pytest.mark.parametrize(
    "guess",
    [
        pytest.param(lambda: secrets.token_urlsafe(24), id="random"),
        pytest.param(lambda: "", id="empty-listing"),
        pytest.param(lambda: "..%2F_stcore%2Fhealth", id="traversal"),
    ],
)
def test_a_guessed_id_answers_nothing(
    route: tuple[Channels, str], scenario: Callable[..., str], guess: Callable[[], str]
) -> None:
    channels, base = route
    _, job = start_stream(scenario(tokens=40, tokens_per_second=40))
    assert channels.issue(job, "session-a") is not None  # an answer does stream
    with pytest.raises((websockets.InvalidStatus, websockets.InvalidHandshake)):
        _read(base, guess())
    job.cancel()


def test_a_closed_answer_answers_nothing(
    route: tuple[Channels, str], scenario: Callable[..., str]
) -> None:
    channels, base = route
    _, job = start_stream(scenario(tokens=3))
    channel = channels.issue(job, "session-a")
    assert channel is not None
    job.join(10)
    assert _refused(base, channel) == 403
    assert channels.job(channel) is None and channels.open_count() == 0
    assert channels.issue(job, "session-b") is None  # nor is a new id issued for it


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://evil.example", id="foreign"),
        pytest.param(None, id="missing"),
        pytest.param("null", id="opaque"),
        pytest.param("http://127.0.0.1:1", id="other-port"),
    ],
)
def test_a_handshake_from_another_origin_is_refused(
    route: tuple[Channels, str], scenario: Callable[..., str], origin: str | None
) -> None:
    channels, base = route
    _, job = start_stream(scenario(tokens=40, tokens_per_second=40))
    channel = channels.issue(job, "session-a")
    assert channel is not None
    assert _refused(base, channel, origin) == 403
    assert _read(base, channel)[0]  # the same id from the page's own origin: served
    job.cancel()


def test_stop_ends_the_stream_at_once_with_the_text_kept(
    route: tuple[Channels, str], scenario: Callable[..., str]
) -> None:
    channels, base = route
    card, job = start_stream(scenario(tokens=400, tokens_per_second=40))
    channel = channels.issue(job, "session-a")
    assert channel is not None
    wait_for_text(job, 40, timeout=10)

    async def read_and_stop() -> tuple[str, list[dict], float]:
        loop = asyncio.get_running_loop()
        reading = asyncio.create_task(follow_channel(base, channel_path() + channel))
        await asyncio.sleep(0.3)
        stopped = loop.time()
        job.cancel()
        text, messages = await asyncio.wait_for(reading, 5)
        return text, messages, loop.time() - stopped

    text, messages, took = run_apart(read_and_stop())
    assert card.messages[-1].status == "stopped"
    assert text == card.messages[-1].content and not text.endswith(" w399")
    assert messages[-1].get("done") is True
    assert took < 1.0  # the route closes within a few polls, not when the server ends


def test_the_route_is_marked_served_only_while_the_app_runs() -> None:
    channels = Channels()

    async def lifetime() -> list[bool]:
        seen = [channels.mounted.is_set()]
        async with channel_lifespan(channels)(None):
            seen.append(channels.mounted.is_set())
        return [*seen, channels.mounted.is_set()]

    assert run_apart(lifetime()) == [False, True, False]


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        pytest.param("http://127.0.0.1:8501", "127.0.0.1:8501", True, id="same"),
        pytest.param("https://Play.Example", "play.example", True, id="case"),
        pytest.param("http://play.example", "play.example:8501", False, id="port"),
        pytest.param("http://play.example:8080", "play.example", True, id="proxy-drops-port"),
        pytest.param("http://evil.example:8080", "play.example", False, id="proxy-other-host"),
        pytest.param("http://[::1]:8501", "[::1]:8501", True, id="ipv6"),
        pytest.param("http://[::1]:8501", "[::1]:8502", False, id="ipv6-port"),
        pytest.param("javascript://play.example", "play.example", False, id="scheme"),
        pytest.param("http://play.example.evil", "play.example", False, id="suffix"),
    ],
)
def test_same_origin(origin: str, host: str, same: bool) -> None:
    assert same_origin({"origin": origin, "host": host}) is same


def _joined(messages: list[dict], name: str) -> str:
    held = ""
    for message in messages:
        if name in message:
            at, piece = message[name]
            held = held[:at] + piece
    return held


@pytest.mark.parametrize(
    "style",
    [
        pytest.param("field", id="reasoning-field"),
        pytest.param("template", id="reasoning-found-late"),  # text re-split at </think>
    ],
)
def test_the_reasoning_and_the_text_end_as_the_answer_has_them(
    route: tuple[Channels, str], scenario: Callable[..., str], style: str
) -> None:
    channels, base = route
    knobs = {"reasoning": "first I think", "reasoning_style": style}
    url = scenario(tokens=20, tokens_per_second=60, **knobs)
    card, job = start_stream(url)
    channel = channels.issue(job, "session-a")
    assert channel is not None
    text, messages = _read(base, channel)
    answer = card.messages[-1]
    assert answer.reasoning and "first I think" in answer.reasoning
    assert (text, _joined(messages, "reasoning")) == (answer.content, answer.reasoning)


def test_tool_calls_come_as_plain_text(
    route: tuple[Channels, str], scenario: Callable[..., str]
) -> None:
    from tests.fake_tool_calls import FakeCall

    channels, base = route
    call = FakeCall("get_weather", '{"city": "<img src=x onerror=alert(1)>"}')
    card, job = start_stream(scenario(tool_calls=[call], tokens_per_second=60))
    channel = channels.issue(job, "session-a")
    assert channel is not None
    _, messages = _read(base, channel)
    calls = [m["calls"] for m in messages if "calls" in m]
    assert calls[-1] == 'get_weather({"city": "<img src=x onerror=alert(1)>"})'  # as text
    assert card.messages[-1].tool_calls[0].name == "get_weather"


def test_finished_blocks_come_once_as_safe_html_and_the_tail_as_text(
    route: tuple[Channels, str], scenario: Callable[..., str]
) -> None:
    channels, base = route
    card, job = start_stream(scenario(reply=ANSWER, chunk_chars=4, tokens_per_second=40))
    channel = channels.issue(job, "session-a")
    assert channel is not None
    shown, messages = _read(base, channel)
    assert card.messages[-1].content == ANSWER
    sent = [m["blocks"] for m in messages if "blocks" in m]
    assert all(kept == sum(len(b) for _, b in sent[:i]) for i, (kept, _) in enumerate(sent))
    html = [h for _, new in sent for h in new]  # each block's HTML, in the order sent
    finished = BlockSplitter().feed(ANSWER)
    assert len(html) == len(finished) == 6  # heading, paragraph, list, fence, image, HTML
    assert html == [markdown(block) for block in finished]  # once each, the safe render
    assert shown == "".join(html) + "the tail, unfinished"  # the tail: text
    assert "<h1>A heading</h1>" in html[0] and "<li>two</li>" in html[2]
    assert "&lt;script&gt;" in html[5]
    # They came live: the first block before the end (the last may come with the end's
    # message, when the reader's 50 ms look straddles the last chunks on a busy machine).
    assert not next(m for m in messages if "blocks" in m).get("done")
    for message in messages:  # nothing in any message is markup but the blocks' HTML
        assert unsafe("".join(message.get("blocks", [0, []])[1])) == []
        assert "text" not in message
