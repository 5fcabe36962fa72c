"""Runs draw one at a time, first come first served; a waiting run holds nobody back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from playground.ui.draw_turns import Turns


def _in_order(count: int, body: Callable[[int], None]) -> list[threading.Thread]:
    """``count`` threads, started so each asks for its turn after the one before."""
    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
        time.sleep(0.02)  # it is waiting for its turn before the next one asks
    return threads


def test_runs_draw_one_at_a_time_in_the_order_they_asked() -> None:
    turns, order, inside, most = Turns(max_wait=10), [], [0], [0]
    lock = threading.Lock()

    def run(i: int) -> None:
        with turns.turn():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            order.append(i)
            time.sleep(0.05)  # longer than the gap between askers: the others queue
            with lock:
                inside[0] -= 1

    for thread in _in_order(6, run):
        thread.join(10)
    assert order == list(range(6))
    assert most[0] == 1


def test_a_turn_is_re_entrant_within_its_thread() -> None:
    turns, done = Turns(max_wait=10), threading.Event()

    def run() -> None:
        with turns.turn(), turns.turn(), turns.turn():
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(2)
    assert done.is_set()
    with turns.turn():  # and it was given back: another thread takes it at once
        pass


def test_a_run_waiting_inside_its_turn_lets_the_others_draw() -> None:
    turns, order = Turns(max_wait=10), []
    waiting, answered = threading.Event(), threading.Event()

    def follower() -> None:
        with turns.turn():
            order.append("follower draws")
            with turns.released():  # waits for an answer: others draw meanwhile
                waiting.set()
                answered.wait(5)
            order.append("follower draws the end")

    def other() -> None:
        with turns.turn():
            order.append("other draws")
            answered.set()

    first = threading.Thread(target=follower)
    first.start()
    assert waiting.wait(5)
    second = threading.Thread(target=other)
    second.start()
    for thread in (first, second):
        thread.join(5)
    assert order == ["follower draws", "other draws", "follower draws the end"]


def test_a_turn_taken_while_released_is_a_turn_of_its_own() -> None:
    """A run that gave its turn up and draws something small meanwhile (a card's
    controls while the page waits for its answers) queues for it like anyone."""
    turns, order = Turns(max_wait=10), []
    holder_in = threading.Event()

    def holder() -> None:
        with turns.turn():
            holder_in.set()
            time.sleep(0.2)
            order.append("holder")

    def page() -> None:
        with turns.turn(), turns.released(), turns.turn():
            order.append("page draws controls")

    with turns.turn(), turns.released():  # this thread's page run, waiting
        first = threading.Thread(target=holder)
        first.start()
        assert holder_in.wait(5)
        second = threading.Thread(target=page)
        second.start()
        first.join(5)
        second.join(5)
    assert order == ["holder", "page draws controls"]


def test_a_turn_held_long_delays_the_others_by_max_wait_only() -> None:
    """A run that draws long in its turn (a model list fetched from a slow server)
    holds the others back by ``max_wait``, then they draw without a turn."""
    turns, held, release = Turns(max_wait=0.2), threading.Event(), threading.Event()
    drew_at: list[float] = []

    def slow() -> None:
        with turns.turn():
            held.set()
            release.wait(5)

    thread = threading.Thread(target=slow)
    thread.start()
    assert held.wait(5)
    asked = time.monotonic()
    with turns.turn():
        drew_at.append(time.monotonic() - asked)
    release.set()
    thread.join(5)
    assert 0.15 <= drew_at[0] < 2
    with turns.turn():  # nothing is left held or queued
        pass


def test_a_run_that_fails_gives_its_turn_back() -> None:
    turns = Turns(max_wait=10)
    with pytest.raises(RuntimeError), turns.turn():
        raise RuntimeError("a bug while drawing")
    got = threading.Event()

    def other() -> None:
        with turns.turn():
            got.set()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(2)
    assert got.is_set()


def test_a_run_stopped_while_it_waits_does_not_queue_for_a_turn_again() -> None:
    """A stop or rerun raised in a wait ends the run: it leaves without waiting its turn."""
    turns, holding, done = Turns(max_wait=5), threading.Event(), threading.Event()

    def holder() -> None:
        with turns.turn():
            holding.set()
            done.wait(5)

    with turns.turn():
        thread = threading.Thread(target=holder)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt), turns.released():
            thread.start()
            assert holding.wait(5)
            raise KeyboardInterrupt  # as Streamlit's StopException ends a run
        left_after = time.monotonic() - started
    done.set()
    thread.join(5)
    assert left_after < 1  # it did not wait max_wait (5 s) for the holder's turn


def test_a_run_replaced_while_it_waits_for_its_turn_leaves_the_queue_at_once() -> None:
    """A waiting run looks at its interrupt (Streamlit's yield check, which raises once a
    person's newer action replaces the run) and leaves; the queue goes on without it."""
    turns, holding, done, replaced = Turns(max_wait=5), threading.Event(), threading.Event(), []
    order: list[str] = []

    def holder() -> None:
        with turns.turn():
            holding.set()
            done.wait(5)
            order.append("holder done")

    def interrupt() -> None:
        if replaced:
            raise KeyboardInterrupt  # as Streamlit's RerunException ends the run

    def waiting() -> None:
        with pytest.raises(KeyboardInterrupt), turns.turn(interrupt):
            order.append("replaced run drew")  # never: it left the queue first

    def next_in_line() -> None:
        with turns.turn():
            order.append("next drew")

    first = threading.Thread(target=holder)
    first.start()
    assert holding.wait(5)
    second, third = threading.Thread(target=waiting), threading.Thread(target=next_in_line)
    second.start()
    time.sleep(0.05)
    third.start()
    time.sleep(0.05)
    started = time.monotonic()
    replaced.append(True)
    second.join(5)
    left_after = time.monotonic() - started
    done.set()
    for thread in (first, third):
        thread.join(5)
    assert left_after < 1  # not max_wait (5 s)
    assert order == ["holder done", "next drew"]


def test_a_turn_taken_while_released_leaves_the_runs_interrupt_in_place() -> None:
    """The page draws a card's controls in a turn of its own while it waits
    (``while_streaming``); its next wait for a turn still looks at its interrupt."""
    turns, holding, done, replaced = Turns(max_wait=5), threading.Event(), threading.Event(), []

    def interrupt() -> None:
        if replaced:
            raise KeyboardInterrupt  # as Streamlit's RerunException ends the run

    def holder() -> None:
        with turns.turn():
            holding.set()
            done.wait(5)

    thread = threading.Thread(target=holder)
    with turns.turn(interrupt):
        with pytest.raises(KeyboardInterrupt), turns.released():
            with turns.turn():
                pass  # a card's controls, drawn in a turn of their own
            thread.start()
            assert holding.wait(5)
            replaced.append(True)
            started = time.monotonic()
        left_after = time.monotonic() - started  # the turn taken again looked at it
    done.set()
    thread.join(5)
    assert left_after < 1  # not max_wait (5 s)
