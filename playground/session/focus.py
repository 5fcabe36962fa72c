"""Focus: one card at the full width, and cards hidden without being removed.

A view of the page, not of the workspace: hiding or focusing a card changes
nothing saved, exported or sent (a hidden card still receives synced prompts,
so it stays comparable; Sync Input says how many are hidden).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.session.session import Session
    from playground.workspace.types import Card


def focus(session: Session, card_id: str | None, from_card: bool = False) -> None:
    """Draw ``card_id`` alone at the full width (None: every card again).

    ``from_card``: asked from a card's own menu (its fragment), so the page must run.
    """
    session.card_view.focused = card_id if card_id and session.card(card_id) else None
    if card_id:
        session.card_view.hidden.discard(card_id)
    session.redraw_page = session.redraw_page or from_card


def set_hidden(session: Session, card_id: str, hidden: bool, from_card: bool = False) -> None:
    """Hide a card (kept, still answering) or show it again; a focused card is unfocused."""
    view = session.card_view
    session.redraw_page = session.redraw_page or from_card
    if hidden:
        view.hidden.add(card_id)
        if view.focused == card_id:
            view.focused = None
    else:
        view.hidden.discard(card_id)


def show_all(session: Session) -> None:
    session.card_view.hidden.clear()


def rows(session: Session) -> tuple[list[list[Card]], int]:
    """The cards to draw, row by row, and how many columns a row has."""
    view = session.card_view
    cards = session.workspace.cards
    ids = {c.id for c in cards}
    view.hidden &= ids  # removed cards are forgotten
    if view.focused not in ids:
        view.focused = None
    if view.focused is not None:
        return [[c for c in cards if c.id == view.focused]], 1
    shown = [c for c in cards if c.id not in view.hidden]
    per_row = session.workspace.cards_per_row
    return [shown[i : i + per_row] for i in range(0, len(shown), per_row)], per_row


def hidden_cards(session: Session) -> list[Card]:
    view = session.card_view
    return [
        c
        for c in session.workspace.cards
        if c.id in view.hidden or (view.focused is not None and c.id != view.focused)
    ]
