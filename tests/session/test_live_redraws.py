"""What a person sees while an answer streams, delta by delta, from the real ``streamlit run``.

A headless client (``tests.streamlit_client``) speaks the app's websocket
protocol and keeps the page as the browser would; after every delta the test
checks what is on screen. Orderings, not timings: under load the deltas of one
redraw reach the browser apart, so every in-between state is seen by someone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.helpers import start_app, stop_app
from tests.helpers import shown as as_read
from tests.streamlit_client import StreamlitSession, watch_one_card

ANSWER = "[fake-small] turn 1: flicker"


async def _watch_one_answer(url: str, steps: list[list[str]]) -> list[tuple[int, ...]]:
    def on_screen(session: StreamlitSession, prefix: tuple[int, ...]) -> None:
        read = [as_read(t) for t in session.texts_under(prefix)]  # escaped Markdown, as read
        steps.append([t for t in read if t.startswith(ANSWER[:12])])

    return await watch_one_card(url, "flicker", on_screen, then_rerun=True)


@pytest.mark.parametrize(
    "knobs",
    [
        pytest.param({}, id="answer"),
        pytest.param({"reasoning": "first I think"}, id="reasoning-first"),
        pytest.param(
            {"reasoning": "then I think", "reasoning_style": "tags"}, id="reasoning-in-tags"
        ),
        pytest.param(  # read as the answer until "</think>" moves it into the reasoning
            {"reasoning": "then I think", "reasoning_style": "template"},
            id="reasoning-after-text",
        ),
    ],
)
def test_an_answer_never_blanks_or_doubles_on_its_way_to_its_final_form(
    scenario: Callable[..., str],
    tmp_path: Path,
    knobs: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The card's own redraws: the app served without its token channel (as a host that
    # runs the script without the st.App entry); the channel is tests/ui/test_channel_app.py's.
    monkeypatch.setenv("PLAYGROUND_LIVE_CHANNEL", "off")
    url = scenario(tokens=30, tokens_per_second=60, **knobs)
    app = start_app(f'[[endpoints]]\nname = "E"\nbase_url = "{url}"\n', tmp_path)
    steps: list[list[str]] = []
    try:
        # In its own thread: a browser test earlier in the run (Playwright's sync API)
        # leaves an event loop running in this one.
        with ThreadPoolExecutor(1) as pool:
            bad_paths = pool.submit(asyncio.run, _watch_one_answer(app.url, steps)).result()
    finally:
        stop_app(app)
    assert bad_paths == []  # every delta is one the browser accepts
    final = ANSWER + "".join(f" w{i}" for i in range(30))
    shown = [s for s in steps if s]
    assert shown and shown[-1] == [final]  # the final text, once
    first = steps.index(shown[0])
    blanks = [i for i, s in enumerate(steps[first:], start=first) if not s]
    assert blanks == []  # once the answer has appeared, no step shows the card without it
    assert all(len(s) <= 1 for s in steps)  # nor shows it twice
