"""A card's header menus: Settings, More, and the "x" that removes it."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from playground.session import Session, commands
from playground.ui.playground.focus import focus_items
from playground.ui.resources import SERVICES
from playground.ui.state import act, widget_key
from playground.workspace.types import Card

COMPACT_PER_ROW = 3  # cards per row from which the header's menus show icons only


def remove_control(state: Session, card: Card) -> None:
    with st.popover(
        "",
        icon=":material/close:",
        help="Remove chat card",
        key=widget_key(card.id, "x"),
        type=menu_kind(state),
    ):
        if len(state.workspace.cards) <= 1:
            st.caption("The last card cannot be removed.")
            return
        st.warning("Remove this card? Everything entered in it will be deleted.")
        st.button(
            "Remove card",
            key=widget_key(card.id, "remove"),
            type="primary",
            on_click=commands.remove_card,
            args=(state, card.id),
        )


def _menu_button(card: Card, name: str, label: str, icon: str, **kwargs: object) -> None:
    st.button(label, key=widget_key(card.id, name), icon=icon, width="stretch", **kwargs)  # type: ignore[arg-type]


def more_menu(state: Session, card: Card) -> None:
    max_cards = SERVICES.config().limits.max_cards
    full = len(state.workspace.cards) >= max_cards
    at_cap = f" (at most {max_cards} cards)" if full else ""
    images = state.runtime(card.id).load_images
    with st.popover(
        menu_label(state, "More"),
        icon=":material/more_vert:",
        key=widget_key(card.id, "more"),
        help="More",
        type=menu_kind(state),
    ):
        _menu_button(
            card,
            "clone",
            "Clone card",
            ":material/library_add:",
            disabled=full,
            help="A new card with the same endpoint, model and settings, and an empty "
            "history: compare one model under two settings." + at_cap,
            on_click=act,
            args=(commands.clone, state, SERVICES, card.id),
        )
        _menu_button(
            card,
            "compare",
            "Compare with other models",
            ":material/compare_arrows:",
            disabled=full,
            help="A new card with the same endpoint and settings, set to another model." + at_cap,
            on_click=act,
            args=(commands.compare, state, SERVICES, card.id),
        )
        _menu_button(
            card,
            "clear",
            "Delete Chat History",
            ":material/delete:",
            disabled=not card.messages,
            on_click=commands.delete_history,
            args=(state, card.id),
        )
        _menu_button(
            card,
            "images",
            "Block images" if images else "Load images",
            ":material/image:",
            help="Images in answers are not loaded unless you allow it: loading one "
            "sends a request to the host in its URL.",
            on_click=commands.set_load_images,
            args=(state, card.id, not images),
        )
        _menu_button(
            card,
            "refresh",
            "Refresh model list",
            ":material/refresh:",
            on_click=commands.refresh_models,
            args=(state,),
        )
        focus_items(state, card)


def menu_label(state: Session, text: str) -> str:
    """A menu's label; icon only at 3+ cards per row, so the header stays on one line."""
    return "" if state.workspace.cards_per_row >= COMPACT_PER_ROW else text


def menu_kind(state: Session) -> Literal["secondary", "tertiary"]:
    """Borderless buttons at 3+ cards per row: the header's title keeps its room."""
    return "tertiary" if state.workspace.cards_per_row >= COMPACT_PER_ROW else "secondary"
