"""Cost totals: under a card (its answers) and in the sidebar (the workspace)."""

from __future__ import annotations

import streamlit as st

from playground.arena.round import CardShows
from playground.costs.money import dollars
from playground.costs.pricing import card_cost, workspace_cost
from playground.session import Session
from playground.workspace.types import Card

HELP = (
    "From each endpoint's price in the config, or the genai-prices tables for public "
    "APIs; answers with no known price are not counted. ≈: token counts were estimated."
)


def card_total(card: Card, shows: CardShows) -> None:
    """The card's answers' cost so far (not while blind: a price names the model)."""
    cost = card_cost(card) if shows.metrics and not shows.blind else None
    if cost is not None:
        st.caption(f":material/payments: Card total {dollars(cost.dollars, cost.estimated)}")


def workspace_total(state: Session) -> None:
    cost = workspace_cost(state.workspace.cards)
    if cost is not None:
        st.caption(
            f":material/payments: Cost so far {dollars(cost.dollars, cost.estimated)}", help=HELP
        )
