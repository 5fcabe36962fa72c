"""Files in the chat inputs: what a submitted input holds, and previews in the prompt."""

from __future__ import annotations

import base64
from typing import Any

import streamlit as st

from playground.config.limits import MAX_ATTACHMENT_BYTES, MIB
from playground.ui import text as safe_text
from playground.workspace.attachments import ACCEPTED
from playground.workspace.types import Message

INPUT_FILES: dict[str, Any] = {
    "accept_file": "multiple",
    "file_type": ACCEPTED,
    "max_upload_size": MAX_ATTACHMENT_BYTES // MIB,
}  # what every chat input takes: images and text files, 10 MB each


def submitted(value: object) -> tuple[str, list[tuple[str, bytes]]]:
    """A chat input's value (text, or text and files when files are accepted)."""
    if value is None or isinstance(value, str):
        return value or "", []
    text = getattr(value, "text", "") or ""
    files = [(f.name, f.getvalue()) for f in getattr(value, "files", []) or []]
    return text, files


def previews(message: Message) -> None:
    """A prompt's files: images shown small (from the thumbnail made when they were
    attached, never the file), text files folded."""
    images = [a for a in message.attachments if a.is_image]
    shown = [(a, thumbnail) for a in images if (thumbnail := a.preview())]
    if shown:
        st.image(
            [base64.b64decode(thumbnail) for _, thumbnail in shown],
            caption=[safe_text.label(a.name) for a, _ in shown],
            width=120,
        )
    for broken in (a for a in images if not a.preview()):
        safe_text.caption(
            f"{broken.name}: no preview (the image could not be read)",
            icon=":material/broken_image:",
        )
    for file in (a for a in message.attachments if not a.is_image):
        with st.expander(f":material/description: {safe_text.label(file.name)}"):
            st.code(file.data[:20_000], language=None, wrap_lines=True)
