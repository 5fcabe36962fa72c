"""Rendering chat messages and following a streaming answer."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.blocks import BlockSplitter
from playground.chat import Message, Metrics
from playground.safe_markdown import block_images
from playground.streaming import StreamJob

REDRAW_INTERVAL = 0.05  # at most ~20 redraws a second per card
_CURSOR = " ▌"


def metrics_caption(metrics: Metrics | None) -> str | None:
    if metrics is None:
        return None
    parts = []
    if metrics.ttft_s is not None:
        parts.append(f"first token {metrics.ttft_s:.2f} s")
    if metrics.total_s is not None:
        parts.append(f"total {metrics.total_s:.2f} s")
    if metrics.output_tokens:
        approx = "≈" if metrics.tokens_estimated else ""
        parts.append(f"{approx}{metrics.output_tokens} tokens")
    tps = metrics.tokens_per_second
    if tps is not None:
        parts.append(f"{tps:.1f} tok/s")
    return " · ".join(parts) or None


def _safe(text: str, images: bool) -> str:
    return text if images else block_images(text)


def message_body(message: Message, images: bool = False) -> None:
    """The inside of one chat bubble: text, then status, error and figures.

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
    if caption:
        st.caption(caption)


def history(messages: list[Message], images: bool = False) -> None:
    for message in messages:
        if message.status == "streaming":
            continue
        with st.chat_message(message.role):
            message_body(message, images)


def follow(job: StreamJob, placeholder: DeltaGenerator, images: bool = False) -> None:
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
    with placeholder.container():
        message_body(job.message, images)


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
