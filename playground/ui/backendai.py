"""Backend.AI endpoints in a card: server-side search, health, and the endpoint's tokens.

A Backend.AI endpoint is chosen in the card's "Endpoint" selector like any
other; its option value is ``backendai:<endpoint id>``. The card's "Token"
becomes a selector of that endpoint's valid tokens (newest first, shown by
their last characters and expiry), with "Generate token". The chosen token
lives in this session only. Every manager call goes through ``ManagerClient``
(signed requests); failures become one message and leave the configured
endpoints usable.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import streamlit as st
from pydantic import SecretStr

from playground.backendai import (
    BackendAIConfig,
    EndpointPage,
    EndpointToken,
    ManagerClient,
    ManagerError,
    ServiceEndpoint,
    resolve_secret_key,
)
from playground.chat import BACKENDAI_PREFIX, Card
from playground.endpoints import Endpoint
from playground.ui.resources import load_settings
from playground.ui.state import AppState, widget_key
from playground.ui.text import caption

PREFIX = BACKENDAI_PREFIX
LIFETIMES = {"1 hour": "1h", "1 day": "1d", "7 days": "7d", "30 days": "30d"}


def is_backendai(value: str | None) -> bool:
    return bool(value) and str(value).startswith(PREFIX)


def _config() -> BackendAIConfig | None:
    return load_settings()[0].backendai


def _key(cfg: BackendAIConfig) -> str:
    """A cache key for this manager and keypair (the secret only as a hash)."""
    secret, _ = resolve_secret_key(cfg, os.environ)
    digest = hashlib.sha256(secret.get_secret_value().encode()).hexdigest() if secret else ""
    return f"{cfg.endpoint}|{cfg.access_key}|{cfg.api_version}|{cfg.project}|{digest}"


@st.cache_resource(show_spinner=False, max_entries=4)
def _client(key: str, _cfg: BackendAIConfig) -> ManagerClient:
    """One signed HTTP client per manager and keypair, shared by every session."""
    del key
    return ManagerClient.from_config(_cfg, os.environ)


def client() -> ManagerClient | None:
    """The manager client, or None when ``[backendai]`` is not configured.

    Raises ``ManagerError`` (BadKeypair) when the keypair is incomplete.
    """
    cfg = _config()
    return _client(_key(cfg), cfg) if cfg is not None else None


@dataclass(frozen=True)
class Found:
    page: EndpointPage | None
    error: str | None


@st.cache_data(show_spinner=False, ttl=30, max_entries=512)
def _ask(key: str, call: str, arg: str, nonce: int) -> object:
    """One manager call (``search``, ``endpoint`` or ``tokens``), cached for 30 s.

    Returns the answer, or a message (``str``) saying why there is none.
    """
    del nonce
    cfg = _config()
    if cfg is None:
        return "Backend.AI is not configured here."
    try:
        manager = _client(key, cfg)
        if call == "search":
            return manager.search_endpoints(arg)
        if call == "endpoint":
            return manager.get_endpoint(arg)
        return manager.list_tokens(arg)
    except ManagerError as exc:  # including an incomplete keypair
        return exc.message


def _call(call: str, arg: str, nonce: int) -> object:
    cfg = _config()
    return None if cfg is None else _ask(_key(cfg), call, arg, nonce)


def search(text: str, nonce: int) -> Found:
    answer = _call("search", text.strip(), nonce)
    if isinstance(answer, str):
        return Found(None, answer)
    return Found(answer if isinstance(answer, EndpointPage) else None, None)


def service(endpoint_id: str, nonce: int) -> ServiceEndpoint | str:
    answer = _call("endpoint", endpoint_id, nonce)
    if answer is None:
        return "Backend.AI is not configured here."
    return answer if isinstance(answer, ServiceEndpoint | str) else "Unexpected answer."


def tokens(endpoint_id: str, nonce: int) -> list[EndpointToken] | str:
    answer = _call("tokens", endpoint_id, nonce)
    return answer if isinstance(answer, list | str) else []


def find_by_name(state: AppState, name: str) -> Endpoint | None:
    """The Backend.AI endpoint with exactly this name (for links), or None."""
    found = search(name, state.backendai_nonce)
    for item in found.page.items if found.page else ():
        if item.name == name:
            state.backendai_seen[item.endpoint_id] = item
            return Endpoint(
                name=PREFIX + item.endpoint_id,
                base_url=item.base_url or "",
                source="backendai",
                title=item.name,
            )
    return None


def option_label(found: ServiceEndpoint) -> str:
    return f"{found.name} · Backend.AI · {found.health}"


# -- the card ---------------------------------------------------------------------


def endpoint_options(state: AppState, card: Card) -> tuple[list[str], dict[str, str]]:
    """Backend.AI endpoints matching the card's search, as (values, labels)."""
    if _config() is None:
        return [], {}
    text = st.session_state.get(widget_key(card.id, "bai_search"), "")
    found = search(text if isinstance(text, str) else "", state.backendai_nonce)
    values: list[str] = []
    labels: dict[str, str] = {}
    for item in found.page.items if found.page else ():
        value = PREFIX + item.endpoint_id
        values.append(value)
        labels[value] = option_label(item)
        state.backendai_seen[item.endpoint_id] = item
    chosen = card.config.endpoint
    if is_backendai(chosen) and chosen not in labels:
        item = state.backendai_seen.get(chosen.removeprefix(PREFIX))
        values.append(chosen)
        labels[chosen] = option_label(item) if item else "Backend.AI endpoint"
    return values, labels


