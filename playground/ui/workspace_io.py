"""Export the workspace (JSON, Markdown) and import a JSON export, from the sidebar."""

from __future__ import annotations

import streamlit as st

from playground.export import ImportProblem, export_json, export_markdown, import_json
from playground.ui import backendai, persistence
from playground.ui.resources import load_settings
from playground.ui.state import AppState, app_state
from playground.ui.text import error, label

MAX_UPLOAD_MB = 20


def export_buttons(state: AppState) -> None:
    """Download buttons; the file is built only when clicked (in Streamlit's thread)."""
    with st.container(gap="small"):
        st.download_button(
            "Export JSON",
            data=lambda: export_json(state.workspace),
            file_name="llm-playground-workspace.json",
            mime="application/json",
            key="export_json",
            icon=":material/download:",
            width="stretch",
            on_click="ignore",
            help="Export the workspace (cards, endpoint names, models, settings, histories, "
            "figures; never tokens). Import it again here.",
        )
        st.download_button(
            "Export Markdown",
            data=lambda: export_markdown(state.workspace).encode("utf-8"),
            file_name="llm-playground-transcript.md",
            mime="text/markdown",
            key="export_markdown",
            icon=":material/download:",
            width="stretch",
            on_click="ignore",
            help="A readable transcript, card by card, with settings and figures.",
        )


def import_control(state: AppState) -> None:
    """Upload a JSON export; after checking it, ask before replacing the workspace."""
    st.file_uploader(
        "Import JSON",
        type=["json"],
        key=f"import_file_{state.import_nonce}",
        on_change=_check_upload,
        max_upload_size=MAX_UPLOAD_MB,
        help="A file made by Export JSON. It replaces the cards on this page.",
    )
    if state.import_error:
        error(state.import_error, icon=":material/error:")
    pending = state.pending_import
    if pending is None:
        return
    name, workspace = pending
    st.warning(
        f"Replace the {len(state.workspace.cards)} cards on this page with the "
        f"{len(workspace.cards)} cards of '{label(name)}'?",
        icon=":material/upload_file:",
    )
    with st.container(horizontal=True, gap="small"):
        st.button("Replace", key="import_confirm", type="primary", on_click=_replace)
        st.button("Cancel", key="import_cancel", on_click=_cancel)


def _check_upload() -> None:
    state = app_state()
    upload = st.session_state.get(f"import_file_{state.import_nonce}")
    state.import_error = None
    state.pending_import = None
    if upload is None:
        return
    loaded, catalog = load_settings()
    name = str(getattr(upload, "name", "file"))[:80]
    try:
        workspace = import_json(
            upload.getvalue(),
            endpoints=catalog.names,
            max_cards=loaded.limits.max_cards,
            max_bytes=MAX_UPLOAD_MB * 1024 * 1024,
            remote_prefix=backendai.PREFIX if loaded.backendai is not None else None,
        )
    except ImportProblem as exc:
        state.import_error = f"'{name}' was not imported. {exc.message}"
        return
    state.pending_import = (name, workspace)


def _replace() -> None:
    state = app_state()
    if state.pending_import is None:
        return
    _, workspace = state.pending_import
    persistence.new_workspace(state, workspace)  # the current one stays saved as it was
    state.pending_import = None
    state.import_nonce += 1  # a fresh, empty uploader


def _cancel() -> None:
    state = app_state()
    state.pending_import = None
    state.import_error = None
    state.import_nonce += 1
