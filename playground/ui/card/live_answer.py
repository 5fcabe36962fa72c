"""Following a streaming answer: live, then the final message in its place.

A card's fragment calls ``follow`` for the answer its job streams. Where the app's
token route is served, the text streams to the live-answer component over it
(``live_channel``) and the fragment only waits for the end; elsewhere (AppTest, a
host without the ``st.App`` entry) the fragment redraws the answer as it grows, on a
timing shared by every streaming card of the process (``playground.chat.redraws``).
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from playground.arena.round import OPEN, CardShows
from playground.chat.streaming import Snapshot, StreamJob
from playground.chat.tools.calls import ToolCall, part_order
from playground.rendering.markdown_blocks import BlockSplitter
from playground.ui.card.live_channel import channel_for, live_answer
from playground.ui.card.messages import _safe, message_body, model_caption
from playground.ui.draw_turns import DRAWING
from playground.ui.resources import redraw_budget
from playground.ui.run_stops import pause, replaced, wait_for_change
from playground.ui.text import SHOWN_LIMIT
from playground.ui.tools.calls import draw_call
from playground.workspace.types import SamplingSettings

_CURSOR = " ▌"


def follow(
    job: StreamJob,
    slot: DeltaGenerator,
    images: bool = False,
    key: str | None = None,
    shows: CardShows = OPEN,
    named: bool = False,
    settings: SamplingSettings | None = None,
) -> None:
    """Draw ``job``'s answer as a chat bubble in ``slot`` as it streams, then the final one.

    Finished blocks are drawn once and only the short tail is redrawn, at most
    every ``RedrawBudget.interval()`` seconds (20 a second per card, less when
    many cards of the process stream), so the bytes sent grow linearly with the
    answer. Each redraw is a Streamlit yield point: a rerun or stop request ends
    this loop, while the job itself keeps streaming.

    The live bubble is laid out as ``history`` lays out the final one (the model's
    caption if ``named``, the reasoning's place, then the text), so the final
    bubble, here and in the next run at the same place, replaces it part for part
    (a bubble redrawn keeps its parts until each is replaced): the answer never
    blanks or shows twice on its way to its final form, even when its reasoning
    is found only after its text began (a chat template that opened ``<think>``).
    """
    bubble = slot.chat_message("assistant")
    with bubble:
        model_caption(job.message, named)
    channel = channel_for(job)
    if channel is not None:  # the text streams over the app's route: wait for the end
        with bubble:
            live_answer(channel, key or "answer")
        _wait_for_end(job)
    else:
        live = _Live(bubble, shows)
        with redraw_budget().follow():
            _follow_live(job, live, images)
    with slot.chat_message("assistant"):
        model_caption(job.message, named)
        message_body(job.message, images, key, shows, settings)


def _wait_for_end(job: StreamJob) -> None:
    """Wait, drawing nothing, until the answer ends (a stop request ends the wait)."""
    seen = -1
    with DRAWING.released():  # the final answer is drawn in a new turn
        while not (snap := wait_for_change(job, seen, 0.5)).done:
            if replaced():  # no redraw here to be the yield point: look at the stop flag
                raise StopException()
            seen = snap.version


def _follow_live(job: StreamJob, live: _Live, images: bool) -> None:
    budget = redraw_budget()
    seen = -1
    started = time.monotonic()
    last_draw = 0.0
    while True:
        snap = wait_for_change(job, seen, 0.5)
        if snap.done:
            return
        now = time.monotonic()
        if snap.version != seen:
            seen = snap.version
            live.show(snap, images)
            last_draw = now
        elif now - last_draw >= 0.5:
            # A heartbeat while a server is slow: shows progress, and is a yield point.
            live.heartbeat(f"… waiting {now - started:.0f} s", images)
            last_draw = now
        pause(budget.interval() - (time.monotonic() - now))


class _Live:
    """The parts of a streaming answer, as ``message_body`` lays them out: the
    reasoning's place, then its text and tool calls in the order they came (the text
    as finished blocks + tail; each call as a block with its name and its arguments as
    received so far: marks and fit come with the final answer)."""

    def __init__(self, box: DeltaGenerator, shows: CardShows) -> None:
        self._box = box
        self._shows = shows
        self._thoughts_slot = box.empty()  # takes no room until the reasoning begins
        self._slots = [box.empty()]  # one per part of the answer, in order
        self._slots[0].markdown("…")
        self._held: list[object] = [None]  # what each slot shows: a _Text or a ToolCall
        self._thoughts: _Reasoning | None = None
        self._waited: int | None = None  # the call block showing "… waiting", if one does

    def show(self, snap: Snapshot, images: bool) -> None:
        text, reasoning, thinking = snap.text, snap.reasoning, snap.thinking
        if reasoning:
            if self._thoughts is None:
                self._thoughts = _Reasoning(self._thoughts_slot, self._shows)
            self._thoughts.show(reasoning, thinking, images)
        order = part_order(list(snap.parts), bool(text), len(snap.calls))
        if not order:
            if not (text or reasoning) and self._held[0] is None:
                self._slots[0].markdown("… thinking" if thinking else "…")
                return
            order = ["text"]  # the text's place, holding "… thinking" until it begins
        for number, part in enumerate(order):
            if part == "text":
                self._text_at(number, images).show(text, thinking)
            else:
                self._call_at(number, snap.calls[int(part.removeprefix("call:"))])

    def _slot(self, number: int) -> DeltaGenerator:
        while len(self._slots) <= number:
            self._slots.append(self._box.empty())
            self._held.append(None)
        return self._slots[number]

    def _text_at(self, number: int, images: bool) -> _Text:
        slot = self._slot(number)
        held = self._held[number]
        if not isinstance(held, _Text):
            held = self._held[number] = _Text(slot, self._shows, images)
        return held

    def _call_at(self, number: int, call: ToolCall, waiting: str = "") -> None:
        slot = self._slot(number)
        if self._held[number] == call and not waiting and self._waited != number:
            return  # drawn as it is: a call's block is redrawn only when it grew
        self._held[number], self._waited = call, number if waiting else None
        shown = call.model_copy(update={"arguments": call.arguments[:SHOWN_LIMIT]})
        with slot.container():
            draw_call(shown, [], None, self._shows)
            if waiting:
                st.caption(waiting)

    def heartbeat(self, waiting: str, images: bool) -> None:
        last = len(self._held) - 1
        held = self._held[last]
        if held is None:
            self._slots[last].markdown(waiting)
        elif isinstance(held, _Text):
            held.heartbeat(waiting)
        else:
            assert isinstance(held, ToolCall)
            self._call_at(last, held, waiting)


class _Text:
    """The live text of an answer: finished blocks drawn once, and the short tail."""

    def __init__(self, slot: DeltaGenerator, shows: CardShows, images: bool) -> None:
        self._shows = shows
        self._images = images
        body = slot.container()
        self._finished_slot = body.empty()
        self._tail = body.empty()
        self._finished = self._finished_slot.container()
        self._splitter = BlockSplitter()
        self._fed = ""

    def show(self, text: str, thinking: bool) -> None:
        if not text.startswith(self._fed):
            # The text was re-split (a closing </think> moved it into the reasoning):
            # an empty slot first, so the new container does not keep the old blocks.
            self._splitter = BlockSplitter()
            self._finished_slot.empty()
            self._finished = self._finished_slot.container()
        self._fed = text
        # Past the limit only the start is drawn; the whole text comes at the end.
        for block in self._splitter.feed(text[:SHOWN_LIMIT]):
            self._finished.markdown(_safe(block, self._images, self._shows))
        self._tail.markdown(self._shown_tail() if text else ("… thinking" if thinking else "…"))

    def _shown_tail(self) -> str:
        tail = _safe(self._splitter.tail, self._images, self._shows)
        return tail + _more(self._fed) + _CURSOR

    def heartbeat(self, waiting: str) -> None:
        self._tail.markdown(self._shown_tail() if self._fed else waiting)


class _Reasoning:
    """The live "Reasoning" expander of a streaming answer (collapsed; drawn in blocks)."""

    def __init__(self, slot: DeltaGenerator, shows: CardShows) -> None:
        self._shows = shows
        # One child, as in message_body's expander, so the final text replaces it whole.
        with slot.expander("Reasoning", icon=":material/psychology:"), st.container():
            self._finished = st.container()
            self._tail = st.empty()
        self._splitter = BlockSplitter()

    def show(self, text: str, thinking: bool, images: bool) -> None:
        for block in self._splitter.feed(text[:SHOWN_LIMIT]):
            self._finished.markdown(_safe(block, images, self._shows))
        tail = _safe(self._splitter.tail, images, self._shows)
        self._tail.markdown(tail + (_CURSOR if thinking else ""))


LiveText = _Text  # a streaming text elsewhere (runs_view: one per tab of Ask N times)


def _more(text: str) -> str:
    """While a very long answer streams: how much is not drawn."""
    if len(text) <= SHOWN_LIMIT:
        return ""
    return f"\n\n*… {len(text) - SHOWN_LIMIT:,} more characters so far (a download when done)*"
