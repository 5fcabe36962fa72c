"""Helpers for AppTest-driven tests of the whole page."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.chat import Card
from playground.ui.state import AppState, widget_key

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


def state(at: AppTest) -> AppState:
    value = at.session_state["playground"]
    assert isinstance(value, AppState)
    return value


def cards(at: AppTest) -> list[Card]:
    return state(at).workspace.cards


def key(card: Card, name: str) -> str:
    return widget_key(card.id, name)


def send_to_card(at: AppTest, card: Card, prompt: str) -> None:
    at.chat_input(key=key(card, "input")).set_value(prompt).run()


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


def shown(markdown: str) -> str:
    """The text a person sees for escaped Markdown (``playground.safe_markdown.plain``)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown.replace("\\\n", "\n"))
