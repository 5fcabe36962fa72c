"""Tool calls drawn while they stream, from the real ``streamlit run`` (as
``test_live_redraws.py`` watches text): a call's name and the arguments received so far
are on screen before the answer is done, in order with the text before them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.helpers import start_app, stop_app
from tests.fake_tool_calls import FakeCall
from tests.helpers import shown
from tests.streamlit_client import StreamlitSession, watch_one_card

ARGUMENTS = '{"city": "Paris", "unit": "celsius", "note": "<b>x</b>"}'
Screen = list[tuple[str, str]]


@pytest.fixture(autouse=True)
def _card_redraws(monkeypatch: pytest.MonkeyPatch) -> None:
    """These watch the card's own redraws: the app served without its token channel (as
    a host that runs the script without the st.App entry). Tool calls over the channel
    are tests/chat/test_channel.py's."""
    monkeypatch.setenv("PLAYGROUND_LIVE_CHANNEL", "off")


async def _watch(
    url: str, steps: list[Screen], until: Callable[[Screen], bool] | None = None
) -> list[tuple[int, ...]]:
    def on_screen(session: StreamlitSession, prefix: tuple[int, ...]) -> None:
        steps.append([(kind, shown(text)) for kind, text in session.under(prefix)])

    def seen() -> bool:
        return until is not None and any(until(step) for step in steps)

    return await watch_one_card(url, "weather?", on_screen, until=None if until is None else seen)


def test_a_call_streams_into_the_card_after_its_text_before_the_answer_is_done(
    scenario: Callable[..., str], tmp_path: Path
) -> None:
    url = scenario(
        reply="Let me look.",
        tool_calls=[FakeCall("get_weather", ARGUMENTS)],
        tool_piece_chars=3,
        tokens_per_second=12,
    )
    app = start_app(f'[[endpoints]]\nname = "E"\nbase_url = "{url}"\n', tmp_path)
    steps: list[Screen] = []
    try:
        with ThreadPoolExecutor(1) as pool:
            bad_paths = pool.submit(asyncio.run, _watch(app.url, steps)).result()
    finally:
        stop_app(app)
    assert bad_paths == []
    pretty = json.dumps(json.loads(ARGUMENTS), indent=2, ensure_ascii=False)

    def code(step: Screen) -> list[str]:
        return [text for kind, text in step if kind == "code"]

    partial = [s for s in steps if any(ARGUMENTS.startswith(c) and c != ARGUMENTS for c in code(s))]
    assert partial, "no step showed the arguments received so far"
    assert len({tuple(code(s)) for s in partial}) >= 3  # they grew piece by piece
    step = partial[0]
    texts = [text for _, text in step]
    named = [i for i, text in enumerate(texts) if "get_weather" in text]
    said = [i for i, text in enumerate(texts) if "Let me look." in text]
    assert named and said and said[0] < named[0]  # the text came first, so it is drawn first
    assert not any("<b>" in text for kind, text in step if kind == "markdown")  # never HTML
    assert pretty in code(steps[-1])  # the final answer: the call's arguments indented


def test_a_call_stalled_midway_stays_on_screen_with_the_wait_under_it(
    scenario: Callable[..., str], tmp_path: Path
) -> None:
    url = scenario(tool_calls=[FakeCall("get_weather", ARGUMENTS)], stall_after=4)
    app = start_app(f'[[endpoints]]\nname = "E"\nbase_url = "{url}"\n', tmp_path)
    steps: list[Screen] = []

    def waiting(step: Screen) -> bool:
        return any(kind == "caption" and text.startswith("… waiting") for kind, text in step)

    try:
        with ThreadPoolExecutor(1) as pool:
            bad_paths = pool.submit(asyncio.run, _watch(app.url, steps, waiting)).result()
    finally:
        stop_app(app)
    assert bad_paths == []
    seen = [step for step in steps if waiting(step)]
    assert seen, "no heartbeat was drawn"
    step = seen[-1]
    assert any("get_weather" in text for kind, text in step if kind == "markdown")
    [shown_so_far] = [text for kind, text in step if kind == "code"]
    # All 4 pieces of 4 characters sent before the stall: the page following the answer
    # publishes a stalled stream's last pieces (the stream thread waits on the socket).
    assert shown_so_far == ARGUMENTS[:16]
