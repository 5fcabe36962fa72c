"""One chat card: its endpoint and model selectors, More menu, history and stream.

Each card is a parallel fragment that touches only its own card, so a synced
prompt streams into every card at once, and choosing a model or using the More
menu reruns only that card. Streamlit queues such fragment reruns until the
page's run ends, so what must act *while* answers stream (Stop, a card's own
input) is drawn by the page itself, right under the card (see
``playground_page``).
"""

from __future__ import annotations

import logging
import time

import streamlit as st
from pydantic import ValidationError

from playground.chat import CUSTOM, Card, Settings
from playground.endpoints import EndpointCatalog
from playground.errors import InvalidBaseURL
from playground.ui import backendai
from playground.ui.messages import follow, history
from playground.ui.resources import load_settings, local_server, models_of
from playground.ui.state import AppState, app_state, custom_token, widget_key
from playground.ui.text import caption, error, label
from playground.urls import normalize_base_url, without_secrets

log = logging.getLogger(__name__)


def _remove_control(state: AppState, card: Card) -> None:
    with st.popover(
        "", icon=":material/close:", help="Remove chat card", key=widget_key(card.id, "x")
    ):
        if len(state.workspace.cards) <= 1:
            st.caption("The last card cannot be removed.")
            return
        st.warning("Remove this card? Everything entered in it will be deleted.")
        st.button(
            "Remove card",
            key=widget_key(card.id, "remove"),
            type="primary",
            on_click=_remove_card,
            args=(state, card.id),
        )


def _remove_card(state: AppState, card_id: str) -> None:
    state.forget(card_id)
    state.workspace.remove_card(card_id)


def _clear_history(state: AppState, card: Card) -> None:
    state.forget(card.id)
    card.clear_history()


def _refresh_models(state: AppState) -> None:
    state.models_nonce += 1


def _clone(state: AppState, card_id: str, compare: bool) -> None:
    """Clone a card (same endpoint, model and settings); to compare, pick another model."""
    loaded, catalog = load_settings()
    source = state.workspace.card(card_id)
    if source is None:
        return
    model = None
    if compare:
        model = _other_model(state, source, catalog)
    clone = state.workspace.clone_card(card_id, loaded.limits.max_cards, model=model)
    if clone is None:
        return
    if source.config.model == CUSTOM and (token := custom_token(card_id)):
        # The clone talks to the same server: it gets the typed token too (this session only).
        st.session_state[widget_key(clone.id, "token")] = token
    if compare:
        state.compare_hint.add(clone.id)
    state.redraw_page = True  # this ran in the card's fragment: the new card needs the page


def _other_model(state: AppState, card: Card, catalog: EndpointCatalog) -> str | None:
    """A model of the card's endpoint that no card uses yet (else any other one)."""
    endpoint = catalog.get(card.config.endpoint)
    if endpoint is None or not endpoint.base_url:
        return None
    loaded, _ = load_settings()
    listed = models_of(endpoint, loaded.timeouts, state.models_nonce).models
    used = {c.config.model for c in state.workspace.cards if c.config.endpoint == endpoint.name}
    unused = [m for m in listed if m not in used]
    others = [m for m in listed if m != card.config.model]
    return (unused or others or [None])[0]


_NUMBERS: dict[str, tuple[str, float | None, float | None, float]] = {
    # setting: (label, min, max, step)
    "temperature": ("Temperature", 0.0, 2.0, 0.1),
    "top_p": ("top_p", 0.0, 1.0, 0.05),
    "max_tokens": ("Max tokens", 1, 1_000_000, 1),
    "seed": ("Seed", None, None, 1),
    "frequency_penalty": ("Frequency penalty", -2.0, 2.0, 0.1),
    "presence_penalty": ("Presence penalty", -2.0, 2.0, 0.1),
}


def _settings_key(state: AppState, card_id: str, name: str) -> str:
    """A Settings widget's key. Each widget starts from the card's config (``value=``):
    the widgets sit in a popover the browser may never have opened, so they must not
    depend on widget state the browser never reported. When the config changes from
    outside the widgets (Apply to all cards), a new generation of keys takes it up."""
    generation = state.settings_generation.get(card_id, 0)
    return widget_key(card_id, name if generation == 0 else f"{name}-g{generation}")


