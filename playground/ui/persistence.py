"""Saving the workspace as you go, and restoring it from its link (``?ws=<id>``).

Each session holds an ``AutoSaver`` for its workspace. The workspace is
created in the store at its first prompt (a visit that sends nothing stores
nothing); from then on the URL carries its id, every page run marks it dirty,
and the saver writes in the background (while answers stream, at least every
``[store] autosave_interval`` seconds). A reload or another browser opens the
same link and gets the workspace back.

Who sees what: with Streamlit's sign-in, workspaces belong to the signed-in
person. Without it, a workspace's link opens it for anyone who has it (the id
is a random 128-bit secret); the History page lists every workspace only in
single-user mode (``[store] shared = false``, the default).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from playground.chat import Workspace
from playground.store import (
    AutoSaver,
    StoreConfig,
    StoreError,
    WorkspaceNotFound,
    WorkspaceStore,
    is_workspace_id,
)
from playground.ui.resources import load_settings
from playground.ui.state import AppState, replace_workspace
from playground.ui.text import warning

log = logging.getLogger(__name__)
WS_PARAM = "ws"


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(config: StoreConfig) -> WorkspaceStore:
    """One store per process (thread-safe). Raises ``StoreError``, which is not cached:
    a database that was down is tried again on the next run."""
    return WorkspaceStore.from_config(config)


def _open() -> WorkspaceStore | StoreError:
    try:
        return _store(load_settings()[0].store)
    except StoreError as exc:
        log.warning("the workspace store cannot be opened: %s", type(exc).__name__)
        return exc


def store() -> WorkspaceStore | None:
    result = _open()
    return result if isinstance(result, WorkspaceStore) else None


def store_problem() -> str | None:
    result = _open()
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


@dataclass(frozen=True)
class HistoryScope:
    """Whether History is on for this visitor, and whose workspaces it lists and changes."""

    enabled: bool
    owner: str | None  # the signed-in person, or None: workspaces saved without sign-in


def history_scope() -> HistoryScope:
    """Signed in: that person's own. Not signed in: those saved without sign-in, and
    only in single-user mode (``[store] shared = false``); never someone else's."""
    user = current_user()
    if user is not None:
        return HistoryScope(True, user)
    return HistoryScope(not load_settings()[0].store.shared, None)


def _saver(state: AppState, workspace_id: str | None, revision: int) -> AutoSaver | None:
    saved_in = store()
    if saved_in is None:
        return None
    return AutoSaver(
        saved_in,
        lambda: state.workspace,
        workspace_id=workspace_id,
        revision=revision,
        owner=current_user(),
        interval=load_settings()[0].store.autosave_interval,
    )


def restore(state: AppState) -> bool:
    """Open the workspace the URL names (``?ws=``), unless it is open already.

    Runs on every page run, so a reload, a link or History's "Open" all land here.
    A link that cannot be opened is explained and removed from the address.
    """
    wanted = st.query_params.get(WS_PARAM)
    current = state.saver.workspace_id if state.saver is not None else None
    if wanted is None or wanted == current:
        return False
    opened = open_workspace(state, wanted)
    if not opened:
        del st.query_params[WS_PARAM]
    return opened


def open_workspace(state: AppState, workspace_id: str) -> bool:
    """Replace the session's workspace with a saved one (if this person may open it)."""
    saved_in = store()
    if saved_in is None:
        state.notices.append(f"Saved workspaces are not available: {store_problem()}")
        return False
    stored = None
    try:
        stored = saved_in.load(workspace_id) if is_workspace_id(workspace_id) else None
    except StoreError as exc:
        state.notices.append(f"The workspace could not be opened: {exc.message}")
        return False
    user = current_user()
    if stored is None or (stored.owner is not None and stored.owner != user):
        state.notices.append(
            "This workspace link is unknown (it may have been deleted, or the link is "
            "incomplete). A new workspace was started."
        )
        return False
    leave(state)
    replace_workspace(state, stored.workspace.settle())
    state.saver = _saver(state, stored.id, stored.revision)
    state.link_applied = True  # a workspace link wins over ?card=
    return True


def leave(state: AppState) -> None:
    """Save what is left of the current workspace and let go of its saver."""
    if state.saver is not None:
        state.saver.stop()
        state.saver = None


def new_workspace(state: AppState, workspace: Workspace | None = None) -> None:
    """Start another workspace (empty, two cards; or an imported one); the old one stays saved."""
    leave(state)
    replace_workspace(state, workspace if workspace is not None else Workspace())
    st.query_params.pop(WS_PARAM, None)


def after_run(state: AppState) -> None:
    """Save the workspace soon; the first time it holds a prompt, create it and link it."""
    if state.saver is None:
        if not any(card.messages for card in state.workspace.cards):
            return
        state.saver = _saver(state, None, 0)
        if state.saver is None:
            return
        state.saver.flush()  # create it now, so the link can carry its id
    state.saver.mark_dirty()  # and keep saving while answers stream
    workspace_id = state.saver.workspace_id
    if workspace_id and st.query_params.get(WS_PARAM) != workspace_id:
        st.query_params[WS_PARAM] = workspace_id


def before_run(state: AppState) -> None:
    """Take in another tab's save of this workspace; show a save problem, if any."""
    saver = state.saver
    if saver is None:
        return
    saver.apply_merge()
    if isinstance(saver.last_error, WorkspaceNotFound):
        # Deleted elsewhere (History in another tab): keep what is on the page by
        # saving it again as a new workspace, with a new link.
        saver.stop(flush=False)
        state.saver = None
        st.query_params.pop(WS_PARAM, None)
        state.notices.append(
            "This workspace was deleted elsewhere. What is on this page is kept and saved "
            "again as a new workspace, with a new link."
        )
        return
    if saver.last_error is not None:
        warning(
            f"Your latest changes are not saved: {saver.last_error.message}",
            icon=":material/cloud_off:",
        )
