"""Opening the playground from a link (``?card=<endpoint>:<model>&sync=1``) and making one."""

from __future__ import annotations

import streamlit as st

from playground.session import Session
from playground.session.workspaces.links import apply_link as apply_link_to
from playground.session.workspaces.links import note_dropped_secrets, share_query
from playground.ui.resources import SERVICES
from playground.ui.state import session
from playground.ui.text import label
from playground.ui.workspaces.address import scrub_secret_params


def drop_secret_params() -> bool:
    """Clean an address that carries tokens before any page runs (True: it did, wait).

    The address is replaced in the browser's history, never pushed (see
    ``playground.ui.workspaces.address``); the page then reruns on the cleaned address.
    """
    dropped = scrub_secret_params()
    note_dropped_secrets(session(), dropped)
    return bool(dropped)


def apply_link(state: Session) -> None:
    """Read the address's link parameters once a session (token parameters never get
    here: ``drop_secret_params``; any that did would be removed, never read)."""
    if state.link_applied:  # read once a session
        return
    params = st.query_params
    dropped = apply_link_to(state, SERVICES, {k: params.get_all(k) for k in params})
    for key in dropped:
        del params[key]
    max_cards = SERVICES.config().limits.max_cards
    if len(params.get_all("card")) > max_cards:  # later reruns carry only what was opened
        params["card"] = params.get_all("card")[:max_cards]


def notices(state: Session) -> None:
    """Messages about the link (or an import), until dismissed."""
    if not state.notices:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        # Notices quote what a link, a file or a server said: plain text, never markdown.
        st.warning(label("\n".join(state.notices)), icon=":material/link:", width="stretch")
        st.button("Dismiss", key="dismiss_notices", on_click=state.notices.clear)


def share_link(state: Session) -> None:
    """A link that opens these cards (endpoints and models only; never tokens)."""
    query = share_query(state)
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
