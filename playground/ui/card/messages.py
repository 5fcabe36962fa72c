"""Rendering chat messages (a streaming answer is followed by ``live_answer``)."""

from __future__ import annotations

import streamlit as st

from playground.arena.round import OPEN, CardShows
from playground.ui import text as safe_text
from playground.ui.card import runs as runs_view
from playground.ui.card.attachments import previews
from playground.ui.text import answer, answer_markdown
from playground.ui.tools.calls import (
    draw_answer_fit,
    draw_calls_part,
    draw_json_answer,
    ordered_parts,
)
from playground.workspace.naming import short_model_id
from playground.workspace.types import Message, Metrics, SamplingSettings


def metrics_caption(metrics: Metrics | None) -> str | None:
    return (metrics.summary() or None) if metrics is not None else None


def _safe(text: str, images: bool, shows: CardShows = OPEN) -> str:
    # Names are masked in the raw text, before it is made safe (escaping would hide them).
    return answer_markdown(shows.hide(text), images)


def message_body(
    message: Message,
    images: bool = False,
    key: str | None = None,
    shows: CardShows = OPEN,
    settings: SamplingSettings | None = None,
) -> None:
    """The inside of one chat bubble: text, then status, error and figures.

    With a ``key`` (unique per card), a finished answer also gets its "Copy
    answer" button and the answers a Regenerate replaced.

    Everything a server wrote is drawn through ``playground.ui.text``: Markdown
    made safe (images only if allowed), errors as plain text, a huge answer as
    its start and a download. A thinking model's reasoning sits in a collapsed
    "Reasoning" expander above. ``shows`` masks names and figures in a blind card
    (``what_card_shows``). Tool calls are drawn where they came among the text
    (``tool_calls_view``); with the card's ``settings``, a finished answer also says
    whether its calls fit their tools and its text the response format.

    An answer's first part is always its reasoning's place (an empty slot, which
    takes no room, when it has none): a streaming answer is laid out the same way
    (``live_answer``), so its final form replaces it part for part, whenever its
    reasoning began.
    """
    if message.reasoning:
        with st.expander("Reasoning", icon=":material/psychology:"):
            answer(shows.hide(message.reasoning), images, f"dl-reasoning-{message.id}")
    elif message.role == "assistant":
        st.empty()
    for part in ordered_parts(message):
        if part != "text":
            draw_calls_part(message, part, settings, shows)
        elif message.content:
            if not draw_json_answer(message, settings, shows):
                answer(shows.hide(message.content), images, f"dl-answer-{message.id}")
            draw_answer_fit(message, settings, shows)
    empty = not (message.content or message.tool_calls)
    if empty and message.role == "assistant" and message.status == "done":
        st.caption(":material/info: The model returned an empty answer.")
    if message.attachments:
        previews(message)
    if message.status == "stopped":
        st.caption(
            f":material/stop_circle: {shows.hide(message.error)}"  # why it stopped by itself
            if message.error
            else ":material/stop_circle: Stopped"
            + ("" if message.content else " before any text arrived")
        )
    if message.status == "error" and message.error:
        safe_text.error(shows.hide(message.error), icon=":material/error:")
    figures = message.role == "assistant" and shows.metrics
    caption = metrics_caption(message.metrics) if figures else None
    if key is None or message.role != "assistant":
        if caption:
            st.caption(caption)
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if message.content:
            _copy_button(message, key, shows)
        if caption:
            st.caption(caption)
    if message.earlier:
        _earlier_answers(message, images, shows)


def _copy_button(message: Message, key: str, shows: CardShows = OPEN) -> None:
    with st.popover(
        "",
        icon=":material/content_copy:",
        help="Copy answer",
        type="tertiary",
        key=f"{key}-copy-{message.id}",
    ):
        st.code(shows.hide(message.content), language="markdown", wrap_lines=True)
        st.caption("The answer's Markdown: copy it with the button at the box's top right.")


def _earlier_answers(message: Message, images: bool, shows: CardShows = OPEN) -> None:
    count = len(message.earlier)
    label = "Earlier answer" if count == 1 else f"Earlier answers ({count})"
    with st.expander(label, icon=":material/history:"):
        for number, old in enumerate(message.earlier, start=1):
            if count > 1:
                st.caption(f"Answer {number} of {count + 1}")
            if old.replied_to is not None:
                shown = " ".join(old.replied_to.split())
                shown = shown if len(shown) <= 120 else shown[:119] + "…"
                safe_text.caption(
                    f"In reply to an earlier version of the prompt: “{shows.hide(shown)}”"
                )
            message_body(old, images, shows=shows)
            if number < count:
                st.divider()


def history(
    messages: list[Message],
    images: bool = False,
    key: str | None = None,
    shows: CardShows = OPEN,
    settings: SamplingSettings | None = None,
) -> None:
    named = models_named(messages, shows)
    for message in messages:
        if message.status == "streaming" or any(r.status == "streaming" for r in message.runs):
            continue  # followed live (live_answer, runs_view)
        with st.chat_message(message.role):
            model_caption(message, named)
            if message.runs:  # asked N times: one tab each
                last = message is messages[-1]

                def body(run: Message) -> None:
                    message_body(run, images, key, shows, settings)

                runs_view.answer_tabs(message, body, key, shows, last)
                continue
            message_body(message, images, key, shows, settings)


def models_named(messages: list[Message], shows: CardShows = OPEN) -> bool:
    """Whether each answer names its model: the card's model changed mid-conversation."""
    models = {m.model for m in messages if m.role == "assistant" and m.model}
    return len(models) > 1 and not shows.blind


def model_caption(message: Message, named: bool) -> None:
    """An answer's model above it, when ``named`` (``models_named``)."""
    if named and message.role == "assistant" and message.model:
        safe_text.caption(short_model_id(message.model), icon=":material/smart_toy:")
