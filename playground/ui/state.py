"""The one typed object this app keeps in ``st.session_state``."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st
from pydantic import SecretStr

from playground.backendai import ServiceEndpoint
from playground.chat import Card, Workspace
from playground.store import AutoSaver
from playground.streaming import StreamJob
from playground.ui.resources import fresh_workspace
from playground.urls import without_secrets

_KEY = "playground"


@dataclass
class AppState:
    """Per-browser-session state.

    ``workspace`` is the serialisable part (cards, histories). ``jobs`` are the
    running or last stream of each card.
    """

    workspace: Workspace = field(default_factory=Workspace)
    jobs: dict[str, StreamJob] = field(default_factory=dict)
    models_nonce: int = 0
    # base URLs that reject stream_options
    no_usage: set[str] = field(default_factory=set)
    # cards showing every message, and cards that load images in answers
    full_history: set[str] = field(default_factory=set)
    images_allowed: set[str] = field(default_factory=set)
    # cards made by "Compare with other models" that still invite a model choice
    compare_hint: set[str] = field(default_factory=set)
    # cards set to Custom only because their model list failed, and the model they
    # wanted: they go back to a model when the list loads
    fallback_custom: dict[str, str | None] = field(default_factory=dict)
    saver: AutoSaver | None = None  # saves this workspace (see persistence)
    # bumped when a card's settings change outside its Settings widgets (see card.py)
    settings_generation: dict[str, int] = field(default_factory=dict)
    redraw_page: bool = False  # a card's fragment changed the cards: run the whole page
    link_applied: bool = False  # the URL's ?card=... was read (once a session)
    notices: list[str] = field(default_factory=list)  # about a link or an import
    import_nonce: int = 0  # a new key empties the Import uploader
    import_error: str | None = None
    pending_import: tuple[str, Workspace] | None = None  # checked, awaiting "Replace"
    # Backend.AI: endpoints seen in searches, each card's chosen token (this session only)
    backendai_nonce: int = 0
    backendai_seen: dict[str, ServiceEndpoint] = field(default_factory=dict)
    backendai_tokens: dict[str, SecretStr] = field(default_factory=dict)
    backendai_messages: dict[str, str] = field(default_factory=dict)

    def cancel(self, card_id: str) -> None:
        job = self.jobs.get(card_id)
        if job is not None and not job.done:
            job.cancel()

    def forget(self, card_id: str) -> None:
        """Stop the card's answer, if streaming, and drop its job."""
        self.cancel(card_id)
        self.jobs.pop(card_id, None)

    def cancel_all(self) -> None:
        for card_id in list(self.jobs):
            self.cancel(card_id)


def app_state() -> AppState:
    state = st.session_state.get(_KEY)
    if not isinstance(state, AppState):
        state = AppState(workspace=fresh_workspace())
        st.session_state[_KEY] = state
    return state


def widget_key(card_id: str, name: str) -> str:
    """Widget keys derive from the card's stable id, never from its model."""
    return f"card-{card_id}-{name}"


def custom_token(card_id: str) -> str | None:
    """The token typed into a card's Custom "Token" field, if any."""
    value = st.session_state.get(widget_key(card_id, "token"))
    return (value.strip() or None) if isinstance(value, str) else None


def sync_config_from_widgets(card: Card) -> None:
    """Copy the card's selector and Custom field values into its config.

    Callbacks run before the card is drawn, so a prompt sent in the same
    interaction as an edit (type a Model ID, press Enter in the chat input)
    must read the widgets, not the config the last drawing left behind.
    """
    values = st.session_state
    config = card.config
    if isinstance(endpoint := values.get(widget_key(card.id, "endpoint")), str):
        config.endpoint = endpoint
    if isinstance(model := values.get(widget_key(card.id, "model")), str):
        config.model = model
    if isinstance(base_url := values.get(widget_key(card.id, "base_url")), str):
        config.custom.base_url = without_secrets(base_url)
    if isinstance(model_id := values.get(widget_key(card.id, "model_id")), str):
        config.custom.model_id = model_id


def replace_workspace(state: AppState, workspace: Workspace) -> None:
    """Swap in another workspace: stop every stream, forget the old cards' widgets."""
    state.cancel_all()
    state.jobs.clear()
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("card-")]:
        del st.session_state[key]
    # The page's own widgets take the new workspace's values (the browser keeps a
    # widget's old value unless it is set).
    st.session_state["sync_input_toggle"] = workspace.sync_input
    st.session_state["cards_per_row"] = workspace.cards_per_row
    state.full_history.clear()
    state.images_allowed.clear()
    state.compare_hint.clear()
    state.fallback_custom.clear()
    state.settings_generation.clear()
    state.backendai_tokens.clear()
    state.backendai_messages.clear()
    state.workspace = workspace
