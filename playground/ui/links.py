"""Opening the playground from a link (``?card=<endpoint>:<model>&sync=1``) and making one."""

from __future__ import annotations

import streamlit as st

from playground.chat import Card, CardConfig, Workspace
from playground.deeplinks import is_true, link_query, parse_card
from playground.ui import backendai
from playground.ui.address import scrub_secret_params
from playground.ui.resources import load_settings, models_of
from playground.ui.state import AppState, app_state
from playground.ui.text import label


def drop_secret_params() -> bool:
    """Clean an address that carries tokens before any page runs (True: it did, wait).

    The address is replaced in the browser's history, never pushed (see
    ``playground.ui.address``); the page then reruns on the cleaned address.
    """
    dropped = scrub_secret_params()
    if dropped:
        app_state().notices.append(
            "Links never carry tokens: the link's "
            + ", ".join(f"'{k[:40]}'" for k in dropped)
            + " parameter was ignored and removed from the address."
        )
    return bool(dropped)


def apply_link(state: AppState) -> None:
    """Build the workspace from the URL's ``card`` and ``sync`` parameters, once a session.

    Unknown endpoints or models get a notice and fall back to the defaults.
    Parameters that look like tokens never get here (``drop_secret_params``).
    """
    if state.link_applied:
        return
    state.link_applied = True
    params = st.query_params
    values = params.get_all("card")
    sync = params.get("sync")
    if not values and sync is None:
        return
    loaded, catalog = load_settings()
    names = catalog.names
    cards: list[Card] = []
    for value in values[: loaded.limits.max_cards]:
        link = parse_card(value, names)
        endpoint = catalog.get(link.endpoint)
        if endpoint is None and (remote := backendai.find_by_name(state, link.endpoint)):
            endpoint = remote  # a Backend.AI endpoint, by its name
        if endpoint is None:
            state.notices.append(
                f"The link's endpoint '{link.endpoint[:80]}' is not configured here; "
                "the card uses the default endpoint instead."
            )
            cards.append(Card(config=CardConfig(endpoint=names[0] if names else None)))
            continue
        model = link.model
        if model is not None and endpoint.base_url:
            listed = models_of(endpoint, loaded.timeouts, state.models_nonce)
            if not listed.error and model not in listed.models:
                state.notices.append(
                    f"'{endpoint.label}' does not offer the link's model '{model[:80]}'; "
                    "the card uses its first model instead."
                )
                model = None
        cards.append(Card(config=CardConfig(endpoint=endpoint.name, model=model)))
    if len(values) > loaded.limits.max_cards:
        state.notices.append(
            f"The link asks for {len(values)} cards; this playground opens at most "
            f"{loaded.limits.max_cards}."
        )
    workspace = Workspace(cards=cards) if cards else Workspace()
    workspace.sync_input = is_true(sync)
    state.workspace = workspace


def notices(state: AppState) -> None:
    """Messages about the link (or an import), until dismissed."""
    if not state.notices:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        # Notices quote what a link, a file or a server said: plain text, never markdown.
        st.warning(label("\n".join(state.notices)), icon=":material/link:", width="stretch")
        st.button("Dismiss", key="dismiss_notices", on_click=state.notices.clear)


def share_link(state: AppState) -> None:
    """A link that opens these cards (endpoints and models only; never tokens)."""
    names = {backendai.PREFIX + k: v.name for k, v in state.backendai_seen.items()}
    query = link_query(state.workspace.cards, state.workspace.sync_input, names)
    with st.popover("Link to these cards", icon=":material/link:", width="stretch"):
        if not query:
            st.caption(
                "Choose an endpoint and a model in a card first (Custom cards are left out)."
            )
            return
        base = st.context.url or ""
        st.code(f"{base.rstrip('/')}/?{query}", language=None, wrap_lines=True)
        st.caption(
            "Opens the same endpoints and models (not the chat history). Custom cards and "
            "tokens are never put in a link."
        )
