"""Every answer streaming in this app process, shared by all of its sessions.

A stream belongs to the workspace, not to the browser tab that started it:
``RunningJobs`` knows each running ``StreamJob`` by the saved workspace's id and
the card's id, so a reloaded page (a new session) finds the answer still
streaming and follows it live (``find``). It also tells which endpoints have an
answer streaming (``busy``): llama.cpp's server cuts a running answer when any
other request reaches it, a model list included, so model lists are not asked
of such an endpoint until it is idle (see ``ModelListCache``).

When an answer ends, every workspace saver that holds it saves at once
(``finished``), so a reload right after it shows the whole answer.

Thread-safe: the app keeps one in ``st.cache_resource``; tests make their own.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from playground.chat.streaming import StreamJob
from playground.endpoints.discovery import ModelList


class Saver(Protocol):
    """What ``finished`` needs of a workspace saver (``store.AutoSaver``)."""

    @property
    def closed(self) -> bool: ...

    def flush(self) -> bool: ...


@dataclass
class _Entry:
    job: StreamJob
    base_url: str
    model: str
    key: tuple[str, str] | None = None  # (workspace id, card id) once it is saved
    savers: list[Saver] = field(default_factory=list)


class RunningJobs:
    """The process's running answers; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}  # by id(job)

    def add(self, job: StreamJob, base_url: str, model: str) -> None:
        """Count ``job`` as streaming to ``base_url`` (call before it starts)."""
        with self._lock:
            self._prune()
            self._entries[id(job)] = _Entry(job, base_url, model)

    def claim(self, workspace_id: str, card_id: str, job: StreamJob, saver: Saver) -> None:
        """``job`` answers in card ``card_id`` of saved workspace ``workspace_id``;
        ``saver`` saves that workspace (and does so at once when the answer ends)."""
        with self._lock:
            entry = self._entries.get(id(job))
            if entry is None or entry.job is not job:
                return
            entry.key = (workspace_id, card_id)
            if not any(s is saver for s in entry.savers):
                entry.savers.append(saver)

    def find(self, workspace_id: str, card_id: str) -> StreamJob | None:
        """The answer still streaming in this card of this workspace, if any."""
        with self._lock:
            self._prune()
            for entry in self._entries.values():
                if entry.key == (workspace_id, card_id):
                    return entry.job
        return None

    def busy(self, base_url: str) -> int:
        """How many answers stream from ``base_url`` now (waiting for a slot included)."""
        with self._lock:
            self._prune()
            return sum(1 for e in self._entries.values() if e.base_url == base_url)

    def models_in_use(self, base_url: str) -> tuple[str, ...]:
        """The models answers stream from at ``base_url`` (in the order they started)."""
        with self._lock:
            self._prune()
            found = [e.model for e in self._entries.values() if e.base_url == base_url]
        return tuple(dict.fromkeys(found))

    def finished(self, job: StreamJob) -> None:
        """``job`` has its final status: each saver holding it saves now (this thread)."""
        with self._lock:
            entry = self._entries.pop(id(job), None)
        if entry is None or entry.job is not job:
            return
        for saver in entry.savers:
            if not saver.closed:
                saver.flush()

    def _prune(self) -> None:
        for key in [k for k, e in self._entries.items() if e.job.done and e.job.ended]:
            del self._entries[key]


@dataclass(frozen=True)
class _Listed:
    models: ModelList
    nonce: int
    at: float


def _key(base_url: str, token: str | None) -> tuple[str, str]:
    return (base_url, hashlib.sha256((token or "").encode()).hexdigest())


class ModelListCache:
    """The last model list of each endpoint, asked again after ``ttl`` seconds (or a new
    nonce) but never while one of our answers streams from that endpoint."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._lists: dict[tuple[str, str], _Listed] = {}

    def last(self, base_url: str, token: str | None) -> ModelList | None:
        """The last list asked of this endpoint, however old; None if never. Never asks."""
        with self._lock:
            listed = self._lists.get(_key(base_url, token))
        return listed.models if listed is not None else None

    def get(
        self,
        base_url: str,
        token: str | None,
        nonce: int,
        jobs: RunningJobs,
        fetch: Callable[[], ModelList],
    ) -> ModelList:
        """The endpoint's models: the last list while it is busy or fresh, else ``fetch()``.

        A busy endpoint never listed before is shown the models being streamed from,
        so a card keeps its model instead of falling back to Custom.
        """
        key = _key(base_url, token)
        with self._lock:
            last = self._lists.get(key)
        if last is not None and last.nonce == nonce and self._clock() - last.at < self._ttl:
            return last.models
        if jobs.busy(base_url):
            return last.models if last is not None else ModelList(jobs.models_in_use(base_url))
        listed = fetch()
        with self._lock:
            self._lists[key] = _Listed(listed, nonce, self._clock())
            if len(self._lists) > 256:  # bounded: drop the oldest
                del self._lists[min(self._lists, key=lambda k: self._lists[k].at)]
        return listed
