"""The bounded evaluator: a visitor's text interpreted in worker processes with limits.

A regex, a JSON Schema, a template or a judge's reply can make the library that
reads it run for minutes or allocate gigabytes from a few hundred bytes. In the
app's process that would stall every session on the interpreter lock. So each
such call runs in a worker process (``pebble.ProcessPool``: it kills a worker
whose call passes its time limit and starts a new one) whose address space is
capped (``RLIMIT_AS``, set when the worker starts). A call's failure is a named
``Failed`` result, never an exception:

- its time limit passed: "took more than 2 s" (the worker is killed and replaced);
- its memory limit was hit: "needs more than 512 MiB" (the worker recycles itself);
- the worker died some other way, or the call raised: a message naming it;
- the caller's ``cancel`` event was set (Stop): "stopped" (the worker is killed).

Workers are forked from a clean fork server (not from the app's threaded process)
and handle ``max_tasks`` calls each before being replaced, so nothing a call
leaves behind (the ``regex`` module's pattern cache) outlives it for long.
``cached_call`` remembers the results of pure calls (``VerdictCache``), so a page run
does not ask again what the last one asked.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import multiprocessing
import os
import resource
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pebble

from playground.config.limits import EvaluatorLimits

log = logging.getLogger(__name__)
T = TypeVar("T")
_POLL_S = 0.05  # how often a waiting call looks at its cancel event
STARTUP_SECONDS = 60.0  # the fork server and its first workers
WORKER_NICENESS = 10  # a worker's scheduling priority below the app's (Linux nice)
# What the app's workers run: imported once in the fork server, not in every worker.
PRELOAD = (
    "playground.config.bounded.schemas",
    "playground.promptsets.checks.checks",
    "playground.promptsets.template",
    "playground.workspace.images",
    "playground.rendering.diffing",
    "PIL.Image",
    "PIL.PngImagePlugin",
    "PIL.JpegImagePlugin",
    "PIL.MpoImagePlugin",
    "PIL.WebPImagePlugin",
    "PIL.GifImagePlugin",
)


@dataclass(frozen=True)
class Done(Generic[T]):
    value: T
    seconds: float = field(default=0.0, compare=False)  # the worker's time on it


@dataclass(frozen=True)
class Failed:
    """Why a call has no result: ``reason`` is "time" (its limit passed), "memory",
    "stopped" (cancelled), "busy" (it waited for a worker past its limit) or "error"."""

    reason: str
    message: str

    def sentence(self, what: str, stage: str) -> str:
        """The failure said of ``what`` (no full stop): "the pattern took more than 2 s",
        "the schema is too large: compiling it needs more than 512 MiB of memory"."""
        if self.reason == "memory":
            return f"{what} is too large: {stage} {self.message}"
        if self.reason == "error":
            return f"{what}: {stage} {self.message}"
        return f"{what} {self.message}"


Result = Done[T] | Failed


class MemoryLimitHit(Exception):
    """Raised in a worker in place of ``MemoryError`` (which cannot always be pickled)."""


def _vm_size() -> int:
    """This process's virtual memory size in bytes (Linux), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _start_worker(extra_bytes: int) -> None:
    """Worker initializer: cap the address space at what it has now plus ``extra_bytes``,
    and yield the processor to the app (its page runs come first when both want a core)."""
    cap = _vm_size() + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    os.nice(WORKER_NICENESS)


def _guarded(function: Callable[..., T], args: tuple[Any, ...]) -> tuple[T, float]:
    started = time.monotonic()
    try:
        return function(*args), time.monotonic() - started
    except MemoryError:
        raise MemoryLimitHit() from None
    except RecursionError:
        raise RecursionError("nested too deeply") from None


def _ready() -> bool:
    return True


def _wall_limit(seconds: float) -> str:
    return f"took more than {round(seconds, 1):g} s"


