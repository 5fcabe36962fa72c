"""Adaptive per-endpoint concurrency: no cap until the server pushes back, over real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from playground.endpoints.concurrency import AdaptiveGate
from playground.endpoints.retries import retry_after
from playground.session import commands
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import cards, endpoints_toml, error_texts, new_app, scenario_name, send_synced
from tests.session.test_commands import finish, on, services

MakeScenario = Callable[..., str]


def eight_cards(svc_url: str):  # type: ignore[no-untyped-def]
    svc = services(Shared=svc_url)
    session = on(svc)
    while len(session.workspace.cards) < 8:
        card = commands.add_card(session, svc)
        assert card is not None
        card.config.endpoint, card.config.model = "Shared", "fake-small"
    return svc, session


def test_gate_has_no_cap_until_pushed_back() -> None:
    gate = AdaptiveGate()
    slots = [gate.acquire() for _ in range(8)]
    assert all(s is not None for s in slots) and gate.in_flight == 8 and gate.limit is None


def test_one_burst_of_push_back_halves_the_cap_once_and_it_grows_back_by_one() -> None:
    gate = AdaptiveGate()
    slots = [gate.acquire() for _ in range(8)]
    refused = slots[4:]
    for slot in refused:  # four of the eight were refused, one after another
        assert slot is not None
        gate.push_back(slot, None)
        gate.release(slot, accepted=False)
    assert gate.limit == 4  # 8 // 2, not halved again by the same burst's other refusals
    gate.release(slots[0], accepted=True)  # type: ignore[arg-type]
    assert gate.limit == 5


def test_push_back_holds_new_requests_for_retry_after() -> None:
    now = [100.0]
    gate = AdaptiveGate(clock=lambda: now[0])
    first = gate.acquire()
    assert first is not None
    gate.push_back(first, 30.0)
    gate.release(first, accepted=False)
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(gate.acquire()))
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive() and not got  # the cap (1) is free, but Retry-After has not passed
    now[0] += 30.0
    waiter.join(5)
    assert got and got[0] is not None


def test_a_stopped_answer_stops_waiting_for_its_turn() -> None:
    gate = AdaptiveGate(hard_cap=1)
    assert gate.acquire() is not None
    cancelled = threading.Event()
    cancelled.set()
    assert gate.acquire(cancelled) is None


def test_retry_after_reads_seconds_milliseconds_and_rejects_nonsense() -> None:
    assert retry_after({"retry-after": "1.5"}) == 1.5
    assert retry_after({"retry-after-ms": "250"}) == 0.25
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None


def test_eight_cards_on_one_endpoint_stream_at_once(
    scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=80, tokens_per_second=20)  # 4 s each: they overlap on a busy machine
    svc, session = eight_cards(url)
    commands.send_to_all(session, svc, "all at once")
    gate = svc.gate(url)
    finish(session)
    assert [c.messages[-1].status for c in session.workspace.cards] == ["done"] * 8
    assert gate.limit is None and gate.push_backs == 0  # nobody was held back
    assert server.max_active[scenario_name(url)] == 8


def test_a_server_full_above_four_gets_four_and_every_answer_completes(
    scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=40, tokens_per_second=20, max_concurrent=4, retry_after=0.1)
    svc, session = eight_cards(url)
    commands.send_to_all(session, svc, "take turns")
    finish(session)
    answers = [c.messages[-1] for c in session.workspace.cards]
    assert [(a.status, a.error) for a in answers] == [("done", None)] * 8
    assert all(a.content.startswith("[fake-small] turn 1: take turns") for a in answers)
    assert server.refused[scenario_name(url)] >= 1  # it did push back
    assert server.max_active[scenario_name(url)] <= 4
    gate = svc.gate(url)
    assert gate.push_backs == server.refused[scenario_name(url)]
    assert gate.limit is not None  # the gate learned a cap from it


def test_synced_cards_against_a_full_server_show_no_error(
    write_config: Callable[..., Path], scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=40, tokens_per_second=20, max_concurrent=4, retry_after=0.1)
    write_config(endpoints_toml(Shared=url))
    at = new_app()
    while len(cards(at)) < 8:
        at.button(key="add_card").click().run()
    send_synced(at, "no errors please")
    assert not at.exception
    assert error_texts(at) == []
    assert [c.messages[-1].status for c in cards(at)] == ["done"] * 8
    assert server.refused[scenario_name(url)] >= 1
