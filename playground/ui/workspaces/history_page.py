"""The History page: saved workspaces, newest first; search, open, rename, delete."""

from __future__ import annotations

import streamlit as st

from playground.config.limits import MAX_SEARCH_CHARS
from playground.session import Session
from playground.session.workspaces import saving as workspaces
from playground.session.workspaces.history import ago, told_apart
from playground.store import StoreError, WorkspaceSummary
from playground.ui.prompt_sets.history import history_runs
from playground.ui.resources import SERVICES
from playground.ui.state import session
from playground.ui.text import caption, error, label
from playground.ui.workspaces import persistence

PAGE_SIZE = 50


def render() -> None:
    state = session()
    st.markdown("### History")
    store = persistence.store()
    if store is None:
        error(
            f"Saved workspaces are not available: {persistence.store_problem()}",
            icon=":material/cloud_off:",
        )
        return
    scope = persistence.scope()
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
        max_chars=MAX_SEARCH_CHARS,
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
    blind = state.arena.hiding  # no row names a model while a round has no vote
    if blind:
        st.caption(":material/visibility_off: Models are not shown while a blind round runs.")
    apart = told_apart(found, models=not blind)
    for summary in found:
        _row(state, summary, owner, current, apart.get(summary.id), blind)
    if len(found) == PAGE_SIZE:
        st.caption(f"Showing the newest {PAGE_SIZE}; search to find older ones.")
    history_runs()


def _row(
    state: Session,
    summary: WorkspaceSummary,
    owner: str | None,
    current: str | None,
    apart: str | None = None,
    blind: bool = False,
) -> None:
    key = f"hist-{summary.id}"
    with st.container(border=True, key=key):
        with st.container(horizontal=True, vertical_alignment="center"):
            title = label(summary.title) if summary.title.strip() else "Untitled workspace"
            here = " · :blue-badge[open now]" if summary.id == current else ""
            also = f"  \n:gray[:small[{label(apart)}]]" if apart else ""  # same-titled rows
            st.markdown(f"**{title}**{here}{also}", width="stretch")
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
        models = "" if blind else " · " + (", ".join(summary.models) or "no model chosen")
        caption(f"{ago(summary.updated_at)} · {summary.messages} messages{models}")


def _rename(workspace_id: str, title_key: str, owner: str | None) -> None:
    title = str(st.session_state.get(title_key, ""))
    workspaces.rename_workspace(SERVICES, workspace_id, title, owner)


def _delete(state: Session, workspace_id: str, owner: str | None) -> None:
    workspaces.delete_workspace(state, SERVICES, workspace_id, owner)
