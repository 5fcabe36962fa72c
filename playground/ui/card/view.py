"""One chat card: its header, selectors, history and the answer it is streaming.

Each card is a parallel fragment that touches only its own card, so a synced
prompt streams into every card at once, and choosing a model or using the More
menu reruns only that card. Streamlit queues such fragment reruns until the
page's run ends, so what must act *while* answers stream (Stop, a card's own
input) is drawn by the page itself, right under the card (``card_controls``).
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

from playground.arena.round import CardShows
from playground.chat.apis import API_NAMES, Api
from playground.endpoints.targets import card_api
from playground.session import Session
from playground.session.commands import show_all_messages
from playground.ui.arena import blind_round as arena_ui
from playground.ui.card.context import context_caption
from playground.ui.card.live_answer import follow
from playground.ui.card.live_channel import next_answer
from playground.ui.card.live_runs import follow_runs
from playground.ui.card.menus import COMPACT_PER_ROW, more_menu, remove_control
from playground.ui.card.messages import history, models_named
from playground.ui.card.selectors import custom_fields, endpoint_selector, model_selector
from playground.ui.card.settings import settings_button
from playground.ui.draw_turns import DRAWING
from playground.ui.playground import costs
from playground.ui.resources import SERVICES
from playground.ui.state import CARD_HEIGHT, DEFAULT_CARD_HEIGHT, session, widget_key
from playground.ui.text import label
from playground.workspace.naming import fit_title, short_model_id
from playground.workspace.types import CUSTOM, Card

log = logging.getLogger(__name__)
HISTORY_WINDOW = 12  # messages drawn by default (6 turns); older ones on request


def _draw_title(
    slot: DeltaGenerator, card: Card, index: int, shows: CardShows, per_row: int, api: Api
) -> None:
    """The card's number and model, and a summary of settings that differ from the defaults
    (after "Responses API" when its answers stream through that API)."""
    if shows.title is not None:  # blind: "Model A" only
        slot.markdown(f"**{shows.title}**", width="stretch")
        return
    model = card.config.model
    if model == CUSTOM:
        model = card.config.custom.model_id.strip() or "Custom"
    summary = card.config.settings.summary()
    if api == "responses":
        summary = f"{API_NAMES[api]} API · {summary}" if summary else f"{API_NAMES[api]} API"
    # A model id comes from a server, a link, an import or a person: plain text.
    short = fit_title(short_model_id(model), per_row) if model else ""
    text = f"**{index}** · {label(short) if short else 'no model'}"
    slot.markdown(
        text + (f"  \n:gray[:small[{summary}]]" if summary else ""),
        width="stretch",
        # A .gguf path: the whole id in a tooltip (at 3+ cards per row its icon would take
        # the title's line; the Model selector right below holds the whole id).
        help=label(model) if model and short != model and per_row < COMPACT_PER_ROW else None,
    )


@st.fragment(parallel=True)
def card_view(card_id: str) -> None:
    state = session()
    card = state.card(card_id)
    if card is None or state.redraw_page:  # removed by its "x", or a card was added
        state.redraw_page = False
        st.rerun(scope="app")
    try:
        with DRAWING.turn(get_run_yield_check()):  # its waits give it up (live_answer)
            _card_body(state, card)
    except Exception:  # a bug in one card must not take the page down
        log.exception("card %s could not be drawn", card_id)
        st.error(
            "This card hit an unexpected problem and could not be drawn completely. "
            "Its history is kept; try again, or remove the card.",
            icon=":material/error:",
        )


def _card_body(state: Session, card: Card) -> None:
    """The card's header, selectors and history (the page draws its border and controls)."""
    catalog = SERVICES.catalog()
    index = state.workspace.cards.index(card) + 1
    shows = arena_ui.card_shows(state, card.id)  # blind comparison hides who it is
    with st.container(horizontal=True, vertical_alignment="center", wrap=False):
        title = st.empty()  # filled once the selectors below have their values
        if shows.menus:
            settings_button(state, card)
            more_menu(state, card)
            remove_control(state, card)
    if shows.selectors:
        endpoint_selector(state, card, catalog)
        model_selector(state, card, catalog)
        if card.config.model == CUSTOM:
            custom_fields(state, card, catalog)
    per_row = state.workspace.cards_per_row
    _draw_title(title, card, index, shows, per_row, card_api(card.config, catalog))
    # Once any card has messages every card body takes the same height, so the columns
    # line up beside a long answer; a page of empty cards stays compact.
    talked = any(c.messages for c in state.workspace.cards)
    height = st.session_state.get(CARD_HEIGHT, DEFAULT_CARD_HEIGHT) if talked else 0
    # Not Streamlit's follow (it ignores a wheel turn while it animates): card_scroll's.
    with st.container(key=f"pghistory-{card.id}", height=height or "content", autoscroll=False):
        _history(state, card, shows)
        _follow_stream(state, card, shows)
        next_answer(state, card.id)  # where the route is served: its text starts at once
    arena_ui.reveal(shows)
    costs.card_total(card, shows)
    context_caption(state, card, shows)


def _history(state: Session, card: Card, shows: CardShows) -> None:
    """The card's messages; beyond the last ``HISTORY_WINDOW``, only on request.

    Long histories would otherwise make every rerun redraw hundreds of messages.
    """
    older = len(card.messages) - HISTORY_WINDOW
    runtime = state.runtime(card.id)
    images = runtime.load_images
    if older <= 0:
        history(card.messages, images, card.id, shows, card.config.settings)
        return
    shown = runtime.show_all_messages
    st.button(
        "Hide earlier messages" if shown else f"Show {older} earlier messages",
        key=widget_key(card.id, "fold" if shown else "unfold"),
        icon=":material/expand_more:" if shown else ":material/expand_less:",
        type="tertiary",
        on_click=show_all_messages,
        args=(state, card.id, not shown),
    )
    history(
        card.messages if shown else card.messages[older:],
        images,
        card.id,
        shows,
        card.config.settings,
    )


def _follow_stream(state: Session, card: Card, shows: CardShows) -> None:
    if not card.is_streaming:
        return
    images = state.runtime(card.id).load_images
    if card.messages[-1].runs:  # asked N times: live tabs
        follow_runs(state, card, st.empty(), images, shows, card.config.settings)
        return
    job = state.live_job(card.id)
    if job is None:  # no live stream behind it: now marked stopped, its text kept
        history(card.messages[-1:], images, card.id, shows, card.config.settings)
        return
    named = models_named(card.messages, shows)
    follow(job, st.empty(), images, card.id, shows, named, card.config.settings)
