"""An answer asked N times while it streams: one live tab per answer, then the final tabs.

Each tab's text is drawn by ``live_answer.LiveText`` (finished blocks once, a short
tail redrawn); when every answer has ended, ``runs_view.answer_tabs`` draws the tabs.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.arena.round import CardShows
from playground.chat.runs import ordered
from playground.chat.streaming import StreamJob
from playground.session import Session
from playground.ui.card.live_answer import LiveText
from playground.ui.card.live_channel import channel_for, live_answer
from playground.ui.card.messages import message_body
from playground.ui.card.runs import answer_tabs
from playground.ui.run_stops import pause
from playground.workspace.types import Card, Message, SamplingSettings

REDRAW_S = 0.25  # live tabs: each tab's text at most 4 times a second


def follow_runs(
    state: Session,
    card: Card,
    slot: DeltaGenerator,
    images: bool,
    shows: CardShows,
    settings: SamplingSettings,
) -> None:
    """The card's last answer and those asked with it, as live tabs until every one has
    ended; then the final tabs in their place."""
    message = card.messages[-1]
    runtime = state.runtime(card.id)
    jobs: dict[str, StreamJob] = {
        j.message.id: j for j in [runtime.job, *runtime.run_jobs] if j is not None
    }
    answers = ordered(message)
    for answer in answers:  # no stream behind it any more (a reset session): stopped
        if answer.status == "streaming" and answer.id not in jobs:
            answer.status = "stopped"
    with slot.chat_message("assistant"):
        st.caption(f"Asking {len(answers)} times…")
        tabs = st.tabs([str(m.run) for m in answers])
        # Each tab's text as finished blocks drawn once and a short tail (live_answer):
        # the bytes sent grow linearly with the answers, however many tabs.
        # Or, where the app's token route is served, a live-answer component each.
        texts: list[LiveText | None] = []
        for tab, answer in zip(tabs, answers, strict=True):
            job = jobs.get(answer.id)
            channel = channel_for(job) if job is not None else None
            if channel is None:
                texts.append(LiveText(tab.empty(), shows, images))
                continue
            with tab:
                live_answer(channel, f"{card.id}-{answer.run}")
            texts.append(None)
    seen: dict[str, int] = {}
    while True:
        running = 0
        for answer, text in zip(answers, texts, strict=True):
            job = jobs.get(answer.id)
            if job is None:
                continue
            snap = job.snapshot()  # also tells the job a page follows it
            running += not snap.done
            if text is not None and seen.get(answer.id) != snap.version:
                seen[answer.id] = snap.version
                text.show(snap.text, snap.thinking)
        if not running:
            break
        started = time.monotonic()
        pause(REDRAW_S - (time.monotonic() - started))

    def body(answer: Message) -> None:
        message_body(answer, images, card.id, shows, settings)

    with slot.chat_message("assistant"):
        answer_tabs(message, body, card.id, shows, last=True)
