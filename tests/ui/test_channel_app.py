"""The token channel in the real app (``streamlit run``, which serves its ``st.App``):
a card's text streams over its channel while its run draws nothing per token; a
reload mid-answer follows it through a new id; Stop ends the channel's stream.
The fallback (no route served: AppTest) streams through fragment redraws."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from playground.ui.card.live_channel import CHANNELS
from tests.browser.helpers import RunningApp, start_app, stop_app
from tests.helpers import cards, new_app, send_to_card, shown, state, sync_off
from tests.streamlit_client import StreamlitSession, follow_channel

T = TypeVar("T")


def _run(coro: Callable[[], Awaitable[T]]) -> T:
    # In its own thread: a browser test earlier in the run leaves a loop in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro()).result()  # type: ignore[arg-type]


@pytest.fixture
def app(scenario: Callable[..., str], tmp_path: Path) -> Iterator[tuple[RunningApp, str]]:
    url = scenario(tokens=150, tokens_per_second=50)
    running = start_app(f'[[endpoints]]\nname = "E"\nbase_url = "{url}"\n', tmp_path)
    yield running, url
    stop_app(running)


async def _open(
    app: RunningApp, query: str, wait: bool = True
) -> tuple[StreamlitSession, asyncio.Task[None]]:
    """A new session (a tab) opened at ``query``; ``wait``: until its first run ends (a
    run that follows a streaming answer ends with the answer)."""
    port = app.url.rsplit(":", 1)[1]
    session = StreamlitSession(f"ws://127.0.0.1:{port}/_stcore/stream")
    await session.connect()
    receiving = asyncio.create_task(session.receive())
    await session.rerun(query)
    if wait:
        await asyncio.wait_for(session.finished.wait(), 60)
    return session, receiving


async def _channel(session: StreamlitSession, card_id: str) -> str:
    deadline = time.monotonic() + 30
    while card_id not in session.channels and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return session.channels[card_id][-1]


def test_the_text_streams_over_the_channel_and_the_run_draws_no_token(
    app: tuple[RunningApp, str],
) -> None:
    running, _ = app

    async def journey() -> tuple[str, list[str], int, int, int]:
        session, receiving = await _open(running, "card=E:fake-small")
        (card_id,) = session.inputs
        await session.send_prompt(card_id, "over the channel")
        path = await _channel(session, card_id)
        runs_before = session.runs
        drawn: list[int] = []  # answer texts the card had drawn, at each message but the last

        def answer_texts(message: dict[str, object]) -> None:
            if not message.get("done"):  # (the page may draw the prompt after the text began)
                said = [d for d in session.cards[card_id].drawn if "turn 1:" in d.text]
                drawn.append(len(said))

        text, messages = await follow_channel(running.url, path, on_message=answer_texts)
        drawn_while = drawn[-1] - drawn[0]
        await asyncio.wait_for(session.finished.wait(), 60)
        final = [shown(d.text) for d in session.cards[card_id].drawn][-4:]
        await session.close()
        receiving.cancel()
        return text, final, len(messages), drawn_while, session.runs - runs_before

    text, final, messages, drawn_while, runs = _run(journey)
    assert text.startswith("[fake-small] turn 1: over the channel") and text.endswith(" w149")
    assert messages > 20  # it grew over about 3 s
    assert drawn_while == 0  # the card drew no text while the answer streamed
    assert any(text in d for d in final)  # then the page drew the final answer
    assert runs <= 1  # one run: the one the prompt started, ended with the answer


def test_a_reload_mid_answer_follows_it_through_a_new_id(app: tuple[RunningApp, str]) -> None:
    running, _ = app

    async def journey() -> tuple[str, str, str, str]:
        first, receiving = await _open(running, "card=E:fake-small")
        (card_id,) = first.inputs
        await first.send_prompt(card_id, "reloaded")
        path = await _channel(first, card_id)
        await asyncio.sleep(0.8)  # mid-answer
        assert "ws=" in first.query
        await first.close()  # the tab is reloaded: a new session opens the workspace
        receiving.cancel()
        second, receiving = await _open(running, first.query, wait=False)
        second_path = await _channel(second, card_id)
        text, _ = await follow_channel(running.url, second_path)
        await second.close()
        receiving.cancel()
        return path, second_path, text, first.query

    path, second_path, text, _ = _run(journey)
    assert second_path != path  # its own id
    assert text.startswith("[fake-small] turn 1: reloaded") and text.endswith(" w149")


def test_many_tabs_of_one_workspace_each_follow_the_answer(
    app: tuple[RunningApp, str],
) -> None:
    running, _ = app

    async def journey() -> tuple[list[str], list[str], str]:
        first, receiving = await _open(running, "card=E:fake-small")
        (card_id,) = first.inputs
        await first.send_prompt(card_id, "many tabs")
        paths = [await _channel(first, card_id)]
        await asyncio.sleep(0.5)
        tabs = [await _open(running, first.query, wait=False) for _ in range(2)]
        paths += [await _channel(tab, card_id) for tab, _ in tabs]
        read = await asyncio.gather(*(follow_channel(running.url, p) for p in paths))
        await asyncio.wait_for(first.finished.wait(), 30)
        final = [shown(d.text) for d in first.cards[card_id].drawn]
        for tab, task in [(first, receiving), *tabs]:
            await tab.close()
            task.cancel()
        return paths, [text for text, _ in read], final[-4:]

    paths, texts, final = _run(journey)
    assert len(set(paths)) == 3  # each tab its own id
    assert texts[0].endswith(" w149") and texts == [texts[0]] * 3  # each the whole answer
    assert any(d.startswith(texts[0]) for d in final)


def test_stop_ends_the_channels_stream_at_once(app: tuple[RunningApp, str]) -> None:
    running, _ = app

    async def journey() -> tuple[str, float, list[str]]:
        session, receiving = await _open(running, "card=E:fake-small")
        (card_id,) = session.inputs
        await session.send_prompt(card_id, "stopped")
        path = await _channel(session, card_id)
        reading = asyncio.create_task(follow_channel(running.url, path))
        await asyncio.sleep(0.8)
        pressed, before = time.monotonic(), len(session.cards[card_id].drawn)
        await session.press(session.stops[card_id])
        text, _ = await asyncio.wait_for(reading, 10)
        took = time.monotonic() - pressed
        await asyncio.wait_for(session.finished.wait(), 30)
        drawn = [shown(d.text) for d in session.cards[card_id].drawn[before:]]
        await session.close()
        receiving.cancel()
        return text, took, drawn

    text, took, drawn = _run(journey)
    assert text.startswith("[fake-small] turn 1: stopped") and not text.endswith(" w149")
    assert took < 2.0  # not when the server would have ended (3 s)
    assert any(d.startswith(text) for d in drawn)  # then the page drew the partial text


def test_without_the_route_a_card_streams_through_fragment_redraws(
    scenario: Callable[..., str], write_config: Callable[..., Path]
) -> None:
    write_config(f'[[endpoints]]\nname = "E"\nbase_url = "{scenario(tokens=30)}"\n')
    assert not CHANNELS.mounted.is_set()  # AppTest runs the script without the st.App
    at = sync_off(new_app())
    card = cards(at)[0]
    send_to_card(at, card, "no route")
    answer = state(at).workspace.cards[0].messages[-1]
    assert answer.status == "done" and answer.content.endswith(" w29")
    assert any(shown(m.value).startswith(answer.content) for m in at.markdown)  # by the page
    components = [e.proto.component_name for e in at.get("bidi_component")]
    assert components and "pg_live_answer" not in components  # no live-answer component


def test_served_without_the_route_a_card_redraws_as_it_streams(
    scenario: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYGROUND_LIVE_CHANNEL", "off")  # as a host without the st.App entry
    url = scenario(tokens=60, tokens_per_second=50)
    running = start_app(f'[[endpoints]]\nname = "E"\nbase_url = "{url}"\n', tmp_path)

    async def journey() -> tuple[dict[str, list[str]], list[str]]:
        session, receiving = await _open(running, "card=E:fake-small")
        (card_id,) = session.inputs
        before = len(session.cards[card_id].drawn)
        await session.send_prompt(card_id, "redrawn")
        await asyncio.wait_for(session.finished.wait(), 60)
        drawn = [shown(d.text) for d in session.cards[card_id].drawn[before:]]
        await session.close()
        receiving.cancel()
        return session.channels, drawn

    try:
        channels, drawn = _run(journey)
    finally:
        stop_app(running)
    assert channels == {}  # no live-answer component
    growing = [d for d in drawn if d.startswith("[fake-small] turn 1: redrawn w")]
    assert len(growing) > 5  # the card redrew the answer as it grew


def test_a_card_following_through_the_channel_imports_no_dataframe_library(
    scenario: Callable[..., str], tmp_path: Path
) -> None:
    """The live-answer component's data goes as bytes: a dict's values would be searched
    for dataframes, importing pandas (see test_layering). AppTest with the route marked
    served takes the channel path: the component is mounted, the run waits for the end."""
    import os
    import subprocess
    import sys

    config = tmp_path / "playground.toml"
    config.write_text(
        f'[[endpoints]]\nname = "E"\nbase_url = "{scenario(tokens=20, tokens_per_second=40)}"\n'
        f'[local_model]\nenabled = false\n[store]\ndata_dir = "{tmp_path / "data"}"\n',
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from playground.ui.card import live_answer, live_channel\n"
        "live_channel.CHANNELS.mounted.set()\n"
        "mounted = []\n"
        "def counted(channel, key, mount=live_answer.live_answer):\n"
        "    mounted.append(channel)\n"
        "    mount(channel, key)\n"
        "live_answer.live_answer = counted\n"
        "at = AppTest.from_file('streamlit_app.py', default_timeout=120)\n"
        "at.run()\n"
        "at.toggle(key='sync_input_toggle').set_value(False).run()  # one card's own input\n"
        "card = at.session_state['playground'].workspace.cards[0]\n"
        "at.chat_input(key=f'card-{card.id}-input').set_value('hi').run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "assert len(mounted) == 1 and len(mounted[0]) >= 32, mounted\n"
        "print(card.messages[-1].content[-4:])\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules))"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PLAYGROUND_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.splitlines()
    assert printed[-2:] == [" w19", "[]"]


def _draw_readers(keyed: bool) -> None:
    from playground.ui.card.live_channel import live_answer, next_reader_key

    for channel in ("a__b" + "x" * 28, "__" * 16, "-_" * 16):  # ids may hold "__"
        live_answer(channel, next_reader_key("c1", channel) if keyed else channel[:8], True)


def test_a_next_readers_key_is_one_streamlit_takes_whatever_the_id() -> None:
    """Streamlit refuses "__" in a component's key; a channel id (base64url) may hold it
    (CI drew a card with "This card hit an unexpected problem" once in a while)."""
    import re

    from streamlit.testing.v1 import AppTest

    from playground.ui.card.live_channel import next_reader_key

    keys = [next_reader_key("c1", c) for c in ("a__b", "__" * 16, "-_" * 16)]
    assert all(re.fullmatch(r"next-c1-[0-9a-f]{12}", k) for k in keys) and len(set(keys)) == 3
    assert not AppTest.from_function(_draw_readers, args=(True,)).run().exception
    refused = AppTest.from_function(_draw_readers, args=(False,)).run().exception
    assert refused  # the id itself as the key is refused (the message is redacted here)
