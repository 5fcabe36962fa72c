"""Swept runs over real HTTP: each column sends its own settings; resume keeps the columns;
Continue as chat opens a card with the column's settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from playground.promptsets.registry import RunRegistry
from playground.promptsets.summary import summarize
from playground.promptsets.sweeps import parse_sweeps
from playground.session.evaluation.promptsets import (
    JudgeChoice,
    continue_as_chat,
    load_run,
    prepare,
    resume_run,
    start_run,
    stop_run,
)
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import scenario_name
from tests.promptset_helpers import services, session_on

Scenario = Callable[..., str]


def test_each_swept_column_sends_its_temperature_and_system_prompt(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = scenario()
    svc = services(tmp_path / "data", A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    sweeps = parse_sweeps([("temperature", "0.2, 1.0"), ("system_prompt", "Be brief.\n---\n")])
    runner = start_run(session, svc, RunRegistry(), prepare("only one"), sweeps=sweeps)
    runner.join(20)
    assert runner.finished and runner.status == "done"
    labels = [c.label for c in runner.spec.columns]
    assert labels == [
        "1 · fake-small · T 0.2 · system 1",
        "1 · fake-small · T 0.2 · system 2",
        "1 · fake-small · T 1.0 · system 1",
        "1 · fake-small · T 1.0 · system 2",
        "2 · fake-large · T 0.2 · system 1",
        "2 · fake-large · T 0.2 · system 2",
        "2 · fake-large · T 1.0 · system 1",
        "2 · fake-large · T 1.0 · system 2",
    ]
    sent = sorted(
        (
            body["model"],
            body["temperature"],
            tuple(m["content"] for m in body["messages"] if m["role"] == "system"),
        )
        for body in (r.body or {} for r in server.chat_requests(scenario_name(url)))
    )
    assert sent == sorted(
        (model, t, system)
        for model in ("fake-small", "fake-large")
        for t in (0.2, 1.0)
        for system in (("Be brief.",), ())
    )
    assert [s.label for s in summarize(runner.spec, runner.cells())] == labels  # per column
    stored = load_run(svc, runner.run_id)
    assert stored is not None and stored.spec.sweeps == sweeps
    assert stored.spec.columns == runner.spec.columns


def test_a_resumed_swept_run_keeps_its_columns_and_asks_only_for_the_missing(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = scenario(latency=0.2)
    svc = services(tmp_path / "data", limit=2, A=url)
    session = session_on(("A", "fake-small"))
    sweeps = parse_sweeps([("max_tokens", "16, 32, 64")])
    registry = RunRegistry()
    prep = prepare("prompt\n" + "".join(f"q{i}\n" for i in range(6)))
    runner = start_run(session, svc, registry, prep, sweeps=sweeps)
    deadline = time.monotonic() + 10
    while runner.snapshot().answers_done < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop_run(registry, runner.run_id)
    runner.join(10)
    kept = {(row, col) for (row, col, _), c in runner.cells().items() if c.status == "done"}
    assert 3 <= len(kept) < 18
    session.workspace.cards[0].config.settings.max_tokens = 999  # the card changed since
    before = len(server.chat_requests(scenario_name(url)))

    resumed = resume_run(session, svc, registry, runner.run_id)
    assert resumed is not None
    resumed.join(30)
    assert resumed.spec.columns == runner.spec.columns
    again = [
        (r.body["max_tokens"], r.body["messages"][-1]["content"])
        for r in server.chat_requests(scenario_name(url))[before:]
    ]
    missing = {(r, c) for r in range(6) for c in range(3)} - kept
    assert sorted(again) == sorted(((16, 32, 64)[c], f"q{r}") for r, c in missing)
    final = load_run(svc, runner.run_id)
    assert final is not None and len(final.cells) == 18
    assert all(c.status == "done" for c in final.cells.values())


def test_continue_as_chat_from_a_swept_column_keeps_its_settings(scenario: Scenario) -> None:
    svc = services(None, A=scenario())
    session = session_on(("A", "fake-small"))
    sweeps = parse_sweeps([("temperature", "0.3, 0.9"), ("system_prompt", "One\n---\nTwo")])
    runner = start_run(session, svc, RunRegistry(), prepare("hello"), sweeps=sweeps)
    runner.join(20)
    card = continue_as_chat(session, svc, runner.spec, runner.cells()[(0, 3, 0)])
    assert not isinstance(card, str)
    assert card.config.settings.temperature == 0.9
    assert card.config.settings.system_prompt == "Two"
    assert [m.role for m in card.messages] == ["user", "assistant"]
    assert session.workspace.cards[0].config.settings.temperature is None  # the source card


def test_a_judge_card_judges_every_swept_column_with_its_own_settings(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario(reply="7 - fine")
    svc = services(None, A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    judge_card = session.workspace.cards[1]
    judge = JudgeChoice(judge_card.id, "Be fair.", "{{rubric}} {{prompt}} {{answer}}")
    sweeps = parse_sweeps([("temperature", "0.1, 0.5")])
    runner = start_run(session, svc, RunRegistry(), prepare("hi"), judge=judge, sweeps=sweeps)
    runner.join(20)
    spec = runner.spec
    assert [c.label for c in spec.columns] == [
        "1 · fake-small · T 0.1",
        "1 · fake-small · T 0.5",
        "2 · fake-large",
    ]
    assert spec.judge is not None and spec.judge.column == 2
    cells = runner.cells()
    assert [cells[(0, c, 0)].score for c in range(3)] == [7, 7, None]
    bodies = [r.body or {} for r in server.chat_requests(scenario_name(url))]
    assert all("temperature" not in b for b in bodies if b["model"] == "fake-large")
