"""Rendering chat messages and following a streaming answer."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.markdown_blocks import BlockSplitter
from playground.safe_markdown import block_images
from playground.streaming import StreamJob
from playground.workspace import Message, Metrics

REDRAW_INTERVAL = 0.05  # at most ~20 redraws a second per card
_CURSOR = " ▌"


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
            f":material/stop_circle: {message.error}"  # why it stopped by itself
            if message.error
            else ":material/stop_circle: Stopped"
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


def follow(
    job: StreamJob, placeholder: DeltaGenerator, images: bool = False, key: str | None = None
) -> None:
    """Draw ``job``'s answer into ``placeholder`` as it streams, then the final message.

    Finished blocks are drawn once and only the short tail is redrawn, at most
    every ``REDRAW_INTERVAL`` seconds, so the bytes sent grow linearly with the
    answer. Each redraw is a Streamlit yield point: a rerun or stop request ends
    this loop, while the job itself keeps streaming.
    """
    splitter = BlockSplitter()
    with placeholder.container():
        thoughts = st.empty()
        finished_slot = st.empty()
        tail = st.empty()
    finished = finished_slot.container()
    thought_view: _Reasoning | None = None
    fed = ""
    seen = -1
    started = time.monotonic()
    last_draw = 0.0
    while True:
        snap = job.wait_for_change(seen, timeout=0.5)
        if snap.done:
            break
        now = time.monotonic()
        if snap.version != seen:
            seen = snap.version
            if snap.reasoning:
                if thought_view is None:
                    thought_view = _Reasoning(thoughts)
                thought_view.show(snap.reasoning, snap.thinking, images)
            if not snap.text.startswith(fed):
                # The text was re-split (a closing </think> moved it into the reasoning).
                splitter = BlockSplitter()
                finished = finished_slot.container()
            fed = snap.text
            for block in splitter.feed(snap.text):
                finished.markdown(_safe(block, images))
            tail.markdown(
                _safe(splitter.tail, images) + _CURSOR
                if snap.text
                else ("… thinking" if snap.thinking else "…")
            )
            last_draw = now
        elif now - last_draw >= 0.5:
            # A heartbeat while a server is slow: shows progress, and is a yield point.
            tail.markdown(
                _safe(splitter.tail, images) + _CURSOR
                if snap.text
                else f"… waiting {now - started:.0f} s"
            )
            last_draw = now
        spare = REDRAW_INTERVAL - (time.monotonic() - now)
        if spare > 0:
            time.sleep(spare)
    # Clear every live slot, then draw the final message. Redrawing a block that
    # was already sent in this run keeps its extra old children (a stale tail
    # with its cursor would stay under the answer), so each slot is emptied first.
    thoughts.empty()
    tail.empty()
    finished_slot.empty()
    with finished_slot.container():
        message_body(job.message, images, key)


class _Reasoning:
    """The live "Reasoning" expander of a streaming answer (collapsed; drawn in blocks)."""

    def __init__(self, slot: DeltaGenerator) -> None:
        with slot.expander("Reasoning", icon=":material/psychology:"):
            self._finished = st.container()
            self._tail = st.empty()
        self._splitter = BlockSplitter()

    def show(self, text: str, thinking: bool, images: bool) -> None:
        for block in self._splitter.feed(text):
            self._finished.markdown(_safe(block, images))
        self._tail.markdown(_safe(self._splitter.tail, images) + (_CURSOR if thinking else ""))
