"""Under each card: the tokens its next request will carry, and the share of the window.

Streamlit's chat input gives no value while a person types, so this counts the
history and the system prompt and says "+ your prompt"; what is being typed is
counted in the browser (``typed_tokens``), and the prompt itself on submit
(``commands.start_answer`` refuses a request over the window).
"""

from __future__ import annotations

import streamlit as st

from playground.arena.round import CardShows
from playground.costs.context import context_use
from playground.session import Session
from playground.session.context import card_window
from playground.ui.playground.typed_tokens import CardCount
from playground.ui.resources import SERVICES
from playground.workspace.types import CUSTOM, Card

HELP = (
    "OpenAI models are counted with their own tokenizer; other models are estimated "
    "(≈) at about four characters a token. The window is the endpoint's context_window "
    "in the config, the embedded model's n_ctx, or what the endpoint's model list states."
)


def _model(card: Card, shows: CardShows) -> str | None:
    """The model to count for; None (an estimate, "≈", for every card) while blind: an
    exact count would tell an OpenAI model from the others."""
    if shows.blind:
        return None
    return card.config.custom.model_id if card.config.model == CUSTOM else card.config.model


def typed_count(card: Card, number: int, shows: CardShows) -> CardCount:
    """What ``typed_tokens`` adds the typed prompt to: the next request with an empty one."""
    window = None if shows.blind else card_window(SERVICES, card)
    empty = [*card.history_for_request(), {"role": "user", "content": ""}]
    return CardCount(number, context_use(empty, window, _model(card, shows)).tokens, window)


def context_caption(state: Session, card: Card, shows: CardShows) -> None:
    if card.is_streaming:
        return
    window = None if shows.blind else card_window(SERVICES, card)
    use = context_use(card.history_for_request(), window, _model(card, shows))
    if not use.tokens and window is None:  # nothing to count, and no window to count against
        return
    text = f"Next request {use.summary().replace(' · ', ' + your prompt · ', 1)}"
    if " + your prompt" not in text:
        text += " + your prompt"
    if not use.fits:
        st.warning(
            f"{text}: the history alone is over the model's context window. Edit the last "
            "prompt, or delete the history (More → Delete Chat History).",
            icon=":material/data_usage:",
        )
    elif use.share is not None and use.share >= 0.9:
        st.warning(
            f"{text}: the history nearly fills the model's context window; a long prompt "
            "will not be sent.",
            icon=":material/data_usage:",
        )
    else:
        st.caption(f":material/data_usage: {text}", help=HELP)
