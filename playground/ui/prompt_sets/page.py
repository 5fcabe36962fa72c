"""The Prompt sets page: a set of prompts on every card of the playground, and its results."""

from __future__ import annotations

import streamlit as st

from playground.session import Session
from playground.session.evaluation.promptsets import card_label
from playground.ui.arena.blind_round import hidden_page
from playground.ui.prompt_sets.history import saved_runs
from playground.ui.prompt_sets.input import new_run
from playground.ui.prompt_sets.results import show_run
from playground.ui.prompt_sets.state import run_registry, shown_run
from playground.ui.state import session
from playground.ui.workspaces import persistence


def _cards(state: Session) -> None:
    labels = [card_label(i, c.config) for i, c in enumerate(state.workspace.cards)]
    st.caption(
        "Runs every prompt on each card of the Playground, each with its own endpoint, model, "
        "token, system prompt and settings: " + ", ".join(labels)
    )


def render() -> None:
    state = session()
    persistence.restore(state)  # ?ws=: the workspace whose cards the run uses
    st.subheader("Prompt sets", anchor=False)
    if hidden_page(state, "a prompt set's run on its cards"):
        return
    _cards(state)
    run_id = shown_run(state)
    running = any(not r.finished for r in run_registry().live() if r.run_id == run_id)
    with st.expander("New run", expanded=run_id is None, icon=":material/playlist_add:"):
        new_run(state, running)
    if run_id is not None:
        show_run(state, run_id)
    saved_runs(state)