class Evaluator:
    """Runs module-level functions in bounded workers; thread-safe, one per process."""

    def __init__(
        self, limits: EvaluatorLimits | None = None, *, preload: tuple[str, ...] = ()
    ) -> None:
        self.limits = limits or EvaluatorLimits()
        self._preload = preload
        self._lock = threading.Lock()
        self._pool: pebble.ProcessPool | None = None
        self._verdicts: VerdictCache[Any] = VerdictCache()  # small results, many
        self._large: VerdictCache[Any] = VerdictCache(size=8)  # a whole set's prompts, few

    def _ensure_pool(self) -> pebble.ProcessPool:
        with self._lock:
            if self._pool is None or not self._pool.active:
                self._pool = self._started_pool()
            return self._pool

    def _started_pool(self) -> pebble.ProcessPool:
        """A new pool whose workers have answered once: starting the fork server and its
        imports (a second or more on a busy machine) is not counted against a call."""
        context = multiprocessing.get_context("forkserver")
        if self._preload:  # only takes effect before the fork server starts
            context.set_forkserver_preload(list(self._preload))
        pool = pebble.ProcessPool(
            max_workers=self.limits.workers,
            max_tasks=self.limits.tasks_per_worker,
            initializer=_start_worker,
            initargs=(self.limits.memory_bytes,),
            context=context,
        )
        for ready in [pool.schedule(_ready) for _ in range(self.limits.workers)]:
            ready.result(timeout=STARTUP_SECONDS)
        return pool

    def call(
        self,
        function: Callable[..., T],
        *args: Any,
        seconds: float | None = None,
        cancel: threading.Event | None = None,
    ) -> Result[T]:
        """``function(*args)`` in a worker, within ``seconds`` (default: the per-call limit)."""
        limit = self.limits.call_seconds if seconds is None else seconds
        if limit <= 0:
            return Failed("time", _wall_limit(self.limits.call_seconds))
        if cancel is not None and cancel.is_set():
            return Failed("stopped", "stopped")
        future = self._ensure_pool().schedule(_guarded, args=(function, args), timeout=limit)
        # The pool's own timeout counts from when a worker takes the call; this one from
        # now, so a call queued behind many others still returns in the end.
        deadline = time.monotonic() + limit + self.limits.queue_seconds
        while not future.done():
            concurrent.futures.wait([future], timeout=_POLL_S)
            if future.done():
                break
            if cancel is not None and cancel.is_set():
                future.cancel()
                return Failed("stopped", "stopped")
            if time.monotonic() > deadline:  # queued behind others: not this call's fault
                future.cancel()
                return Failed("busy", "could not start in time (the server is busy; try again)")
        return self._outcome(future, limit)

    def _outcome(self, future: concurrent.futures.Future[T], limit: float) -> Result[T]:
        if future.cancelled():
            return Failed("stopped", "stopped")
        exc = future.exception()
        if exc is None:
            value, seconds = future.result()
            return Done(value, seconds)
        if isinstance(exc, TimeoutError):  # pebble killed the worker at the limit
            return Failed("time", _wall_limit(limit))
        if isinstance(exc, MemoryLimitHit):
            mib = self.limits.memory_bytes // (1024 * 1024)
            return Failed("memory", f"needs more than {mib} MiB of memory")
        if isinstance(exc, pebble.ProcessExpired):
            log.warning("an evaluation worker died (exit code %s)", exc.exitcode)
            return Failed("error", "stopped unexpectedly (its worker died)")
        return Failed("error", _error_text(exc))  # the call raised: named, never a traceback

    def cached_call(
        self, function: Callable[..., T], *args: Hashable, seconds: float | None = None
    ) -> Result[T]:
        """``call``, remembered by function and arguments (small results of pure functions:
        a page run asks again for what the last one asked; a failure is remembered too)."""
        key = (function.__module__, function.__qualname__, args)
        return self._verdicts.get(key, lambda: self.call(function, *args, seconds=seconds))

    def cached_large_call(
        self, key: str, function: Callable[..., T], *args: Any, seconds: float | None = None
    ) -> Result[T]:
        """``call`` with a large result, remembered by ``key`` (a digest of the arguments):
        the last few only."""
        return self._large.get(key, lambda: self.call(function, *args, seconds=seconds))

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join(timeout=5)
                self._pool = None


def _error_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"failed ({type(exc).__name__}: {text})" if text else f"failed ({type(exc).__name__})"


class VerdictCache(Generic[T]):
    """A small thread-safe LRU of call results by key, so page runs do not repeat calls.

    Only results that do not depend on the moment are kept: a call stopped by a
    cancel event is not cached.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Result[T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Result[T]]) -> Result[T]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        found = compute()
        if isinstance(found, Failed) and found.reason in ("stopped", "busy"):
            return found  # says nothing about the arguments
        with self._lock:
            self._items[key] = found
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return found


@functools.cache
def default_evaluator() -> Evaluator:
    """The process's evaluator (created on first use; its workers start on first call).

    Its fork server imports the modules whose functions it runs, once, so a new
    worker is a fork of a small clean process that has them already.
    """
    return Evaluator(preload=PRELOAD)
