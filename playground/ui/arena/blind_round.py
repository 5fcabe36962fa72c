"""Blind comparison on the Playground page: the sidebar's toggle and pool, what a card
may show (asked of ``what_card_shows``) and the reveal. The vote is in ``arena_vote``."""

from __future__ import annotations

import streamlit as st

from playground.arena.round import OPEN, CardShows, what_card_shows
from playground.session import Session
from playground.session.evaluation import arena
from playground.ui.resources import SERVICES
from playground.ui.state import SYNC_TOGGLE, act
from playground.ui.workspaces import persistence

BLIND_TOGGLE = "blind_toggle"
DRAW_TOGGLE = "blind_draw"
POOL = "blind_pool"


def card_shows(state: Session, card_id: str) -> CardShows:
    if not state.arena.on:  # everything: no need to know who every card is
        return OPEN
    return what_card_shows(state.arena, card_id, arena.contestants(state, SERVICES))


def hidden_page(state: Session, what: str) -> bool:
    """While a round has no vote, a page that would name models (``what`` it shows) says
    so instead: True when it did. A workspace link in the address goes too (a blind
    round's link would reopen it elsewhere, with its cards in their order)."""
    if not state.arena.hiding:
        return False
    st.query_params.pop(persistence.WS_PARAM, None)
    st.info(
        f"A blind round is running on the Playground, and {what} would name the models. "
        "Vote, or turn Blind comparison off, to see this page.",
        icon=":material/visibility_off:",
    )
    return True


def _after_start(state: Session) -> None:
    """A round started (or not): the toggles follow, and the address loses the old round's
    saved workspace (it stays in History; the new round is saved anew)."""
    st.session_state[BLIND_TOGGLE] = state.arena.on
    if state.arena.on:
        st.session_state[SYNC_TOGGLE] = True
        st.query_params.pop(persistence.WS_PARAM, None)


def _toggled(state: Session) -> None:
    act(arena.set_blind, state, SERVICES, bool(st.session_state.get(BLIND_TOGGLE)))
    _after_start(state)


def new_round(state: Session) -> None:
    act(arena.start_round, state, SERVICES)
    _after_start(state)


def _pool_changed(state: Session) -> None:
    picked = st.session_state.get(POOL) or []
    arena.set_pool(state, bool(st.session_state.get(DRAW_TOGGLE)), list(picked))


def sidebar(state: Session) -> None:
    """The "Blind comparison" toggle; while it is on, "New round"; while off, the pool."""
    cards = {c.id for c in state.workspace.cards}
    if state.arena.on and set(state.arena.labels) != cards:  # another workspace was opened
        arena.set_blind(state, SERVICES, False)
    st.session_state[BLIND_TOGGLE] = state.arena.on
    st.toggle(
        "Blind comparison",
        key=BLIND_TOGGLE,
        on_change=_toggled,
        args=(state,),
        disabled=len(cards) < 2 and not state.arena.on,
        help="Judge answers without knowing the model: the cards are shuffled and named "
        "Model A, B, …; vote once every card has answered. Starting clears the cards' "
        "histories (the conversation so far stays saved in History).",
    )
    if state.arena.problem:
        st.warning(state.arena.problem, icon=":material/warning:")
    if state.arena.on:
        st.button(
            "New round",
            key="blind_new_round",
            icon=":material/casino:",
            width="stretch",
            on_click=new_round,
            args=(state,),
            help="Clear every card's history and shuffle the cards again"
            + (", drawing new models from the pool." if state.arena.draw else "."),
        )
        pool = f" · models drawn from a pool of {len(state.arena.pool)}" if state.arena.draw else ""
        st.caption(f"Round {state.arena.rounds}{pool}")
        return
    draw = st.toggle(
        "Draw models at random",
        key=DRAW_TOGGLE,
        value=state.arena.draw,
        on_change=_pool_changed,
        args=(state,),
        help="At each round's start, the cards' models are drawn from the pool you pick, "
        "so not even the set of contestants is known.",
    )
    if draw:
        options = arena.pool_options(SERVICES)
        st.multiselect(
            "Pool",
            options,
            default=[c for c in state.arena.pool if c in options],
            key=POOL,
            format_func=lambda c: c.key,
            on_change=_pool_changed,
            args=(state,),
            placeholder="Endpoints × models",
        )


def reveal(shows: CardShows) -> None:
    """After the vote, under the card: who it was (plain text, not markdown)."""
    if shows.reveal:
        st.text(shows.reveal)
