"""The History page: saved workspaces, newest first; search, open, rename, delete."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from playground.chat import Workspace
from playground.store import StoreError, WorkspaceSummary
from playground.ui import persistence
from playground.ui.state import AppState, app_state, replace_workspace
from playground.ui.text import caption, error, label

PAGE_SIZE = 50


def ago(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """'just now', '5 min ago', '3 h ago', 'yesterday', or the date."""
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 2 * 86400:
        return "yesterday"
    return f"{when:%Y-%m-%d}"


def render() -> None:
    state = app_state()
    st.markdown("### History")
    store = persistence.store()
    if store is None:
        error(
            f"Saved workspaces are not available: {persistence.store_problem()}",
            icon=":material/cloud_off:",
        )
        return
    scope = persistence.history_scope()
    owner = scope.owner
    if not scope.enabled:
        st.info(
            "History is off in this shared deployment: sign in to see your workspaces. "
            "A workspace's own link still opens it.",
            icon=":material/lock:",
        )
        return
    query = st.text_input(
        "Search",
        key="history_search",
        placeholder="Search titles and messages",
        icon=":material/search:",
    )
    try:
        found = store.list(owner=owner, query=query, limit=PAGE_SIZE)
    except StoreError as exc:
        error(exc.message, icon=":material/cloud_off:")
        return
    if not found:
        st.caption("No saved workspace matches." if query.strip() else "No saved workspaces yet.")
        return
    current = state.saver.workspace_id if state.saver is not None else None
    for summary in found:
        _row(state, summary, owner, current)
    if len(found) == PAGE_SIZE:
        st.caption(f"Showing the newest {PAGE_SIZE}; search to find older ones.")


def _row(
    state: AppState, summary: WorkspaceSummary, owner: str | None, current: str | None
) -> None:
    key = f"hist-{summary.id}"
    with st.container(border=True, key=key):
        with st.container(horizontal=True, vertical_alignment="center"):
            title = label(summary.title) if summary.title.strip() else "Untitled workspace"
            here = " · :blue-badge[open now]" if summary.id == current else ""
            st.markdown(f"**{title}**{here}", width="stretch")
            if st.button("Open", key=f"{key}-open", icon=":material/open_in_new:"):
                st.switch_page(
                    "pages/playground.py", query_params={persistence.WS_PARAM: summary.id}
                )
            with st.popover("Rename", icon=":material/edit:", key=f"{key}-rename"):
                st.text_input("Title", value=summary.title, key=f"{key}-title", max_chars=200)
                st.button(
                    "Save title",
                    key=f"{key}-save-title",
                    on_click=_rename,
                    args=(summary.id, f"{key}-title", owner),
                    help="An empty title goes back to the first prompt.",
                )
            with st.popover("Delete", icon=":material/delete:", key=f"{key}-delete"):
                st.warning("Delete this workspace for good? Its link stops working.")
                st.button(
                    "Delete workspace",
                    key=f"{key}-confirm-delete",
                    type="primary",
                    on_click=_delete,
                    args=(state, summary.id, owner),
                )
        models = ", ".join(summary.models) or "no model chosen"
        caption(f"{ago(summary.updated_at)} · {summary.messages} messages · {models}")


def _rename(workspace_id: str, title_key: str, owner: str | None) -> None:
    store = persistence.store()
    if store is not None:
        store.rename(workspace_id, str(st.session_state.get(title_key, "")), owner=owner)


def _delete(state: AppState, workspace_id: str, owner: str | None) -> None:
    store = persistence.store()
    if store is None:
        return
    if state.saver is not None and state.saver.workspace_id == workspace_id:
        # The open workspace: stop saving it (not written back), and start afresh.
        state.saver.stop(flush=False)
        state.saver = None
        replace_workspace(state, Workspace())
    store.delete(workspace_id, owner=owner)
