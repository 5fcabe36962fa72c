"""Prompts sent to several cards at once are each taken, against the real ``streamlit run``.

A person (or a team's dashboard under load) sends a card its prompt while the
page run started by the previous card's prompt is still beginning. Each prompt
must reach its card: none may be dropped because another interaction came in
while its callback was about to run or running (issue 14: "nothing lost").

The headless client (``tests.streamlit_client``) sends each prompt as the
browser does, a ``rerun_script`` carrying that chat input's trigger value.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.browser.helpers import start_app, stop_app
from tests.helpers import shown as as_read
from tests.streamlit_client import StreamlitSession

CARDS = 4
ROUNDS = 6


async def _send_rounds(url: str) -> list[str]:
    """Each round sends every card its own word back to back; returns the words never drawn."""
    port = url.rsplit(":", 1)[1]
    session = StreamlitSession(f"ws://127.0.0.1:{port}/_stcore/stream")
    await session.connect()
    receiving = asyncio.create_task(session.receive())
    lost: list[str] = []
    try:
        await session.rerun("&".join(["card=E:fake-small"] * CARDS))
        await asyncio.wait_for(session.finished.wait(), 60)
        card_ids = list(session.inputs)
        assert len(card_ids) == CARDS
        for round_no in range(ROUNDS):
            words = {card_id: f"r{round_no}c{i}" for i, card_id in enumerate(card_ids)}
            for card_id, word in words.items():
                await session.send_prompt(card_id, word)
            deadline = time.monotonic() + 30
            waiting = dict(words)
            while waiting and time.monotonic() < deadline:
                for card_id, word in list(waiting.items()):
                    final = f"[fake-small] turn {round_no + 1}: {word}" + "".join(
                        f" w{i}" for i in range(5)
                    )
                    if any(as_read(d.text) == final for d in session.cards[card_id].drawn):
                        del waiting[card_id]
                await asyncio.sleep(0.05)
            lost.extend(waiting.values())
            if waiting:
                break  # the turn numbers of the next round would no longer line up
        return lost
    finally:
        await session.close()
        receiving.cancel()


def test_prompts_sent_to_every_card_at_once_each_reach_their_card(
    scenario: Callable[..., str], tmp_path: Path
) -> None:
    url = scenario(tokens=5, tokens_per_second=50)
    app = start_app(f'[[endpoints]]\nname = "E"\nbase_url = "{url}"\n', tmp_path)
    try:
        # In its own thread: a browser test earlier in the run (Playwright's sync API)
        # leaves an event loop running in this one.
        with ThreadPoolExecutor(1) as pool:
            lost = pool.submit(asyncio.run, _send_rounds(app.url)).result()
    finally:
        stop_app(app)
    assert lost == []


def test_the_interaction_guard_patches_this_streamlit_once() -> None:
    from streamlit.runtime.state.safe_session_state import SafeSessionState

    from playground.ui import streamlit_races

    assert streamlit_races.install() is True  # this Streamlit still has what it patches
    patched = SafeSessionState.on_script_will_rerun
    assert streamlit_races.install() is True
    assert SafeSessionState.on_script_will_rerun is patched  # not wrapped twice


def test_a_callback_waiting_for_a_cached_value_is_not_cut_short() -> None:
    """A prompt's callback that waits for a value another session is computing
    (``st.cache_resource``'s compute lock: the first prompts of a fresh app process
    all ask for the endpoint's client) is not stopped there by a newer interaction.

    Streamlit 1.67 checks for a newer request while it waits for that lock
    (``caching/cache_utils.py: _hold_compute_lock``); cut there, the callback had
    appended the prompt but not its answer (``load.py --processes 2``: a card
    showing its prompt and no answer, ever). ``callback_step`` stands for
    Streamlit's own step that runs the callbacks, which the guard wraps.
    """
    import streamlit as st
    from streamlit.runtime.fragment import MemoryFragmentStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        ScriptRunContext,
        add_script_run_ctx,
    )
    from streamlit.runtime.state import SafeSessionState, SessionState

    from playground.ui import streamlit_races

    computing, done = threading.Event(), threading.Event()

    @st.cache_resource(show_spinner=False)
    def endpoint_client(url: str) -> str:
        computing.set()
        done.wait(10)
        return f"client for {url}"

    def newer_interaction() -> None:  # what Streamlit's check raises when one is queued
        raise RerunException(RerunData())

    results: list[object] = []

    def prompt_run() -> None:
        safe = SafeSessionState(SessionState(), newer_interaction)
        ctx = ScriptRunContext(
            session_id="s",
            _enqueue=lambda msg: None,
            query_string="",
            session_state=safe,
            uploaded_file_mgr=MemoryUploadedFileManager("/upload"),
            main_script_path="streamlit_app.py",
            user_info={},
            fragment_storage=MemoryFragmentStorage(),
            pages_manager=PagesManager("streamlit_app.py"),
            yield_check=newer_interaction,
        )
        add_script_run_ctx(threading.current_thread(), ctx)

        def callback_step(self: SafeSessionState, *args: object) -> None:
            threading.Timer(0.3, done.set).start()  # the other session's value arrives
            results.append(endpoint_client("http://127.0.0.1:1/v1"))

        try:
            streamlit_races._whole(callback_step)(safe, None)
        except RerunException:
            results.append("cut short")
        results.append(ctx.yield_check is newer_interaction)  # checked again afterwards

    other_session = threading.Thread(target=endpoint_client, args=("http://127.0.0.1:1/v1",))
    other_session.start()
    assert computing.wait(10)
    run = threading.Thread(target=prompt_run)
    run.start()
    run.join(20)
    other_session.join(20)
    assert results == ["client for http://127.0.0.1:1/v1", True]
