"""The workspace's link (``?ws=<id>``): restore it, keep it in the address, and the store.

What is saved when, and who may open what, is decided in
``playground.session.workspaces.saving``; this module reads the address and the
signed-in person, and draws save problems.
"""

from __future__ import annotations

import streamlit as st

from playground.session import Session
from playground.session.workspaces import saving as workspaces
from playground.session.workspaces.history import HistoryScope, history_scope
from playground.store import StoreError, WorkspaceStore
from playground.ui.resources import SERVICES
from playground.ui.text import warning
from playground.workspace.types import Workspace

WS_PARAM = "ws"


def store() -> WorkspaceStore | None:
    result = SERVICES.store()
    return result if isinstance(result, WorkspaceStore) else None


def store_problem() -> str | None:
    result = SERVICES.store()
    return result.message if isinstance(result, StoreError) else None


def current_user() -> str | None:
    """The signed-in person's id (``st.user``), or None without sign-in."""
    try:
        if not st.user.is_logged_in:
            return None
    except Exception:  # sign-in is not configured
        return None
    value = st.user.get("sub") or st.user.get("email")
    return str(value) if value else None


def scope() -> HistoryScope:
    return history_scope(current_user(), SERVICES.config().store.shared)


def restore(state: Session) -> bool:
    """Open the workspace the URL names (``?ws=``), unless it is open already.

    Runs on every page run, so a reload, a link or History's "Open" all land here.
    A link that cannot be opened is explained and removed from the address.
    """
    wanted = st.query_params.get(WS_PARAM)
    current = state.saver.workspace_id if state.saver is not None else None
    if wanted is None or wanted == current:
        return False
    opened = workspaces.open_workspace(state, SERVICES, wanted, current_user())
    if not opened:
        del st.query_params[WS_PARAM]
    return opened


def new_workspace(state: Session, workspace: Workspace | None = None) -> None:
    """Start another workspace; the old one stays saved, and the address loses its id."""
    workspaces.new_workspace(state, SERVICES, workspace)
    st.query_params.pop(WS_PARAM, None)


def after_run(state: Session) -> None:
    """Save the workspace soon, and keep its id in the address (not while a blind round
    has no vote: a reload or another tab would open it from there; History reopens it
    blind)."""
    workspace_id = workspaces.save_soon(state, SERVICES, current_user())
    if state.arena.hiding:
        st.query_params.pop(WS_PARAM, None)
    elif workspace_id and st.query_params.get(WS_PARAM) != workspace_id:
        st.query_params[WS_PARAM] = workspace_id


def before_run(state: Session) -> None:
    """Take in another tab's save of this workspace; show a save problem, if any."""
    had_saver = state.saver is not None
    problem = workspaces.take_in_other_saves(state)
    if had_saver and state.saver is None:  # deleted elsewhere: saved again under a new id
        st.query_params.pop(WS_PARAM, None)
    if problem is not None:
        warning(
            f"Your latest changes are not saved: {problem.message}", icon=":material/cloud_off:"
        )
