"""A card's header menus: Settings, More, and the "x" that removes it.

Each is drawn only while it is open (``card_menu``): a closed menu is a button. Every
run that draws a card (each prompt draws the whole page) would otherwise build all
their widgets for every card, which under a team's load was the largest share of a
page run's work and of the messages it sends (``benchmarks/README.md``, issue 30).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import streamlit as st

from playground.session import Session, commands
from playground.ui.playground.focus import focus_items
from playground.ui.resources import SERVICES
from playground.ui.state import act, widget_key
from playground.workspace.types import Card

COMPACT_PER_ROW = 3  # cards per row from which the header's menus show icons only


DRAFTS = "pg_menu_drafts"  # session state: a menu's key -> its _Drafts
OPENS_AFTER_STREAMING = "Opens when the answers streaming now have ended."


@dataclass
class _Drafts:
    keys: set[str] = field(default_factory=set)  # its widgets' keys, drawn while open
    values: dict[str, str] = field(default_factory=dict)  # what they held when it closed


@dataclass
class Menu:
    """An open or closed card menu; ``keyed`` records the keys of the widgets it draws."""

    open: bool
    _drafts: _Drafts

    def keyed(self, make: Callable[[str], str]) -> Callable[[str], str]:
        def key(name: str) -> str:
            made = make(name)
            self._drafts.keys.add(made)
            return made

        return key


@contextmanager
def card_menu(state: Session, label: str, *, key: str, icon: str, help: str) -> Iterator[Menu]:
    """A card's popover menu, its contents drawn only while it is open (``Menu.open``).

    Opening it reruns the card (its fragment) to draw them. While answers stream, the
    page's run holds that rerun back until they end (Streamlit queues fragment reruns
    behind the app's run), so the menu says so meanwhile. Text its widgets held when it
    closed (typed, not yet applied: a tools list, a schema) is theirs again when it
    opens: Streamlit forgets the state of a widget a run does not draw.
    """
    menu = st.popover(
        label, key=key, icon=icon, help=help, type=menu_kind(state), on_change="rerun"
    )
    drafts: _Drafts = st.session_state.setdefault(DRAFTS, {}).setdefault(key, _Drafts())
    with menu:
        if menu.open:
            for widget, value in drafts.values.items():
                st.session_state[widget] = value  # before the widget is drawn: it starts so
            drafts.values.clear()
        else:
            if drafts.keys:  # it has just closed: keep what its text widgets held
                held = {k: st.session_state.get(k) for k in drafts.keys}
                drafts.values = {k: v for k, v in held.items() if isinstance(v, str)}
                drafts.keys.clear()
            streaming = any(c.is_streaming for c in state.workspace.cards)
            st.caption(OPENS_AFTER_STREAMING if streaming else "Opening…")
        yield Menu(bool(menu.open), drafts)


def remove_control(state: Session, card: Card) -> None:
    with card_menu(
        state, "", icon=":material/close:", help="Remove chat card", key=widget_key(card.id, "x")
    ) as menu:
        if not menu.open:
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
    ) as menu:
        if not menu.open:
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
