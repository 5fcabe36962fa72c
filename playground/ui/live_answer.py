"""Following a streaming answer: live redraws, then the final message in its place.

A card's fragment calls ``follow`` for the answer its job streams. The redraw
timing is shared by every streaming card of the process (``playground.redraws``).
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.arena.round import OPEN, CardShows
from playground.markdown_blocks import BlockSplitter
from playground.streaming import StreamJob
from playground.ui.messages import _safe, message_body
from playground.ui.resources import redraw_budget
from playground.ui.run_stops import pause, wait_for_change
from playground.ui.text import SHOWN_LIMIT

_CURSOR = " ▌"


def follow(
    job: StreamJob,
    placeholder: DeltaGenerator,
    images: bool = False,
    key: str | None = None,
    shows: CardShows = OPEN,
) -> None:
    """Draw ``job``'s answer into ``placeholder`` as it streams, then the final message.

    Finished blocks are drawn once and only the short tail is redrawn, at most
    every ``RedrawBudget.interval()`` seconds (20 a second per card, less when
    many cards of the process stream), so the bytes sent grow linearly with the
    answer. Each redraw is a Streamlit yield point: a rerun or stop request ends
    this loop, while the job itself keeps streaming.

    The live answer is laid out as ``message_body`` lays out the final one (the
    reasoning expander, if any, then the text), so the final message replaces
    it part for part and the answer never blanks on its way to its final form.
    """
    live = _Live(placeholder.container(), shows)
    with redraw_budget().follow():
        _follow_live(job, live, images)
    if live.aligned(bool(job.message.reasoning)):
        # Same-type blocks keep their children until replaced: each live part
        # (expander, text) is replaced in place by its final counterpart.
        with placeholder.container():
            message_body(job.message, images, key, shows)
        return
    # The reasoning began after the text: clear every live slot, then draw.
    live.clear()
    with placeholder.container():
        message_body(job.message, images, key, shows)


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
            live.show(snap.text, snap.reasoning, snap.thinking, images)
            last_draw = now
        elif now - last_draw >= 0.5:
            # A heartbeat while a server is slow: shows progress, and is a yield point.
            live.heartbeat(f"… waiting {now - started:.0f} s", images)
            last_draw = now
        pause(budget.interval() - (time.monotonic() - now))


class _Live:
    """The parts of a streaming answer: ``[reasoning expander,] text`` (finished blocks + tail)."""

    def __init__(self, box: DeltaGenerator, shows: CardShows) -> None:
        self._box = box
        self._shows = shows
        self._first = box.empty()
        self._first.markdown("…")
        self._text_slot: DeltaGenerator | None = None
        self._thoughts: _Reasoning | None = None
        self._thoughts_first = False
        self._splitter = BlockSplitter()
        self._fed = ""
        self._finished: DeltaGenerator | None = None
        self._finished_slot: DeltaGenerator | None = None
        self._thoughts_slot: DeltaGenerator | None = None
        self._tail: DeltaGenerator | None = None

    def aligned(self, reasoning: bool) -> bool:
        """Whether the final message's parts line up with these (see ``follow``)."""
        return (self._thoughts is None and not reasoning) or (self._thoughts_first and reasoning)

    def _text(self) -> None:
        if self._text_slot is None:
            self._text_slot = self._first if self._thoughts is None else self._box.empty()
            body = self._text_slot.container()
            self._finished_slot = body.empty()
            self._tail = body.empty()
            self._finished = self._finished_slot.container()

    def show(self, text: str, reasoning: str, thinking: bool, images: bool) -> None:
        if not (text or reasoning) and self._text_slot is None:
            # Nothing to show yet: the first part says so (and may become the reasoning).
            self._first.markdown("… thinking" if thinking else "…")
            return
        if reasoning:
            if self._thoughts is None:
                self._thoughts_first = self._text_slot is None
                self._thoughts_slot = self._first if self._thoughts_first else self._box.empty()
                self._thoughts = _Reasoning(self._thoughts_slot, self._shows)
            self._thoughts.show(reasoning, thinking, images)
        self._text()
        assert self._finished_slot is not None and self._tail is not None
        assert self._finished is not None
        if not text.startswith(self._fed):
            # The text was re-split (a closing </think> moved it into the reasoning).
            self._splitter = BlockSplitter()
            self._finished = self._finished_slot.container()
        self._fed = text
        # Past the limit only the start is drawn; the whole text comes at the end.
        for block in self._splitter.feed(text[:SHOWN_LIMIT]):
            self._finished.markdown(_safe(block, images, self._shows))
        self._tail.markdown(
            _safe(self._splitter.tail, images, self._shows) + _more(text) + _CURSOR
            if text
            else ("… thinking" if thinking else "…")
        )

    def heartbeat(self, waiting: str, images: bool) -> None:
        if self._tail is None:
            self._first.markdown(waiting)
        elif self._fed:
            self._tail.markdown(
                _safe(self._splitter.tail, images, self._shows) + _more(self._fed) + _CURSOR
            )
        else:
            self._tail.markdown(waiting)

    def clear(self) -> None:
        """Empty every live part (redrawing a block sent in this run would keep its old
        children: a stale tail with its cursor would stay under the answer)."""
        # Innermost first: emptying a part removes the paths of everything inside it.
        for slot in (
            self._tail,
            self._finished_slot,
            self._text_slot,
            self._thoughts_slot,
            self._first,
        ):
            if slot is not None:
                slot.empty()


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


def _more(text: str) -> str:
    """While a very long answer streams: how much is not drawn."""
    if len(text) <= SHOWN_LIMIT:
        return ""
    return f"\n\n*… {len(text) - SHOWN_LIMIT:,} more characters so far (a download when done)*"
