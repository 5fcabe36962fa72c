"""Per-answer channels: who may read a streaming answer's text outside page runs.

A session that follows a streaming answer asks ``issue(job, owner)`` for a
channel id: an unguessable token (``secrets.token_urlsafe``, 192 bits) naming
that answer for that session (``owner``, Streamlit's session id) only. The same
session asking again gets the same id; another session (a reload, another tab
of the workspace) gets its own. The app's own route (``channel_route``) streams
the answer's text to whoever presents an id while the answer streams; once it
has ended (done, failed, stopped) the id names nothing. Ids are never listed:
the only way to one is the page of the session it was issued to.

``mounted`` says whether that route is served by this process: the app's
``st.App`` lifespan sets it. Without it (AppTest, a host that runs the script
without the ``st.App`` entry) nobody could read a channel, so the UI follows
answers with page redraws as before.

Thread-safe: script threads issue, the route's event loop reads.
"""

from __future__ import annotations

import secrets
import threading

from playground.chat.streaming import StreamJob

ID_BYTES = 24  # 192 random bits: token_urlsafe gives 32 characters


class Channels:
    """The open channels of this process; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, StreamJob] = {}  # channel id -> its answer's job
        self._issued: dict[tuple[int, str], str] = {}  # (id(job), owner) -> channel id
        self.mounted = threading.Event()  # the route is served by this process

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
            self._prune()
            job = self._jobs.get(channel)
        return job if job is not None and not job.done else None

    def open_count(self) -> int:
        """How many channels name an answer still streaming."""
        with self._lock:
            self._prune()
            return len(self._jobs)

    def _prune(self) -> None:
        ended = [c for c, job in self._jobs.items() if job.done]
        for channel in ended:
            del self._jobs[channel]
        if ended:
            self._issued = {k: c for k, c in self._issued.items() if c in self._jobs}
