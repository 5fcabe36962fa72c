"""Focus: a card's "Full width" and "Hide card" (in its More menu), and the bar above
the grid that brings the other cards back. The choices are ``session.focus``'s."""

from __future__ import annotations

import streamlit as st

from playground.session import Session, focus
from playground.ui.state import widget_key
from playground.workspace.types import Card


def focus_items(state: Session, card: Card) -> None:
    """In a card's More menu."""
    focused = state.card_view.focused == card.id
    st.button(
        "Back to all cards" if focused else "Full width",
        key=widget_key(card.id, "focus"),
        icon=":material/close_fullscreen:" if focused else ":material/open_in_full:",
        width="stretch",
        on_click=focus.focus,
        args=(state, None if focused else card.id, True),
        help="Show this card alone, across the whole page, to read it.",
    )
    st.button(
        "Hide card",
        key=widget_key(card.id, "hide"),
        icon=":material/visibility_off:",
        width="stretch",
        disabled=len(state.workspace.cards) - len(focus.hidden_cards(state)) <= 1,
        on_click=focus.set_hidden,
        args=(state, card.id, True, True),
        help="Take this card off the page without removing it: it keeps its history and "
        "still gets synced prompts. Show it again above the cards.",
    )


def focus_bar(state: Session) -> None:
    """Above the grid: which cards are out of view, and how to bring them back."""
    view = state.card_view
    cards = state.workspace.cards
    number = {c.id: i for i, c in enumerate(cards, 1)}
    if view.focused is not None and view.focused in number:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(f":material/open_in_full: Card {number[view.focused]} at full width")
            st.button(
                "Back to all cards",
                key="focus_back",
                icon=":material/close_fullscreen:",
                type="tertiary",
                on_click=focus.focus,
                args=(state, None),
            )
        return
    hidden = [c for c in cards if c.id in view.hidden]
    if not hidden:
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(f":material/visibility_off: {len(hidden)} hidden")
        for card in hidden:
            st.button(
                f"Show card {number[card.id]}",
                key=f"focus_show-{card.id}",
                icon=":material/visibility:",
                type="tertiary",
                on_click=focus.set_hidden,
                args=(state, card.id, False),
            )
        if len(hidden) > 1:
            st.button(
                "Show all",
                key="focus_show_all",
                type="tertiary",
                on_click=focus.show_all,
                args=(state,),
            )