def _apply_to_all(state: AppState, card_id: str) -> None:
    source = state.workspace.card(card_id)
    if source is None:
        return
    for card in state.workspace.cards:
        if card is not source:
            card.config.settings = source.config.settings.model_copy(deep=True)
            state.settings_generation[card.id] = state.settings_generation.get(card.id, 0) + 1


def _settings_menu(state: AppState, card: Card) -> None:
    """System prompt and sampling parameters, validated by ``Settings``."""
    current = card.config.settings

    def key(name: str) -> str:
        return _settings_key(state, card.id, name)

    with st.popover("Settings", icon=":material/tune:", key=widget_key(card.id, "settings")):
        system = st.text_area(
            "System prompt", value=current.system_prompt, key=key("system"), height=80
        )
        send = st.toggle(
            "Send sampling parameters",
            value=current.send_sampling,
            key=key("send_sampling"),
            help="Some servers reject some parameters: turn this off to send only the messages.",
        )
        values: dict[str, float | int | None] = {}
        for name, (label, low, high, step) in _NUMBERS.items():
            number = st.number_input(
                label,
                value=getattr(current, name),
                min_value=low,
                max_value=high,
                step=step,
                key=key(name),
                disabled=not send,
                placeholder="server default",
            )
            values[name] = int(number) if number is not None and isinstance(step, int) else number
        stops = st.text_area(
            "Stop sequences",
            value="\n".join(current.stop),
            key=key("stop_seqs"),
            height=68,
            help="One per line, at most 4.",
            disabled=not send,
        )
        try:
            card.config.settings = Settings(
                system_prompt=system,
                send_sampling=send,
                stop=[line for line in stops.splitlines() if line.strip()],
                **values,
            )
        except ValidationError as exc:
            st.error(
                "Not applied: "
                + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
                icon=":material/error:",
            )
        st.button(
            "Apply to all cards",
            key=widget_key(card.id, "apply_all"),
            icon=":material/content_copy:",
            on_click=_apply_to_all,
            args=(state, card.id),
        )


def _more_menu(state: AppState, card: Card) -> None:
    loaded, _ = load_settings()
    full = len(state.workspace.cards) >= loaded.limits.max_cards
    at_cap = f" (at most {loaded.limits.max_cards} cards)" if full else ""
    with st.popover("More", icon=":material/more_vert:", key=widget_key(card.id, "more")):
        st.button(
            "Clone card",
            key=widget_key(card.id, "clone"),
            icon=":material/library_add:",
            disabled=full,
            width="stretch",
            help="A new card with the same endpoint, model and settings, and an empty "
            "history: compare one model under two settings." + at_cap,
            on_click=_clone,
            args=(state, card.id, False),
        )
        st.button(
            "Compare with other models",
            key=widget_key(card.id, "compare"),
            icon=":material/compare_arrows:",
            disabled=full,
            width="stretch",
            help="A new card with the same endpoint and settings, set to another model." + at_cap,
            on_click=_clone,
            args=(state, card.id, True),
        )
        st.button(
            "Delete Chat History",
            key=widget_key(card.id, "clear"),
            icon=":material/delete:",
            disabled=not card.messages,
            width="stretch",
            on_click=_clear_history,
            args=(state, card),
        )
        images = card.id in state.images_allowed
        st.button(
            "Block images" if images else "Load images",
            key=widget_key(card.id, "images"),
            icon=":material/image:",
            width="stretch",
            help="Images in answers are not loaded unless you allow it: loading one "
            "sends a request to the host in its URL.",
            on_click=(state.images_allowed.discard if images else state.images_allowed.add),
            args=(card.id,),
        )
        st.button(
            "Refresh model list",
            key=widget_key(card.id, "refresh"),
            icon=":material/refresh:",
            width="stretch",
            on_click=_refresh_models,
            args=(state,),
        )


