"""A card's header menus: Settings, More, and the "x" that removes it.

Each is drawn only while it is open (``card_menu``): a closed menu is a button. Every
run that draws a card (each prompt draws the whole page) would otherwise build all
their widgets for every card, which under a team's load was the largest share of a
page run's work and of the messages it sends (``benchmarks/README.md``, issue 30).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import streamlit as st

from playground.session import Session, commands
from playground.ui.playground.focus import focus_items
from playground.ui.resources import SERVICES
from playground.ui.state import act, widget_key
from playground.workspace.types import Card

COMPACT_PER_ROW = 3  # cards per row from which the header's menus show icons only


@contextmanager
def card_menu(state: Session, label: str, *, key: str, icon: str, help: str) -> Iterator[bool]:
    """A card's popover menu; yields whether it is open, so its contents are drawn then only.

    Opening it reruns the card (its fragment) to draw them. While answers stream, the
    page's run holds that rerun back until they end (Streamlit queues fragment reruns
    behind the app's run), so the menu says so meanwhile.
    """
    menu = st.popover(
        label, key=key, icon=icon, help=help, type=menu_kind(state), on_change="rerun"
    )
    with menu:
        if not menu.open:
            streaming = any(c.is_streaming for c in state.workspace.cards)
            st.caption(OPENS_AFTER_STREAMING if streaming else "Opening…")
        yield bool(menu.open)


OPENS_AFTER_STREAMING = "Opens when the answers streaming now have ended."


def remove_control(state: Session, card: Card) -> None:
    with card_menu(
        state, "", icon=":material/close:", help="Remove chat card", key=widget_key(card.id, "x")
    ) as open_:
        if not open_:
            return
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
    with card_menu(
        state,
        menu_label(state, "More"),
        icon=":material/more_vert:",
        key=widget_key(card.id, "more"),
        help="More",
    ) as open_:
        if not open_:
            return
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
