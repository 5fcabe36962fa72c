"""Export the workspace (JSON, Markdown) and import a JSON export, from the sidebar."""

from __future__ import annotations

import streamlit as st

from playground.session import Session
from playground.session.workspaces.imports import (
    cancel_import,
    check_import,
    confirm_import,
    upload_limit_mb,
)
from playground.ui.resources import SERVICES
from playground.ui.text import error, label
from playground.ui.workspaces import persistence
from playground.workspace.export import export_json, export_markdown


def export_buttons(state: Session) -> None:
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


def import_control(state: Session) -> None:
    """Upload a JSON export; after checking it, ask before replacing the workspace."""
    imports = state.imports
    key = f"import_file_{imports.nonce}"
    st.file_uploader(
        "Import JSON",
        type=["json"],
        key=key,
        on_change=lambda: _check_upload(state, key),
        max_upload_size=(
            mb := upload_limit_mb(SERVICES, int(st.get_option("server.maxUploadSize")))
        ),
        help=f"A file made by Export JSON (at most {mb} MB, the export of the largest "
        "workspace this playground keeps). It replaces the cards on this page.",
    )
    if imports.error:
        error(imports.error, icon=":material/error:")
    if imports.pending is None:
        return
    name, workspace = imports.pending
    st.warning(
        f"Replace the {len(state.workspace.cards)} cards on this page with the "
        f"{len(workspace.cards)} cards of '{label(name)}'?",
        icon=":material/upload_file:",
    )
    with st.container(horizontal=True, gap="small"):
        st.button("Replace", key="import_confirm", type="primary", on_click=_replace, args=(state,))
        st.button("Cancel", key="import_cancel", on_click=cancel_import, args=(state,))


def _check_upload(state: Session, key: str) -> None:
    upload = st.session_state.get(key)
    data = upload.getvalue() if upload is not None else None
    check_import(state, SERVICES, str(getattr(upload, "name", "file")), data)


def _replace(state: Session) -> None:
    if state.imports.pending is not None:
        confirm_import(state, SERVICES)  # the current workspace stays saved as it was
        st.query_params.pop(persistence.WS_PARAM, None)