def _endpoint_selector(state: AppState, card: Card, catalog: EndpointCatalog) -> None:
    """Configured endpoints, then Backend.AI ones matching the card's search."""
    names = catalog.names
    remote, labels = backendai.endpoint_options(state, card)
    options = names + remote
    if not options:
        card.config.endpoint = None
        backendai.search_field(state, card)
        return
    key = widget_key(card.id, "endpoint")
    if st.session_state.get(key) not in options:
        st.session_state[key] = (
            card.config.endpoint
            if card.config.endpoint in options
            else _default_endpoint(state, catalog, remote)
        )
    card.config.endpoint = st.selectbox(
        "Endpoint",
        options,
        key=key,
        format_func=lambda value: labels.get(value, value),
        help="Type to search the listed endpoints."
        + (" Search Backend.AI below for more." if remote else ""),
    )
    backendai.search_field(state, card)


def _default_endpoint(state: AppState, catalog: EndpointCatalog, remote: list[str]) -> str:
    """A configured endpoint first; else a healthy Backend.AI one; else the embedded model."""
    configured = [e.name for e in catalog.endpoints if not e.embedded]
    if configured:
        return configured[0]
    healthy = backendai.default_endpoint(state, remote)
    if healthy is not None:
        return healthy
    return (catalog.names or remote)[0]


def _start_local_model(catalog: EndpointCatalog, name: str | None) -> EndpointCatalog:
    """Start the embedded model on first use, showing progress in the card.

    Returns the catalog again once the model is ready (it then has its URL).
    """
    endpoint = catalog.get(name)
    if endpoint is None or not endpoint.embedded or endpoint.base_url:
        return catalog
    loaded, _ = load_settings()
    server = local_server(loaded.local_model.n_ctx)
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
    return load_settings()[1]


def _model_selector(state: AppState, card: Card, catalog: EndpointCatalog) -> None:
    loaded, _ = load_settings()
    catalog = _start_local_model(catalog, card.config.endpoint)
    problem = None
    if backendai.is_backendai(card.config.endpoint):
        remote, problem = backendai.resolve(state, card)
        if remote is not None and remote.base_url:
            backendai.token_selector(state, card)
            remote, problem = backendai.resolve(state, card)  # now with the chosen token
        catalog = catalog.with_endpoint(remote)
    endpoint = catalog.get(card.config.endpoint)
    options = [CUSTOM]
    if endpoint is not None and not endpoint.base_url:
        problem = problem or f"'{endpoint.label}' is not available."
    elif endpoint is not None:
        listed = models_of(endpoint, loaded.timeouts, state.models_nonce)
        options = [*listed.models, CUSTOM]
        if listed.error:
            problem = f"{listed.error} Using Custom instead."
        elif not listed.models:
            problem = "This endpoint lists no models; enter a Model ID in Custom."
        # else: keep a Backend.AI health warning, if any
    key = widget_key(card.id, "model")
    current = st.session_state.get(key)
    # Custom may be only a fallback while the list failed: once it loads, pick a model.
    fell_back = current == CUSTOM and card.id in state.fallback_custom and len(options) > 1
    if current not in options or fell_back:
        wanted = state.fallback_custom.pop(card.id, None) if fell_back else card.config.model
        st.session_state[key] = wanted if wanted in options else options[0]
        if st.session_state[key] == CUSTOM and wanted != CUSTOM and problem:
            state.fallback_custom[card.id] = wanted
    card.config.model = st.selectbox(
        "Model",
        options,
        key=key,
        help="Type to search.",
        on_change=_model_chosen,
        args=(state, card.id),
    )
    if card.id in state.compare_hint:
        st.caption(":material/compare_arrows: Comparing: choose the model for this card.")
    if problem:
        caption(problem, icon=":material/warning:")


def _model_chosen(state: AppState, card_id: str) -> None:
    """A person chose the model: no more hints or automatic changes for this card."""
    state.compare_hint.discard(card_id)
    state.fallback_custom.pop(card_id, None)


