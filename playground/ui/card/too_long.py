"""Under a card whose conversation may be too long for its model: shorten or clear it.

Drawn by the page in place of "Retry", which cannot help (see
``playground.session.shorten``).
"""

from __future__ import annotations

import streamlit as st

from playground.session import Session, commands, shorten
from playground.ui.resources import SERVICES
from playground.ui.state import act, widget_key
from playground.workspace.types import Card


def too_long_actions(state: Session, card: Card) -> bool:
    """ "Drop oldest turns and retry" and "Delete Chat History"; whether they were drawn."""
    if not shorten.may_be_too_long(state, card.id):
        return False
    earlier = shorten.earlier_turns(card)
    if earlier:
        drop = (earlier + 1) // 2
        st.button(
            "Drop oldest turns and retry",
            key=widget_key(card.id, "shorten"),
            icon=":material/content_cut:",
            type="tertiary",
            on_click=act,
            args=(shorten.drop_oldest_turns, state, SERVICES, card.id),
            help=f"Remove the oldest {drop} of the {earlier} earlier turns from this card "
            "(they are deleted), then ask the last prompt again.",
        )
    else:
        st.caption("The last prompt alone may be too long: edit it.")
    st.button(
        "Delete Chat History",
        key=widget_key(card.id, "too_long_clear"),
        icon=":material/delete:",
        type="tertiary",
        on_click=commands.delete_history,
        args=(state, card.id),
    )
    return True
