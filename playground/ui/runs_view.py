"""Ask N times on the page: the N input, the run's size, its confirm, and the answers
as tabs (live while they stream, then with agreement, spread and "Keep this answer").

The kept answer is the one in the card's history (``playground.runs``); its tab says
"kept". Tabs are numbered by the order the answers were asked, which keeping another
does not change.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.arena.round import OPEN, CardShows
from playground.limits import MAX_RUNS_PER_PROMPT
from playground.runs import ordered, spreads_summary
from playground.session import Session, ask_n
from playground.streaming import StreamJob
from playground.ui.resources import SERVICES
from playground.ui.run_stops import pause
from playground.ui.state import session
from playground.workspace import Card, Message, SamplingSettings

SYNC_RUNS_KEY = "sync_runs"  # the N for every card (Sync Input)
REDRAW_S = 0.25  # live tabs: each tab's text at most 4 times a second


def runs_input(state: Session, key: str, card_ids: list[str]) -> int:
    """The "Ask N times" number (1: an ordinary send) and, above 1, what a run would
    ask. None during a blind round: 1."""
    if state.arena.hiding:
        return 1
    runs = st.number_input(
        "Ask N times",
        min_value=1,
        max_value=MAX_RUNS_PER_PROMPT,
        value=1,
        step=1,
        key=key,
        width=180,
        help="Send the next prompt this many times at once: the answers come as tabs, "
        "with how many agree and the spread of their figures; the first is kept (the "
        "conversation goes on from it) until you keep another.",
    )
    runs = int(runs or 1)
    if runs > 1:
        size = ask_n.run_size(state, SERVICES, card_ids, "", runs)
        st.caption(f"Each prompt: {size.summary()} (before your prompt's own tokens)")
    return runs


def asked_runs(state: Session, key: str) -> int:
    """The N of ``runs_input`` when a prompt is submitted (1 during a blind round)."""
    value = st.session_state.get(key)
    return 1 if state.arena.hiding or not isinstance(value, int) else value


def confirm_box(state: Session) -> None:
    """A held run over ``[limits] confirm_answers_over``: what it asks, Ask or Cancel."""
    pending = state.pending_ask
    if pending is None:
        return
    limit = SERVICES.config().limits.confirm_answers_over
    with st.container(border=True, key="ask-n-confirm"):
        st.warning(
            f"This run asks {pending.size}: more than {limit:,} answers. Send it?",
            icon=":material/warning:",
        )
        with st.container(horizontal=True):
            st.button(
                "Ask",
                key="ask-n-yes",
                type="primary",
                on_click=ask_n.confirm_ask,
                args=(state, SERVICES),
            )
            st.button("Cancel", key="ask-n-no", on_click=ask_n.cancel_ask, args=(state,))


def _keep(card_id: str, run: int) -> None:
    state = session()
    if ask_n.keep(state, card_id, run):
        state.redraw_page = True  # Regenerate/Edit under the card follow the kept one


def answer_tabs(
    message: Message,
    body: Callable[[Message], None],
    card_id: str | None,
    shows: CardShows = OPEN,
    last: bool = False,
) -> None:
    """An answer asked N times: the agreement and spread line, then one tab per answer,
    each drawn by ``body``; on the card's last answer, "Keep this answer" on the others."""
    answers = ordered(message)
    line = ask_n.agreement_line(message)
    spread = spreads_summary(answers) if shows.metrics else ""
    st.caption(" · ".join(part for part in (line, spread) if part), width="stretch")
    names = [f"{m.run} ✓" if m is message else str(m.run) for m in answers]
    kept = f"{message.run} ✓"  # opened on the kept one (just kept: the tab clicked)
    for answer, tab in zip(answers, st.tabs(names, default=kept), strict=True):
        with tab:
            body(answer)
            if answer is message:
                st.caption("Kept: the conversation goes on from this answer.")
            elif last and card_id is not None:
                st.button(
                    "Keep this answer",
                    key=f"{card_id}-keep-{answer.id}",
                    icon=":material/check:",
                    type="tertiary",
                    on_click=_keep,
                    args=(card_id, answer.run),
                    help="The next prompt's history holds this answer instead.",
                )


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
    from playground.ui.live_answer import LiveText  # they draw the tabs' insides
    from playground.ui.live_channel import channel_for, live_answer
    from playground.ui.messages import message_body

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