def default_endpoint(state: AppState, values: list[str]) -> str | None:
    """The first healthy Backend.AI endpoint among ``values`` (never an unhealthy one)."""
    for value in values:
        item = state.backendai_seen.get(value.removeprefix(PREFIX))
        if item is not None and item.is_healthy:
            return value
    return None


def search_field(state: AppState, card: Card) -> None:
    """The search box under the Endpoint selector, and what the manager said."""
    if _config() is None:
        return
    text = st.text_input(
        "Search Backend.AI endpoints",
        key=widget_key(card.id, "bai_search"),
        placeholder="name contains…",
        help="Searches the cluster's model-service endpoints by name, on the manager.",
    )
    found = search(text, state.backendai_nonce)
    if found.error:
        caption(f"Backend.AI: {found.error}", icon=":material/cloud_off:")
    elif found.page is not None:
        page = found.page
        if not page.items:
            st.caption("No Backend.AI endpoint matches." if text.strip() else "")
        elif page.has_more:
            st.caption(
                f"Showing {len(page.items)} of {page.total_count} Backend.AI endpoints; "
                "type to narrow the search."
            )


def resolve(state: AppState, card: Card) -> tuple[Endpoint | None, str | None]:
    """The card's Backend.AI endpoint as an ``Endpoint`` (with its chosen token)."""
    value = card.config.endpoint
    if not is_backendai(value):
        return None, None
    endpoint_id = value.removeprefix(PREFIX)
    found = state.backendai_seen.get(endpoint_id) or service(endpoint_id, state.backendai_nonce)
    if isinstance(found, str):
        return Endpoint(name=value, base_url="", source="backendai", title="Backend.AI"), found
    state.backendai_seen[endpoint_id] = found
    problem = None
    if not found.is_healthy:
        problem = f"'{found.name}' is {found.health}: it may not answer."
    token = None if found.open_to_public else state.backendai_tokens.get(card.id)
    return (
        Endpoint(
            name=value,
            base_url=found.base_url or "",
            token=token,
            source="backendai",
            title=found.name,
        ),
        problem,
    )


def token_selector(state: AppState, card: Card) -> None:
    """The card's "Token": one of the endpoint's valid tokens, or a new one."""
    endpoint_id = (card.config.endpoint or "").removeprefix(PREFIX)
    found = state.backendai_seen.get(endpoint_id)
    if found is not None and found.open_to_public:
        st.caption(":material/public: Public endpoint: no token needed.")
        state.backendai_tokens.pop(card.id, None)
        return
    listed = tokens(endpoint_id, state.backendai_nonce)
    if isinstance(listed, str):
        caption(f"Tokens: {listed}", icon=":material/key_off:")
        listed = []
    by_label = {t.label: t for t in listed}
    key = widget_key(card.id, "bai_token")
    options = list(by_label)
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        if options:
            if st.session_state.get(key) not in options:
                st.session_state[key] = options[0]  # newest first
            label = st.selectbox("Token", options, key=key, width="stretch")
            state.backendai_tokens[card.id] = by_label[label].token
        else:
            st.caption(":material/key: This endpoint has no valid token yet.")
            state.backendai_tokens.pop(card.id, None)
        _generate_popover(state, card, endpoint_id)


def _generate_popover(state: AppState, card: Card, endpoint_id: str) -> None:
    with st.popover(
        "Generate token", icon=":material/key:", key=widget_key(card.id, "bai_generate")
    ):
        st.selectbox("Valid for", list(LIFETIMES), index=1, key=widget_key(card.id, "bai_life"))
        st.button(
            "Generate",
            key=widget_key(card.id, "bai_generate_go"),
            type="primary",
            on_click=_generate,
            args=(state, card.id, endpoint_id),
        )
        if message := state.backendai_messages.get(card.id):
            icon, _, said = message.partition(" ")
            caption(said, icon=icon)  # the app's icon, then what the manager said


def _generate(state: AppState, card_id: str, endpoint_id: str) -> None:
    life = st.session_state.get(widget_key(card_id, "bai_life"), "1 day")
    try:
        manager = client()
        if manager is None:
            return
        token: SecretStr = manager.generate_token(endpoint_id, duration=LIFETIMES[life])
    except ManagerError as exc:
        state.backendai_messages[card_id] = f":material/error: {exc.message}"
        return
    state.backendai_nonce += 1  # list the new token
    st.session_state.pop(widget_key(card_id, "bai_token"), None)  # newest preselected
    state.backendai_tokens[card_id] = token
    state.backendai_messages[card_id] = f":material/check: Token created, valid for {life}."
