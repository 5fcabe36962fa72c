"""Ask N times on the page: the N input, the run's size, its confirm, and the answers
as tabs (live while they stream, then with agreement, spread and "Keep this answer").

The kept answer is the one in the card's history (``playground.chat.runs``); its tab says
"kept". Tabs are numbered by the order the answers were asked, which keeping another
does not change.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from playground.arena.round import OPEN, CardShows
from playground.chat.runs import ordered, spreads_summary
from playground.config.limits import MAX_RUNS_PER_PROMPT
from playground.session import Session, ask_n
from playground.ui.resources import SERVICES
from playground.ui.state import session
from playground.workspace.types import Message

SYNC_RUNS_KEY = "sync_runs"  # the N for every card (Sync Input)


def runs_input(state: Session, key: str, card_ids: list[str]) -> int:
    """The "Ask N times" number (1: an ordinary send) and, above 1, what a run would
    ask. None during a blind round: 1."""
    if state.arena.hiding:
        return 1
    runs = st.number_input(
        "Ask N times",
        min_value=1,
        max_value=MAX_RUNS_PER_PROMPT,
        value=1,
        step=1,
        key=key,
        width=180,
        help="Send the next prompt this many times at once: the answers come as tabs, "
        "with how many agree and the spread of their figures; the first is kept (the "
        "conversation goes on from it) until you keep another.",
    )
    runs = int(runs or 1)
    if runs > 1:
        size = ask_n.run_size(state, SERVICES, card_ids, "", runs)
        st.caption(f"Each prompt: {size.summary()} (before your prompt's own tokens)")
    return runs


def asked_runs(state: Session, key: str) -> int:
    """The N of ``runs_input`` when a prompt is submitted (1 during a blind round)."""
    value = st.session_state.get(key)
    return 1 if state.arena.hiding or not isinstance(value, int) else value


def confirm_box(state: Session) -> None:
    """A held run over ``[limits] confirm_answers_over``: what it asks, Ask or Cancel."""
    pending = state.pending_ask
    if pending is None:
        return
    limit = SERVICES.config().limits.confirm_answers_over
    with st.container(border=True, key="ask-n-confirm"):
        st.warning(
            f"This run asks {pending.size}: more than {limit:,} answers. Send it?",
            icon=":material/warning:",
        )
        with st.container(horizontal=True):
            st.button(
                "Ask",
                key="ask-n-yes",
                type="primary",
                on_click=ask_n.confirm_ask,
                args=(state, SERVICES),
            )
            st.button("Cancel", key="ask-n-no", on_click=ask_n.cancel_ask, args=(state,))


def _keep(card_id: str, run: int) -> None:
    state = session()
    if ask_n.keep(state, card_id, run):
        state.redraw_page = True  # Regenerate/Edit under the card follow the kept one


def answer_tabs(
    message: Message,
    body: Callable[[Message], None],
    card_id: str | None,
    shows: CardShows = OPEN,
    last: bool = False,
) -> None:
    """An answer asked N times: the agreement and spread line, then one tab per answer,
    each drawn by ``body``; on the card's last answer, "Keep this answer" on the others."""
    answers = ordered(message)
    line = ask_n.agreement_line(message)
    spread = spreads_summary(answers) if shows.metrics else ""
    st.caption(" · ".join(part for part in (line, spread) if part), width="stretch")
    names = [f"{m.run} ✓" if m is message else str(m.run) for m in answers]
    kept = f"{message.run} ✓"  # opened on the kept one (just kept: the tab clicked)
    for answer, tab in zip(answers, st.tabs(names, default=kept), strict=True):
        with tab:
            body(answer)
            if answer is message:
                st.caption("Kept: the conversation goes on from this answer.")
            elif last and card_id is not None:
                st.button(
                    "Keep this answer",
                    key=f"{card_id}-keep-{answer.id}",
                    icon=":material/check:",
                    type="tertiary",
                    on_click=_keep,
                    args=(card_id, answer.run),
                    help="The next prompt's history holds this answer instead.",
                )
