"""``AutoSaver``: saves one session's workspace in the background, off the streaming thread.

The UI holds one per session and calls ``mark_dirty()`` after every change
(including sending a prompt). A background thread then saves at most every
``interval`` seconds for as long as the workspace is dirty or any card is
streaming, plus once more after streaming ends, and then exits (an idle session
holds no thread). A save serializes the live workspace in one step
(``model_dump_json`` does not run Python code in between, so it is a
consistent snapshot), skips the write when nothing changed, and writes from the
saver's thread, so a stream never waits for the database.

Store errors never escape: the last one is kept in ``last_error`` (cleared by
the next successful save) for the UI to show; a retryable one (the database is
down) is retried every ``interval``.

When another tab saved the same workspace first, the store merges; the merge is
kept until the UI calls ``apply_merge()`` (from its own thread), which brings
the other tab's messages into the live workspace. Until then every save merges
again, so nothing is lost either way.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

from playground.errors import StoreError
from playground.store.merge import adopt_merged
from playground.store.records import SaveResult
from playground.store.store import WorkspaceStore
from playground.workspace.types import Workspace

log = logging.getLogger(__name__)


class AutoSaver:
    """Saves ``get_workspace()`` to ``store``; thread-safe.

    ``workspace_id`` None: the workspace is created in the store on the first
    save (so a visit that changes nothing stores nothing); read ``workspace_id``
    afterwards to put it in the URL.
    """

    def __init__(
        self,
        store: WorkspaceStore,
        get_workspace: Callable[[], Workspace],
        *,
        workspace_id: str | None = None,
        revision: int = 0,
        owner: str | None = None,
        interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._get = get_workspace
        self._owner = owner
        self._interval = interval
        self._clock = clock
        # Guarded by _save_lock (one save at a time):
        self._save_lock = threading.RLock()
        self._workspace_id = workspace_id
        self._revision = revision
        self._last_digest: bytes | None = None
        self._pending: SaveResult | None = None
        self._last_error: StoreError | None = None
        self._last_saved_at: float | None = None
        self._saves = 0
        # Guarded by _cond:
        self._cond = threading.Condition()
        self._dirty = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._next_allowed = 0.0

    # -- what the UI reads ---------------------------------------------------
    @property
    def workspace_id(self) -> str | None:
        return self._workspace_id

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def last_error(self) -> StoreError | None:
        """The last save's error (None after a successful save)."""
        return self._last_error

    @property
    def last_saved_at(self) -> float | None:
        """``time.time()`` of the last write."""
        return self._last_saved_at

    @property
    def saves(self) -> int:
        """How many writes this saver made."""
        return self._saves

    @property
    def closed(self) -> bool:
        """``stop()`` was called: this saver writes no more (its session left the workspace)."""
        with self._cond:
            return self._closed

    @property
    def running(self) -> bool:
        with self._cond:
            return self._thread is not None

    # -- what the UI calls ---------------------------------------------------
    def mark_dirty(self) -> None:
        """The workspace changed: save it soon (within ``interval``)."""
        with self._cond:
            self._dirty = True
            if self._closed or self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="playground-autosave", daemon=True
            )
            self._thread.start()

    def flush(self) -> bool:
        """Save now, in the caller's thread, if anything changed; whether it wrote."""
        return self._save()

    def apply_merge(self) -> bool:
        """Bring a merge with another tab's save into the live workspace (UI thread).

        Returns whether there was one. Messages and cards are updated in place
        (see ``adopt_merged``), so running streams are not disturbed.
        """
        with self._save_lock:
            pending, self._pending = self._pending, None
            if pending is None or pending.workspace is None:
                return False
            if adopt_merged(self._get(), pending.workspace):
                # The live workspace now holds all of that revision: build on it.
                self._revision = pending.revision
            self._last_digest = None
        self.mark_dirty()
        return True

    def stop(self, *, flush: bool = True, timeout: float = 10.0) -> None:
        """Stop the background thread (and save what changed, unless ``flush`` is False)."""
        with self._cond:
            self._closed = True
            thread = self._thread
            self._cond.notify_all()
        if thread is not None:
            thread.join(timeout)
        if flush:
            self._save()

    # -- internals -------------------------------------------------------------
    def _streaming(self) -> bool:
        try:
            return any(card.is_streaming for card in self._get().cards)
        except Exception:  # the UI swapped its state mid-read: look again next time
            return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (delay := self._next_allowed - self._clock()) > 0:
                    self._cond.wait(delay)
                if self._closed:
                    self._thread = None
                    return
            busy = self._streaming()
            self._save()
            with self._cond:
                self._next_allowed = self._clock() + self._interval
                if not (busy or self._dirty) or self._closed:
                    # Streaming seen before this save means one more pass after it ends.
                    self._thread = None
                    return

    def _save(self) -> bool:
        with self._save_lock:
            with self._cond:
                self._dirty = False
            try:
                workspace = self._get()
                data = workspace.model_dump_json()
                digest = hashlib.blake2b(data.encode("utf-8"), digest_size=16).digest()
                if digest == self._last_digest:  # the store holds exactly this already
                    self._last_error = None
                    return False
                if self._workspace_id is None:
                    self._workspace_id = self._store.create(workspace, self._owner, data=data)
                    self._revision = 1
                else:
                    result = self._store.save(
                        self._workspace_id, workspace, self._revision, data=data
                    )
                    if result.merged:
                        # The live workspace lacks the other writer's part: keep the old
                        # revision (the next save merges again) until apply_merge().
                        self._pending = result
                    else:
                        self._revision = result.revision
            except StoreError as exc:
                self._fail(exc, retry=exc.retryable)
                return False
            except Exception as exc:  # a bug must not kill the session's saving
                log.exception("autosave failed")
                self._fail(StoreError(f"Saving failed unexpectedly ({type(exc).__name__})."), True)
                return False
            self._last_digest = digest
            self._last_error = None
            self._last_saved_at = time.time()
            self._saves += 1
            return True

    def _fail(self, error: StoreError, retry: bool) -> None:
        self._last_error = error
        if retry:
            with self._cond:
                self._dirty = True
