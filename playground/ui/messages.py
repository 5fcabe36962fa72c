"""Rendering chat messages (a streaming answer is followed by ``live_answer``)."""

from __future__ import annotations

import streamlit as st

from playground.safe_markdown import block_images
from playground.workspace import Message, Metrics


def metrics_caption(metrics: Metrics | None) -> str | None:
    return (metrics.summary() or None) if metrics is not None else None


def _safe(text: str, images: bool) -> str:
    return text if images else block_images(text)


def message_body(message: Message, images: bool = False, key: str | None = None) -> None:
    """The inside of one chat bubble: text, then status, error and figures.

    With a ``key`` (unique per card), a finished answer also gets its "Copy
    answer" button and the answers a Regenerate replaced.

    Markdown renders without raw HTML; images are not loaded unless allowed.
    A thinking model's reasoning sits in a collapsed "Reasoning" expander above.
    """
    if message.reasoning:
        with st.expander("Reasoning", icon=":material/psychology:"):
            st.markdown(_safe(message.reasoning, images))
    if message.content:
        st.markdown(_safe(message.content, images))
    elif message.role == "assistant" and message.status == "done":
        st.caption(":material/info: The model returned an empty answer.")
    if message.status == "stopped":
        st.caption(
            ":material/stop_circle: Stopped"
            + ("" if message.content else " before any text arrived")
        )
    if message.status == "error" and message.error:
        st.error(message.error, icon=":material/error:")
    caption = metrics_caption(message.metrics) if message.role == "assistant" else None
    if key is None or message.role != "assistant":
        if caption:
            st.caption(caption)
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if message.content:
            _copy_button(message, key)
        if caption:
            st.caption(caption)
    if message.earlier:
        _earlier_answers(message, images)


def _copy_button(message: Message, key: str) -> None:
    with st.popover(
        "",
        icon=":material/content_copy:",
        help="Copy answer",
        type="tertiary",
        key=f"{key}-copy-{message.id}",
    ):
        st.code(message.content, language="markdown", wrap_lines=True)
        st.caption("The answer's Markdown: copy it with the button at the box's top right.")


def _earlier_answers(message: Message, images: bool) -> None:
    count = len(message.earlier)
    label = "Earlier answer" if count == 1 else f"Earlier answers ({count})"
    with st.expander(label, icon=":material/history:"):
        for number, old in enumerate(message.earlier, start=1):
            if count > 1:
                st.caption(f"Answer {number} of {count + 1}")
            if old.replied_to is not None:
                shown = " ".join(old.replied_to.split())
                shown = shown if len(shown) <= 120 else shown[:119] + "…"
                st.caption(f"In reply to an earlier version of the prompt: “{_safe(shown, False)}”")
            message_body(old, images)
            if number < count:
                st.divider()


def history(messages: list[Message], images: bool = False, key: str | None = None) -> None:
    for message in messages:
        if message.status == "streaming":
            continue
        with st.chat_message(message.role):
            message_body(message, images, key)
