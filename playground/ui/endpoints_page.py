"""The Endpoints page: every configured endpoint, where it came from, and whether it answers."""

from __future__ import annotations

import streamlit as st

from playground.endpoints.backendai import EndpointPage
from playground.endpoints.discovery import ModelList
from playground.session import commands
from playground.ui.arena.blind_round import hidden_page
from playground.ui.resources import SERVICES
from playground.ui.state import session
from playground.ui.text import label


def render() -> None:
    state = session()
    loaded, catalog = SERVICES.config(), SERVICES.catalog()
    st.markdown("### Endpoints")
    if hidden_page(state, "the endpoints' model lists"):
        return
    if loaded.files:
        st.caption("Config file: " + ", ".join(label(str(f)) for f in loaded.files))
    st.button(
        "Check again",
        icon=":material/refresh:",
        key="endpoints_refresh",
        on_click=commands.refresh_models,
        args=(state,),
    )
    if catalog.problems:
        st.error(
            "**Config problems** (valid entries are still used):\n\n"
            + "\n".join(f"- {label(p)}" for p in catalog.problems),
            icon=":material/warning:",
        )
    _backendai(state.backendai_nonce)
    if not catalog.endpoints:
        st.info("No endpoints are configured. See the Playground page for how to add one.")
        return
    rows = []
    for endpoint in catalog.endpoints:
        if not endpoint.base_url:  # the embedded model before its first use
            listed = ModelList(error="Not started yet: it starts when a card uses it.")
        else:
            listed = SERVICES.models(endpoint, state.models_nonce)
        rows.append(
            {
                "Endpoint": endpoint.name,
                "baseURL": endpoint.base_url,
                "Source": endpoint.source,
                "Token": "set" if endpoint.token else "none",
                "Models": len(listed.models),
                "Answers": "no" if listed.error else "yes",
                "Details": listed.error
                or ", ".join(listed.models[:5]) + (" …" if len(listed.models) > 5 else ""),
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")


def _backendai(nonce: int) -> None:
    """The Backend.AI cluster, when one is configured: reachable, and how many endpoints."""
    cfg = SERVICES.config().backendai
    if cfg is None:
        return
    found = SERVICES.backendai_search("", nonce)
    where = f"{label(str(cfg.manager_url))} with access key {label(str(cfg.access_key))}"
    if not isinstance(found, EndpointPage):
        st.warning(f"**Backend.AI** at {where}: {label(found)}", icon=":material/cloud_off:")
    else:
        st.success(
            f"**Backend.AI** at {where}: {found.total_count} model-service endpoints. "
            "Search them from a card's Endpoint selector.",
            icon=":material/cloud_done:",
        )
