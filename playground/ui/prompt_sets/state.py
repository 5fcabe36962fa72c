"""The Prompt sets page's process-wide run registry and the run named in the address."""

from __future__ import annotations

import streamlit as st

from playground.promptsets.registry import RunRegistry
from playground.session import Session

RUN_PARAM = "run"


@st.cache_resource(show_spinner=False)
def run_registry() -> RunRegistry:
    """The process's live runs: a reload (a new session) finds its run here."""
    return RunRegistry()


def shown_run(state: Session) -> str | None:
    """The run the page shows: the address's ``?run=`` (a reload, a link), else the session's."""
    wanted = st.query_params.get(RUN_PARAM)
    if wanted:
        state.prompt_run_id = wanted
    return state.prompt_run_id
