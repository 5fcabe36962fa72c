"""A card's Endpoint and Model selectors and its Custom fields (baseURL, Model ID, Token, API)."""

from __future__ import annotations

import time

import streamlit as st

from playground.chat.apis import API_NAMES
from playground.config.limits import MAX_BASE_URL_CHARS, MAX_MODEL_ID_CHARS, MAX_TOKEN_CHARS
from playground.endpoints.catalog import EndpointCatalog
from playground.endpoints.targets import CUSTOM_REFUSED, check_host, uses_config_token
from playground.endpoints.urls import normalize_base_url
from playground.errors import HostRefused, InvalidBaseURL
from playground.session import Session, backendai, commands
from playground.session.commands import CardFields
from playground.session.decisions import (
    custom_base_url,
    default_endpoint,
    land_endpoint,
    land_model,
    model_options,
)
from playground.ui.card import backendai as backendai_ui
from playground.ui.resources import SERVICES, embedded_server
from playground.ui.state import widget_key
from playground.ui.text import caption, error
from playground.workspace.types import Card


def endpoint_selector(state: Session, card: Card, catalog: EndpointCatalog) -> None:
    """Configured endpoints, then Backend.AI ones matching the card's search."""
    remote, labels = backendai_ui.endpoint_options(state, card)
    options = catalog.names + remote
    if not options:
        card.config.endpoint = None
        backendai_ui.search_field(state, card)
        return
    key = widget_key(card.id, "endpoint")
    current = st.session_state.get(key)
    landed = land_endpoint(
        options,
        current,
        card.config.endpoint,
        default_endpoint(catalog, remote, state.backendai_seen),
    )
    if landed != current:
        st.session_state[key] = landed
    chosen = st.selectbox(
        "Endpoint",
        options,
        key=key,
        format_func=lambda value: labels.get(value, value),
        on_change=lambda: commands.choose_endpoint(
            state, SERVICES, card.id, str(st.session_state.get(key))
        ),
        help="Type to search the listed endpoints."
        + (" Search Backend.AI below for more." if remote else ""),
    )
    commands.set_card_fields(state, card.id, CardFields(endpoint=chosen))
    backendai_ui.search_field(state, card)


def _start_local_model(catalog: EndpointCatalog, name: str | None) -> EndpointCatalog:
    """Start the embedded model on first use, showing progress in the card.

    Returns the catalog again once the model is ready (it then has its URL).
    """
    endpoint = catalog.get(name)
    if endpoint is None or not endpoint.embedded or endpoint.base_url:
        return catalog
    server = embedded_server(SERVICES.config(), endpoint.name)
    if server is None:
        return catalog
    status = server.ensure_started()
    if status.busy:
        box = st.empty()
        started = time.monotonic()
        while status.busy:
            box.info(
                f":material/hourglass_top: Starting the local model: {status.detail} "
                f"({time.monotonic() - started:.0f} s)"
            )
            status = server.wait(0.5, status)
        box.empty()
    if not status.ready:
        error(f"The local model could not start. {status.detail}", icon=":material/error:")
        return catalog
    return SERVICES.catalog()


