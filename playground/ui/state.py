"""The one ``Session`` this app keeps in ``st.session_state``, and its widgets' keys.

A card's widgets are keyed by the card's stable id (never its model). What the
widgets hold reaches the card's config in one place: ``pull`` reads them and
hands them to ``commands.set_card_fields``. ``act`` runs a command from a
button's callback after that pull, so a prompt sent in the same interaction as
an edit (type a Model ID, press Enter in the chat input) uses the edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from playground.session import Session
from playground.session.commands import CardFields, set_card_fields
from playground.session.workspaces.saving import opening_workspace
from playground.ui.resources import SERVICES
from playground.workspace.types import Card

_KEY = "playground"
_EPOCH = "playground-epoch"  # the session epoch the page's widgets were made for
SYNC_TOGGLE = "sync_input_toggle"
MOCK_TOGGLE = "mock_answers_toggle"  # Answer tool calls with mock results (Session.mock_answers)
CARDS_PER_ROW = "cards_per_row"
CARD_HEIGHT = "card_height"  # px of a card's history before it scrolls; 0: as tall as it is
CARD_HEIGHTS = (0, 360, 480, 640, 800)
DEFAULT_CARD_HEIGHT = 480


def session() -> Session:
    value = st.session_state.get(_KEY)
    if not isinstance(value, Session):
        value = Session(workspace=opening_workspace(SERVICES))
        st.session_state[_KEY] = value
    return value


def widget_key(card_id: str, name: str) -> str:
    """Widget keys derive from the card's stable id, never from its model."""
    return f"card-{card_id}-{name}"


def _text(name: str) -> str | None:
    value = st.session_state.get(name)
    return value if isinstance(value, str) else None


def pull(state: Session, card: Card) -> None:
    """Hand what the card's selectors and Custom fields hold to its config."""
    fields = CardFields(
        endpoint=_text(widget_key(card.id, "endpoint")),
        model=_text(widget_key(card.id, "model")),
        base_url=_text(widget_key(card.id, "base_url")),
        model_id=_text(widget_key(card.id, "model_id")),
        token=_text(widget_key(card.id, "token")),
    )
    set_card_fields(state, card.id, fields)


def act(command: Callable[..., Any], *args: Any) -> None:
    """A callback: take in every card's fields, then run ``command(*args)``."""
    state = session()
    for card in state.workspace.cards:
        pull(state, card)
    command(*args)


def follow_workspace(state: Session) -> None:
    """After the workspace was replaced: forget the old cards' widgets, and set the
    page's own widgets to the new workspace (the browser keeps a widget's old value
    unless it is set)."""
    if st.session_state.get(_EPOCH) == state.epoch:
        return
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("card-")]:
        del st.session_state[key]
    st.session_state[SYNC_TOGGLE] = state.workspace.sync_input
    st.session_state[CARDS_PER_ROW] = state.workspace.cards_per_row
    st.session_state[_EPOCH] = state.epoch
