"""A card's next answer over the token channel: an id issued before the answer starts.

The page draws, under each card that is not streaming, a reader holding an id for the
card's next answer (``Channels.issue_next``), so the text reaches the browser as soon
as the answer starts, not once a page run has drawn the card again. Real HTTP on
127.0.0.1: the route served by uvicorn, answers from the fake OpenAI server, sent by
the session layer (``commands.send``) as a prompt from the page is.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

from playground.chat.channel_route import channel_path
from playground.chat.channels import WAITING, Channels
from playground.session import Session, commands
from tests.chat.test_channel import run_apart
from tests.session.test_commands import finish, on, services
from tests.streamlit_client import follow_channel

Scenario = Callable[..., str]


async def _ask_while_reading(
    base: str, channel: str, ask: Callable[[], None], wait: float = 0.3
) -> tuple[str, list[dict], float]:
    """Connect a reader to ``channel``, then (``wait`` s later) ``ask``: what it showed,
    its messages, and the seconds from the ask to the first text it brought."""
    firsts: list[float] = []

    def seen(message: dict[str, object]) -> None:
        if not firsts and (message.get("tail") or message.get("blocks")):
            firsts.append(time.monotonic())

    reading = asyncio.create_task(follow_channel(base, channel_path() + channel, on_message=seen))
    await asyncio.sleep(wait)
    assert not reading.done()  # held open, waiting for the answer
    asked = time.monotonic()
    await asyncio.to_thread(ask)
    shown, messages = await asyncio.wait_for(reading, 30)
    return shown, messages, (firsts[0] - asked) if firsts else float("inf")


def test_an_id_issued_before_the_answer_streams_it_from_its_start(
    route: tuple[Channels, str], scenario: Scenario
) -> None:
    channels, base = route
    svc = services(A=scenario(tokens=30, tokens_per_second=100))
    session = on(svc)
    card = session.workspace.cards[0]
    channel = channels.issue_next("session-a", card.id, session)
    assert channels.issue_next("session-a", card.id, session) == channel  # until it starts
    assert channels.bind(channel) == WAITING
    ask = lambda: commands.send(session, svc, [card.id], "Hello")  # noqa: E731
    shown, messages, first = run_apart(_ask_while_reading(base, channel, ask))
    finish(session)
    answer = card.messages[-1]
    assert answer.status == "done" and shown == answer.content and len(answer.content) > 30
    assert messages[0] == {"started": True} and messages[-1].get("done")
    assert first < 1.0  # the first text came with the answer, not with a page run
    # Bound, it was that answer's id for that session; ended, it names nothing.
    assert channels.bind(channel) is None and channels.issue_next("session-a", card.id, session)
    assert channels.issue_next("session-a", card.id, session) != channel


def test_a_next_id_waits_for_its_own_card_and_session_only(
    route: tuple[Channels, str], scenario: Scenario
) -> None:
    channels, base = route
    svc = services(A=scenario(tokens=20, tokens_per_second=100))
    session, other = on(svc), on(svc)
    first, second = session.workspace.cards[:2]
    mine = channels.issue_next("session-a", first.id, session)
    theirs = channels.issue_next("session-b", first.id, other)  # another session's card
    assert len({mine, theirs, channels.issue_next("session-a", second.id, session)}) == 3

    def ask() -> None:
        commands.send(session, svc, [second.id], "to the second card")
        commands.send(other, svc, [other.workspace.cards[0].id], "in another session")
        finish(session)
        finish(other)
        assert channels.bind(mine) == WAITING  # neither answer is this card's
        commands.send(session, svc, [first.id], "to the first card")

    shown, _, _ = run_apart(_ask_while_reading(base, mine, ask))
    finish(session)
    assert shown == first.messages[-1].content
    assert "to the first card" in shown and "second card" not in shown
    assert channels.bind(theirs) == WAITING  # the other session's id still waits


def test_a_next_id_refuses_what_any_id_refuses(
    route: tuple[Channels, str], scenario: Scenario
) -> None:
    from tests.chat.test_channel import _refused

    channels, base = route
    session = on(services(A=scenario()))
    channel = channels.issue_next("session-a", session.workspace.cards[0].id, session)
    assert _refused(base, channel, origin="http://evil.example") == 403
    assert _refused(base, channel, origin=None) == 403
    assert _refused(base, channel[:-1] + ("A" if channel[-1] != "A" else "B")) == 403


def test_a_session_that_has_gone_takes_its_pending_ids(route: tuple[Channels, str]) -> None:
    from tests.chat.test_channel import _refused

    channels, base = route
    session = Session()
    channel = channels.issue_next("session-a", session.workspace.cards[0].id, session)
    assert channels.pending_count() == 1
    del session
    gc.collect()
    assert channels.pending_count() == 0 and channels.bind(channel) is None
    assert _refused(base, channel) == 403


def test_a_held_reader_ends_when_its_session_goes(route: tuple[Channels, str]) -> None:
    channels, base = route
    session = Session()
    channel = channels.issue_next("session-a", session.workspace.cards[0].id, session)

    async def read_then_drop() -> tuple[str, list[dict]]:
        reading = asyncio.create_task(follow_channel(base, channel_path() + channel))
        await asyncio.sleep(0.3)
        assert not reading.done()
        nonlocal session
        del session
        gc.collect()
        return await asyncio.wait_for(reading, 10)

    assert run_apart(read_then_drop()) == ("", [])  # closed, having sent nothing
