"""Backend.AI in a card: the endpoint search box, and the endpoint's "Token" selector.

What is decided (options, resolving, generating a token) is in
``playground.session.backendai``; this module reads the widgets and draws.
"""

from __future__ import annotations

import streamlit as st

from playground.config.limits import MAX_SEARCH_CHARS
from playground.endpoints.backendai import EndpointPage
from playground.session import Session, backendai
from playground.ui.resources import SERVICES
from playground.ui.state import widget_key
from playground.ui.text import caption
from playground.workspace.types import Card


def _search(state: Session, card: Card) -> tuple[str, EndpointPage | str]:
    text = st.session_state.get(widget_key(card.id, "bai_search"), "")
    text = text if isinstance(text, str) else ""
    return text, SERVICES.backendai_search(text, state.backendai_nonce)


def endpoint_options(state: Session, card: Card) -> tuple[list[str], dict[str, str]]:
    """Backend.AI endpoints matching the card's search, as (values, labels)."""
    if SERVICES.config().backendai is None:
        return [], {}
    _, found = _search(state, card)
    page = found if isinstance(found, EndpointPage) else None
    return backendai.endpoint_options(state, page, card.config.endpoint)


def search_field(state: Session, card: Card) -> None:
    """The search box under the Endpoint selector, and what the manager said."""
    if SERVICES.config().backendai is None:
        return
    st.text_input(
        "Search Backend.AI endpoints",
        key=widget_key(card.id, "bai_search"),
        placeholder="name contains…",
        max_chars=MAX_SEARCH_CHARS,
        help="Searches the cluster's model-service endpoints by name, on the manager.",
    )
    text, found = _search(state, card)
    if isinstance(found, str):
        caption(f"Backend.AI: {found}", icon=":material/cloud_off:")
    elif not found.items:
        st.caption("No Backend.AI endpoint matches." if text.strip() else "")
    elif found.has_more:
        st.caption(
            f"Showing {len(found.items)} of {found.total_count} Backend.AI endpoints; "
            "type to narrow the search."
        )


def token_selector(state: Session, card: Card) -> None:
    """The card's "Token": one of the endpoint's valid tokens, or a new one."""
    endpoint_id = (card.config.endpoint or "").removeprefix(backendai.PREFIX)
    runtime = state.runtime(card.id)
    found = state.backendai_seen.get(endpoint_id)
    if found is not None and found.open_to_public:
        st.caption(":material/public: Public endpoint: no token needed.")
        runtime.backendai_token = None
        return
    listed = SERVICES.backendai_tokens(endpoint_id, state.backendai_nonce)
    if isinstance(listed, str):
        caption(f"Tokens: {listed}", icon=":material/key_off:")
        listed = []
    by_label = {t.label: t for t in listed}
    key = widget_key(card.id, "bai_token")
    options = list(by_label)
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        if options:
            chosen = runtime.backendai_token
            fresh = next((t.label for t in listed if chosen and t.token == chosen), None)
            if st.session_state.get(key) not in options or runtime.backendai_token_fresh:
                st.session_state[key] = fresh or options[0]  # newest first
                runtime.backendai_token_fresh = False
            label = st.selectbox("Token", options, key=key, width="stretch")
            runtime.backendai_token = by_label[label].token
        else:
            st.caption(":material/key: This endpoint has no valid token yet.")
            runtime.backendai_token = None
        _generate_popover(state, card)


def _generate_popover(state: Session, card: Card) -> None:
    life_key = widget_key(card.id, "bai_life")
    with st.popover(
        "Generate token", icon=":material/key:", key=widget_key(card.id, "bai_generate")
    ):
        st.selectbox("Valid for", list(backendai.LIFETIMES), index=1, key=life_key)
        st.button(
            "Generate",
            key=widget_key(card.id, "bai_generate_go"),
            type="primary",
            on_click=lambda: backendai.generate_token(
                state, SERVICES, card.id, str(st.session_state.get(life_key, "1 day"))
            ),
        )
        if message := state.runtime(card.id).backendai_message:
            icon, _, said = message.partition(" ")
            caption(said, icon=icon)  # the app's icon, then what the manager said
