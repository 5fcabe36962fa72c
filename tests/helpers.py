"""Helpers shared by the tests: AppTest drivers, config text, test-server names, streams.

Fixtures stay in ``conftest.py``; everything a test imports comes from here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.chat.streaming import StreamJob
from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client
from playground.rendering.safe_markdown import ZERO_WIDTH_SPACE
from playground.session import Session
from playground.ui.card.settings import SETTINGS_OPEN
from playground.ui.state import widget_key
from playground.workspace.types import Card, Message

NO_LOCAL_MODEL = "\n[local_model]\nenabled = false\n"
STREAM_TIMEOUTS = Timeouts(connect=2, read=3)

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_with(**params: str | list[str]) -> AppTest:
    """The app opened with these query parameters (a link)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def state(at: AppTest) -> Session:
    value = at.session_state["playground"]
    assert isinstance(value, Session)
    return value


def cards(at: AppTest) -> list[Card]:
    return state(at).workspace.cards


def key(card: Card, name: str) -> str:
    return widget_key(card.id, name)


def open_settings(at: AppTest, card: Card) -> AppTest:
    """Click the card's Settings button: the page's run draws them in a dialog."""
    return at.button(key=key(card, "settings")).click().run()


def close_settings(at: AppTest) -> AppTest:
    """Close the open Settings dialog, as its "x", Escape or a click beside it does."""
    at.session_state[SETTINGS_OPEN] = None
    return at.run()


def send_to_card(at: AppTest, card: Card, prompt: str) -> None:
    at.chat_input(key=key(card, "input")).set_value(prompt).run()


def sync_off(at: AppTest) -> AppTest:
    """Turn Sync Input off: the first page opens synced with two cards, so a test that
    types into one card's own input says so in its setup."""
    at.toggle(key="sync_input_toggle").set_value(False).run()
    assert not state(at).workspace.sync_input
    return at


def send_synced(at: AppTest, prompt: str) -> None:
    if not state(at).workspace.sync_input:
        at.toggle(key="sync_input_toggle").set_value(True).run()
    at.chat_input(key="sync_prompt").set_value(prompt).run()


def error_texts(at: AppTest) -> list[str]:
    return [shown(e.value) for e in at.error]  # as a person reads them


def assert_cards_drawn(at: AppTest) -> None:
    """No card fell back to its "unexpected problem" box, and no exception."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in error_texts(at) if "unexpected problem" in e]


def scenario_name(base_url: str) -> str:
    return base_url.rstrip("/").split("/")[-2]


def endpoints_toml(**endpoints: str) -> str:
    """``[[endpoints]]`` tables for name=base_url pairs (underscores become spaces)."""
    out = []
    for name, url in endpoints.items():
        out.append(f'[[endpoints]]\nname = "{name.replace("_", " ")}"\nbase_url = "{url}"\n')
    return "\n".join(out)


def wait_for_text(job: StreamJob, chars: int, timeout: float) -> None:
    """Block until ``job`` has streamed at least ``chars`` characters (or timeout)."""
    deadline = time.monotonic() + timeout
    while len(job.snapshot().text) < chars and time.monotonic() < deadline:
        time.sleep(0.02)


def add_turn(card: Card, prompt: str) -> Message:
    """Append a prompt and the empty answer that a StreamJob will fill."""
    card.messages.append(Message(role="user", content=prompt))
    answer = Message(role="assistant", status="streaming")
    card.messages.append(answer)
    return answer


def start_stream(
    url: str, prompt: str = "hello", *, card: Card | None = None, token: str | None = None
):
    card = card or Card()
    answer = add_turn(card, prompt)
    job = StreamJob(
        make_client(url, token, STREAM_TIMEOUTS, max_retries=0),
        model="fake-small",
        history=card.history_for_request(),
        target=answer,
    ).start()
    return card, job


def shown(markdown: str) -> str:
    """The text a person sees for escaped Markdown (``playground.rendering.safe_markdown.plain``):
    escapes read, and the zero-width spaces that keep addresses from linking unseen."""
    text = markdown.replace("\\\n", "\n").replace(ZERO_WIDTH_SPACE, "")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