def _custom_fields(card: Card, catalog: EndpointCatalog) -> None:
    endpoint = catalog.get(card.config.endpoint)
    url_key = widget_key(card.id, "base_url")
    if url_key not in st.session_state:
        st.session_state[url_key] = card.config.custom.base_url or (
            endpoint.base_url if endpoint else ""
        )
    raw_url = st.text_input(
        "baseURL",
        key=url_key,
        placeholder="http://localhost:8000/v1",
        help="Base URL of the server, including the version segment (for example /v1).",
    )
    card.config.custom.base_url = without_secrets(raw_url)  # kept: never a key in a URL
    if raw_url.strip():
        try:
            hint = normalize_base_url(raw_url).hint
            if hint:
                caption(hint, icon=":material/info:")
        except InvalidBaseURL as exc:
            error(exc.message, icon=":material/link_off:")
    card.config.custom.model_id = st.text_input(
        "Model ID",
        key=widget_key(card.id, "model_id"),
        value=card.config.custom.model_id,
        placeholder="for example gpt-4o",
    )
    st.text_input(
        "Token",
        key=widget_key(card.id, "token"),
        type="password",
        help="Optional. The API key for this server; never shown or saved.",
    )


def _title(card: Card, index: int) -> str:
    """The card's number and model, and a summary of settings that differ from the defaults."""
    model = card.config.model
    if model == CUSTOM:
        model = card.config.custom.model_id.strip() or "Custom"
    summary = card.config.settings.summary()
    # A model id comes from a server, a link, an import or a person: plain text.
    return f"**{index}** · {label(model) if model else 'no model'}" + (
        f"  \n:gray[:small[{summary}]]" if summary else ""
    )


@st.fragment(parallel=True)
def card_view(card_id: str) -> None:
    state = app_state()
    card = state.workspace.card(card_id)
    if card is None or state.redraw_page:  # removed by its "x", or a card was added
        state.redraw_page = False
        st.rerun(scope="app")
    try:
        _card_body(state, card)
    except Exception:  # a bug in one card must not take the page down
        log.exception("card %s could not be drawn", card_id)
        st.error(
            "This card hit an unexpected problem and could not be drawn completely. "
            "Its history is kept; try again, or remove the card.",
            icon=":material/error:",
        )


def _card_body(state: AppState, card: Card) -> None:
    """The card's header, selectors and history (the page draws its border and controls)."""
    card_id = card.id
    _, catalog = load_settings()
    index = state.workspace.cards.index(card) + 1
    with st.container(horizontal=True, vertical_alignment="center"):
        title = st.empty()  # filled once the selectors below have their values
        _settings_menu(state, card)
        _more_menu(state, card)
        _remove_control(state, card)
    _endpoint_selector(state, card, catalog)
    _model_selector(state, card, catalog)
    if card.config.model == CUSTOM:
        _custom_fields(card, catalog)
    title.markdown(_title(card, index), width="stretch")
    with st.container(key=f"pghistory-{card_id}"):
        _history(state, card)
        _follow_stream(state, card)


HISTORY_WINDOW = 12  # messages drawn by default (6 turns); older ones on request


def _history(state: AppState, card: Card) -> None:
    """The card's messages; beyond the last ``HISTORY_WINDOW``, only on request.

    Long histories would otherwise make every rerun redraw hundreds of messages.
    """
    older = len(card.messages) - HISTORY_WINDOW
    images = card.id in state.images_allowed
    if older <= 0:
        history(card.messages, images, card.id)
        return
    if card.id in state.full_history:
        st.button(
            "Hide earlier messages",
            key=widget_key(card.id, "fold"),
            icon=":material/expand_more:",
            type="tertiary",
            on_click=state.full_history.discard,
            args=(card.id,),
        )
        history(card.messages, images, card.id)
        return
    st.button(
        f"Show {older} earlier messages",
        key=widget_key(card.id, "unfold"),
        icon=":material/expand_less:",
        type="tertiary",
        on_click=state.full_history.add,
        args=(card.id,),
    )
    history(card.messages[older:], images, card.id)


def _follow_stream(state: AppState, card: Card) -> None:
    if not card.is_streaming:
        return
    job = state.jobs.get(card.id)
    answer = card.messages[-1]
    if job is None or job.message is not answer:
        # A streaming answer without a live job (its session was reset): keep the text.
        answer.status = "stopped"
        history([answer], card.id in state.images_allowed, card.id)
        return
    with st.chat_message("assistant"):
        follow(job, st.empty(), card.id in state.images_allowed, card.id)
