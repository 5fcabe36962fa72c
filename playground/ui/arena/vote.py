"""The blind vote under the cards: once every card answered, the vote; after it, what was
said, "New round" and "Withdraw vote"."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.arena.round import can_vote
from playground.arena.votes import TAGS, TWO_CARD_KINDS, Outcome
from playground.config.limits import MAX_VOTE_COMMENT_CHARS, MAX_VOTE_TAG_CHARS
from playground.session import Session
from playground.session.evaluation import arena
from playground.ui.arena.blind_round import new_round
from playground.ui.resources import SERVICES
from playground.ui.workspaces import persistence

VOTE_ERROR = "arena-vote-error"


def _cast(state: Session, outcome: Outcome, tag_key: str, comment_key: str) -> None:
    tag = st.session_state.get(tag_key)
    result = arena.vote(
        state,
        SERVICES,
        outcome,
        tag=str(tag)[:MAX_VOTE_TAG_CHARS] if tag else None,
        comment=str(st.session_state.get(comment_key) or ""),
        voter=persistence.current_user(),
    )
    st.session_state[VOTE_ERROR] = result if isinstance(result, str) else None


def _withdraw(state: Session) -> None:
    if state.arena.vote_id:
        arena.withdraw(state, SERVICES, state.arena.vote_id, persistence.current_user())


def vote_panel(state: Session, slot: DeltaGenerator) -> None:
    """Under the cards: the vote once every card answered; after it, what was said."""
    round_ = state.arena
    if not round_.on:
        return
    cards = state.workspace.cards
    with slot.container(border=True, key="arena-vote"):
        if round_.voted:
            said = "Vote withdrawn" if round_.verdict == "withdrawn" else f"Voted: {round_.verdict}"
            st.success(
                f"{said}. Who each card was is shown under it; talk on if you like. "
                "Start a new round to vote again.",
                icon=":material/how_to_vote:",
            )
            with st.container(horizontal=True):
                st.button(
                    "New round",
                    key="arena-new-round",
                    icon=":material/casino:",
                    type="primary",
                    on_click=new_round,
                    args=(state,),
                )
                if round_.verdict != "withdrawn":
                    st.button(
                        "Withdraw vote",
                        key="arena-withdraw",
                        icon=":material/undo:",
                        on_click=_withdraw,
                        args=(state,),
                    )
            return
        if not can_vote(round_, cards):
            st.caption(
                ":material/how_to_vote: Send a prompt to every card; once each has answered, "
                "vote here. The models are revealed after the vote."
            )
            return
        st.markdown("**Which answer is better?**")
        tag_key, comment_key = f"arena-tag-{round_.round_id}", f"arena-comment-{round_.round_id}"
        with st.container(horizontal=True):
            st.selectbox(
                "Tag (optional)",
                TAGS,
                index=None,
                key=tag_key,
                accept_new_options=True,
                placeholder="coding, writing, …",
            )
            st.text_input("Comment (optional)", key=comment_key, max_chars=MAX_VOTE_COMMENT_CHARS)
        labels = [round_.label(c.id) for c in cards]
        if len(cards) == 2:
            with st.container(horizontal=True):
                for kind, text in TWO_CARD_KINDS.items():
                    st.button(
                        text,
                        key=f"arena-vote-{kind}",
                        on_click=_cast,
                        args=(state, Outcome(kind=kind), tag_key, comment_key),
                    )  # type: ignore[arg-type]
        else:
            best = st.radio("Best", labels, horizontal=True, key=f"arena-best-{round_.round_id}")
            worst = st.radio(
                "Worst (optional)",
                ["—", *labels],
                horizontal=True,
                key=f"arena-worst-{round_.round_id}",
            )
            worst = None if worst == "—" else worst
            if worst == best:
                st.caption(":material/warning: The best and the worst must differ.")
            else:
                st.button(
                    "Submit vote",
                    key="arena-vote-best",
                    type="primary",
                    on_click=_cast,
                    args=(
                        state,
                        Outcome(kind="best", best=best, worst=worst),
                        tag_key,
                        comment_key,
                    ),
                )
        if problem := st.session_state.get(VOTE_ERROR):
            st.error(problem, icon=":material/error:")
