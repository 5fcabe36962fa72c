"""Under a card whose last answer called tools: a **Tool result** per open call and
**Send result** (``tool_rounds.send_results``).

Drawn by the page under the card (``card_controls``), as the card's input is: a click
there interrupts the page run at once, and the next run follows the new answer and
offers Stop. The text areas are keyed by the answer's id and the call's position (a
call's id came from a server), so what was typed stays when a send is refused; the
refusal is kept on the card's runtime and shown above the button. What is typed is kept
on its call too (``keep_draft``), so a reload finds it.
"""

from __future__ import annotations

import streamlit as st

from playground.config.limits import MAX_TOOL_RESULT_CHARS
from playground.session import Session
from playground.session.tool_rounds import keep_draft, open_calls, send_results
from playground.ui import text as safe_text
from playground.ui.arena import blind_round as arena_ui
from playground.ui.resources import SERVICES
from playground.ui.state import act, widget_key
from playground.workspace.types import Card


def result_key(card: Card, position: int) -> str:
    """The key of the Tool result text area of the last answer's call at ``position``."""
    message = card.messages[-1]
    return widget_key(card.id, f"result-{message.id}-{position}")


def tool_results_form(state: Session, card: Card) -> None:
    """A Tool result text area per open call and one Send result button (nothing when
    the last answer has no open call)."""
    calls = {call.id for call in open_calls(card)}
    if not calls:
        return
    keys: dict[str, str] = {}
    hide = arena_ui.card_shows(state, card.id).hide  # a call's name may name its model
    for position, call in enumerate(card.messages[-1].tool_calls):
        if call.id not in calls:
            continue
        keys[call.id] = key = result_key(card, position)
        if key not in st.session_state:  # what was typed before a reload
            st.session_state[key] = call.draft
        st.text_area(
            "Tool result: " + safe_text.label(hide(call.name)),
            key=key,
            height=68,
            max_chars=MAX_TOOL_RESULT_CHARS,
            placeholder="What the tool returned (text or JSON)",
            on_change=act,
            args=(_keep, state, card.id, call.id, key),
        )
    message = state.runtime(card.id).results_message
    if message:
        safe_text.error(hide(message), icon=":material/error:")  # it may quote a call's id
    st.button(
        "Send result" if len(keys) == 1 else "Send results",
        key=widget_key(card.id, "send_results"),
        icon=":material/send:",
        type="primary",
        on_click=act,
        args=(_send, state, card.id, keys),
        help="Send what is typed back to the model as the tools' results (an empty one "
        "is not sent); the model then answers in this card.",
    )


def _keep(state: Session, card_id: str, call_id: str, key: str) -> None:
    keep_draft(state, card_id, call_id, str(st.session_state.get(key) or ""))


def _send(state: Session, card_id: str, keys: dict[str, str]) -> None:
    typed = {call_id: st.session_state.get(key) or "" for call_id, key in keys.items()}
    results = {call_id: str(text) for call_id, text in typed.items() if text}
    state.runtime(card_id).results_message = send_results(state, SERVICES, card_id, results)
