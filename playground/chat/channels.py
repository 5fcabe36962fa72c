"""Per-answer channels: who may read a streaming answer's text outside page runs.

A session that follows a streaming answer asks ``issue(job, owner)`` for a
channel id: an unguessable token (``secrets.token_urlsafe``, 192 bits) naming
that answer for that session (``owner``, Streamlit's session id) only. The same
session asking again gets the same id; another session (a reload, another tab
of the workspace) gets its own. The app's own route (``channel_route``) streams
the answer's text to whoever presents an id while the answer streams; once it
has ended (done, failed, stopped) the id names nothing. Ids are never listed:
the only way to one is the page of the session it was issued to.

A card's next answer can have its id before it starts: ``issue_next(owner,
card_id, source)`` names whatever answer ``source.next_answer(card_id)`` will
stream next (``source`` is the session's state, held weakly: a session that has
gone takes its pending ids with it). The route holds such a reader until the
answer starts, binds the id to it (``bind``), then streams it as any other: the
text starts on the first look after the answer does, not when a page run has
drawn the card again. A bound id is that answer's id for that session, as
``issue`` would have made it.

``mounted`` says whether that route is served by this process: the app's
``st.App`` lifespan sets it. Without it (AppTest, a host that runs the script
without the ``st.App`` entry) nobody could read a channel, so the UI follows
answers with page redraws as before.

Thread-safe: script threads issue, the route's event loop reads.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from dataclasses import dataclass
from typing import Protocol

from playground.chat.streaming import StreamJob

ID_BYTES = 24  # 192 random bits: token_urlsafe gives 32 characters


class NextAnswers(Protocol):
    """What answers a card streams (the session's state: ``Session.next_answer``)."""

    def next_answer(self, card_id: str) -> StreamJob | None: ...


@dataclass(frozen=True)
class _Pending:
    """An id issued for a card's next answer, not started yet."""

    owner: str
    card_id: str
    source: weakref.ref[NextAnswers]
    before: StreamJob | None  # what streamed when it was issued: not "next"


WAITING = "waiting"  # bind: a pending id whose answer has not started yet


class Channels:
    """The open channels of this process; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, StreamJob] = {}  # channel id -> its answer's job
        self._issued: dict[tuple[int, str], str] = {}  # (id(job), owner) -> channel id
        self._pending: dict[str, _Pending] = {}  # channel id -> the card it waits on
        self._next: dict[tuple[str, str], str] = {}  # (card id, owner) -> pending id
        self.mounted = threading.Event()  # the route is served by this process

    def issue_next(self, owner: str, card_id: str, source: NextAnswers) -> str:
        """An id for the next answer ``source`` streams in ``card_id``, for ``owner``; the
        same id until that answer has started."""
        with self._lock:
            self._prune()
            channel = self._next.get((card_id, owner))
            if channel is None:
                channel = secrets.token_urlsafe(ID_BYTES)
                before = source.next_answer(card_id)
                self._pending[channel] = _Pending(owner, card_id, weakref.ref(source), before)
                self._next[(card_id, owner)] = channel
            return channel

    def bind(self, channel: str) -> StreamJob | str | None:
        """A pending id's answer once it has started (the id then names it, as ``issue``
        would), ``WAITING`` until then, None if the id is unknown, ended or its session
        has gone. An id already bound gives its answer while it streams."""
        # The route asks this every 50 ms while a reader waits: it looks at this id only
        # (the others are pruned when ids are issued or counted).
        with self._lock:
            pending = self._pending.get(channel)
            if pending is None:
                return self._streaming(channel)
            source = pending.source()
            if source is None:  # its session has gone
                del self._pending[channel]
                del self._next[(pending.card_id, pending.owner)]
                return None
            job = source.next_answer(pending.card_id)
            if job is None or job is pending.before:
                return WAITING
            del self._pending[channel]
            del self._next[(pending.card_id, pending.owner)]
            self._jobs[channel] = job
            self._issued.setdefault((id(job), pending.owner), channel)
            return job

    def issue(self, job: StreamJob, owner: str) -> str | None:
        """The channel id of ``job``'s answer for ``owner``; None once it has ended."""
        with self._lock:
            self._prune()
            if job.done:
                return None
            key = (id(job), owner)
            channel = self._issued.get(key)
            if channel is None:
                channel = secrets.token_urlsafe(ID_BYTES)
                self._issued[key] = channel
                self._jobs[channel] = job
            return channel

    def job(self, channel: str) -> StreamJob | None:
        """The streaming answer ``channel`` names; None if unknown or ended."""
        with self._lock:
            return self._streaming(channel)

    def _streaming(self, channel: str) -> StreamJob | None:
        job = self._jobs.get(channel)
        return job if job is not None and not job.done else None

    def open_count(self) -> int:
        """How many channels name an answer still streaming."""
        with self._lock:
            self._prune()
            return len(self._jobs)

    def pending_count(self) -> int:
        """How many ids wait for a card's next answer (of sessions still here)."""
        with self._lock:
            self._prune()
            return len(self._pending)

    def _prune(self) -> None:
        gone = [c for c, p in self._pending.items() if p.source() is None]
        for channel in gone:
            pending = self._pending.pop(channel)
            self._next.pop((pending.card_id, pending.owner), None)
        ended = [c for c, job in self._jobs.items() if job.done]
        for channel in ended:
            del self._jobs[channel]
        if ended:
            self._issued = {k: c for k, c in self._issued.items() if c in self._jobs}
