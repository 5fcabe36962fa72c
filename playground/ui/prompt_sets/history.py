"""Saved prompt-set runs: on the Prompt sets page (this workspace's) and on History (all)."""

from __future__ import annotations

import streamlit as st

from playground.promptsets.store import RunSummary
from playground.rendering.safe_markdown import block_images
from playground.session import Session
from playground.session.evaluation.promptsets import visible_runs
from playground.session.workspaces.history import ago
from playground.ui.prompt_sets.state import RUN_PARAM
from playground.ui.resources import SERVICES
from playground.ui.workspaces import persistence

STATUS = {"running": "running or interrupted", "stopped": "stopped", "done": "done"}


def _row(summary: RunSummary) -> None:
    with st.container(horizontal=True, vertical_alignment="center", key=f"psrun-{summary.id}"):
        title = block_images(summary.title) if summary.title else "Untitled run"
        st.markdown(f"**{title}**", width="stretch")
        st.caption(
            f"{ago(summary.updated_at)} · {summary.cells_saved} / {summary.cells_total} "
            f"answers · {STATUS.get(summary.status, summary.status)}"
        )
        if st.button("Open", key=f"psrun-{summary.id}-open", icon=":material/open_in_new:"):
            params = {RUN_PARAM: summary.id}
            if summary.workspace_id:
                params[persistence.WS_PARAM] = summary.workspace_id
            st.switch_page("pages/prompt_sets.py", query_params=params)


def saved_runs(state: Session) -> None:
    """This workspace's saved runs."""
    workspace_id = state.saver.workspace_id if state.saver is not None else None
    if workspace_id is None:
        return
    found = visible_runs(SERVICES, persistence.scope(), workspace_id)
    if found:
        with st.expander(f"Saved runs of this workspace ({len(found)})", icon=":material/history:"):
            for summary in found:
                _row(summary)


def history_runs() -> None:
    """History's list of prompt-set runs, newest first."""
    found = visible_runs(SERVICES, persistence.scope(), None)
    if not found:
        return
    st.markdown("#### Prompt-set runs")
    for summary in found:
        _row(summary)
