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
