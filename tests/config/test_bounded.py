"""The bounded evaluator: time limit, memory limit, a worker replaced, Stop, failures named."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from playground.config.bounded import Done, Evaluator, Failed
from playground.config.limits import MIB, EvaluatorLimits


def sleep_for(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def allocate(mib: int) -> int:
    block = bytearray(mib * MIB)
    return len(block)


def raise_value_error() -> None:
    raise ValueError("a bad value")


def own_pid() -> int:
    return os.getpid()


def die() -> None:
    os._exit(3)


@pytest.fixture(scope="module")
def evaluator() -> Iterator[Evaluator]:
    found = Evaluator(EvaluatorLimits(workers=1, memory_bytes=128 * MIB, call_seconds=1.0))
    yield found
    found.close()


def test_a_call_past_its_time_limit_fails_by_name_and_its_worker_is_replaced(
    evaluator: Evaluator,
) -> None:
    before = evaluator.call(own_pid)
    assert isinstance(before, Done)
    started = time.monotonic()
    found = evaluator.call(sleep_for, 30, seconds=0.5)
    assert found == Failed("time", "took more than 0.5 s")
    assert time.monotonic() - started < 3
    after = evaluator.call(own_pid)
    assert isinstance(after, Done)
    assert after.value != before.value  # the worker that ran over was killed
    assert after.value != os.getpid()


def test_a_call_past_its_memory_limit_fails_by_name(evaluator: Evaluator) -> None:
    assert evaluator.call(allocate, 16) == Done(16 * MIB)
    found = evaluator.call(allocate, 1024)
    assert found == Failed("memory", "needs more than 128 MiB of memory")
    assert evaluator.call(allocate, 16) == Done(16 * MIB)  # the next call runs as usual


def test_stop_cancels_a_running_call_at_once(evaluator: Evaluator) -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    found = evaluator.call(sleep_for, 30, seconds=20, cancel=cancel)
    assert found == Failed("stopped", "stopped")
    assert time.monotonic() - started < 2
    assert evaluator.call(sleep_for, 0.01) == Done(0.01)


def test_an_exception_in_the_call_is_a_named_failure(evaluator: Evaluator) -> None:
    assert evaluator.call(raise_value_error) == Failed("error", "failed (ValueError: a bad value)")


def test_a_worker_that_dies_is_a_named_failure_and_replaced(evaluator: Evaluator) -> None:
    found = evaluator.call(die)
    assert isinstance(found, Failed) and found.reason == "error"
    assert "worker died" in found.message
    assert evaluator.call(sleep_for, 0.01) == Done(0.01)


def test_calls_are_remembered_by_arguments(evaluator: Evaluator) -> None:
    first = evaluator.cached_call(own_pid)
    evaluator.call(sleep_for, 30, seconds=0.2)  # replaces the worker
    assert evaluator.cached_call(own_pid) == first  # asked once, not again


def test_a_call_queued_behind_a_slow_one_waits_and_its_limit_counts_from_its_start(
    evaluator: Evaluator,
) -> None:
    slow = threading.Thread(target=evaluator.call, args=(sleep_for, 1.5), kwargs={"seconds": 5})
    slow.start()
    time.sleep(0.2)
    found = evaluator.call(sleep_for, 0.3, seconds=0.6)  # waits ~1.3 s for the one worker
    assert isinstance(found, Done) and found.value == 0.3
    assert 0.3 <= found.seconds < 0.6  # the worker's time, not the wait
    slow.join()


def test_a_call_that_waits_past_the_queue_limit_is_busy_not_cached() -> None:
    limits = EvaluatorLimits(workers=1, call_seconds=1.0, queue_seconds=0.3)
    evaluator = Evaluator(limits)
    try:
        slow = threading.Thread(target=evaluator.call, args=(sleep_for, 2), kwargs={"seconds": 5})
        slow.start()
        time.sleep(0.2)
        found = evaluator.cached_call(sleep_for, 0.01, seconds=0.2)
        assert isinstance(found, Failed) and found.reason == "busy"
        slow.join()
        assert evaluator.cached_call(sleep_for, 0.01, seconds=5) == Done(0.01)  # asked again
    finally:
        evaluator.close()


def current_niceness() -> int:
    return os.nice(0)


def test_workers_yield_the_processor_to_the_app(evaluator: Evaluator) -> None:
    found = evaluator.call(current_niceness)
    assert isinstance(found, Done) and found.value >= os.nice(0) + 10