def model_selector(state: Session, card: Card, catalog: EndpointCatalog) -> None:
    catalog = _start_local_model(catalog, card.config.endpoint)
    problem = None
    if backendai.is_backendai(card.config.endpoint):
        remote, problem = backendai.resolve(state, SERVICES, card)
        if remote is not None and remote.base_url:
            backendai_ui.token_selector(state, card)
            remote, problem = backendai.resolve(state, SERVICES, card)  # with the chosen token
        catalog = catalog.with_endpoint(remote)
    endpoint = catalog.get(card.config.endpoint)
    listed = None
    if endpoint is not None and endpoint.base_url:
        listed = SERVICES.models(endpoint, state.models_nonce)
    security = SERVICES.config().security
    options, problem = model_options(
        endpoint, listed, problem, allow_custom=security.allow_custom_endpoints
    )
    if not options:  # Custom is not allowed here and the endpoint offers no model
        commands.choose_model(state, card.id, None)  # it talks to nothing it does not show
        st.warning(problem or CUSTOM_REFUSED, icon=":material/block:")
        return
    key = widget_key(card.id, "model")
    runtime = state.runtime(card.id)
    landing = land_model(
        options,
        st.session_state.get(key),
        card.config.model,
        fell_back=runtime.fell_back,
        wanted=runtime.wanted_model,
        problem=problem,
    )
    if landing.changed:
        st.session_state[key] = landing.selected
        runtime.fell_back, runtime.wanted_model = landing.fell_back, landing.wanted
    chosen = st.selectbox(
        "Model",
        options,
        key=key,
        help="Type to search.",
        on_change=lambda: commands.choose_model(state, card.id, st.session_state.get(key)),
    )
    commands.set_card_fields(state, card.id, CardFields(model=chosen))
    if endpoint is not None and endpoint.description:
        caption(endpoint.description)
    if runtime.compare_hint:
        st.caption(":material/compare_arrows: Comparing: choose the model for this card.")
    if problem:
        caption(problem, icon=":material/warning:")


def custom_fields(state: Session, card: Card, catalog: EndpointCatalog) -> None:
    security = SERVICES.config().security
    if not security.allow_custom_endpoints:  # a restored or crafted card: refused on send too
        st.error(CUSTOM_REFUSED, icon=":material/block:")
        return
    url_key = widget_key(card.id, "base_url")
    token_key = widget_key(card.id, "token")
    # The fields are filled for one endpoint: after a switch they show the new one's
    # URL and no token (the card talks to what it shows; see set_card_fields).
    filled_for = widget_key(card.id, "custom_for")
    endpoint = catalog.get(card.config.endpoint)
    if url_key not in st.session_state or st.session_state.get(filled_for) != card.config.endpoint:
        st.session_state[url_key] = custom_base_url(card.config.custom.base_url, endpoint)
        st.session_state[token_key] = state.runtime(card.id).token_value or ""
    st.session_state[filled_for] = card.config.endpoint
    raw_url = st.text_input(
        "baseURL",
        key=url_key,
        placeholder="http://localhost:8000/v1",
        max_chars=MAX_BASE_URL_CHARS,
        help="Base URL of the server, including the version segment (for example /v1).",
    )
    if raw_url.strip():
        try:
            base = normalize_base_url(raw_url)
            check_host(base.url, security.policy())
            if base.hint:
                caption(base.hint, icon=":material/info:")
        except InvalidBaseURL as exc:
            error(exc.message, icon=":material/link_off:")
        except HostRefused as exc:
            error(exc.message, icon=":material/block:")
    model_id = st.text_input(
        "Model ID",
        key=widget_key(card.id, "model_id"),
        value=card.config.custom.model_id,
        placeholder="for example gpt-4o",
        max_chars=MAX_MODEL_ID_CHARS,
    )
    token = st.text_input(
        "Token",
        key=token_key,
        type="password",
        max_chars=MAX_TOKEN_CHARS,
        placeholder="token from config" if uses_config_token(raw_url, endpoint) else None,
        help="Optional. The API key for this server; never shown or saved."
        + (
            " Left empty, the token configured for this endpoint is used."
            if uses_config_token(raw_url, endpoint)
            else ""
        ),
    )
    api = st.radio(
        "API",
        list(API_NAMES),
        index=list(API_NAMES).index(card.config.custom.api),
        format_func=API_NAMES.__getitem__,
        key=widget_key(card.id, "api"),
        horizontal=True,
        help="Responses: answers stream through POST /responses instead of /chat/completions.",
    )
    commands.set_card_fields(
        state, card.id, CardFields(base_url=raw_url, model_id=model_id, token=token, api=api)
    )
