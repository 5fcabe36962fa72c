"""Prompt-set cells that run their tool rounds to a final answer with mock results (issue 28
point 4): real HTTP to tests/fake_openai.py, plain pytest."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playground.chat.metrics import Metrics
from playground.config.limits import MAX_TOOL_ROUNDS
from playground.promptsets.export import export_csv
from playground.promptsets.registry import RunRegistry
from playground.promptsets.running.rounds import summed
from playground.promptsets.summary import grid, summarize
from playground.session import Session
from playground.session.evaluation.promptsets import (
    continue_as_chat,
    load_run,
    prepare,
    start_run,
    stop_run,
)
from playground.session.tool_rounds import set_mock
from playground.session.tools import apply_tools
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import scenario_name
from tests.promptset_helpers import services, session_on

Scenario = Callable[..., str]

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": CITY}}
SEOUL = FakeCall("get_weather", '{"city": "Seoul"}')
PARIS = FakeCall("get_weather", '{"city": "Paris"}')
TABLE = {"key": "city", "table": {"Seoul": "12 C, rain", "Paris": "18 C, sun"}}
FINAL = "Weather: 12 C, rain; 18 C, sun"


def _says_results(model: str, messages: list[dict[str, Any]]) -> str:
    """The model's text once it has results: what the tool messages said."""
    if messages[-1]["role"] != "tool":
        return ""
    return "Weather: " + "; ".join(m["content"] for m in messages if m["role"] == "tool")


def _weather_cards(*models: str) -> Session:
    session = session_on(*[("A", model) for model in models])
    for card in session.workspace.cards:
        assert apply_tools(session, card.id, json.dumps(WEATHER_TOOL)) is None
        assert set_mock(session, card.id, "get_weather", TABLE) is None
    return session


def _set(*rows: tuple[str, str]) -> str:
    return "".join(json.dumps({"prompt": p, "expected": e}) + "\n" for p, e in rows)


def _bodies(server: FakeOpenAIServer, url: str, model: str) -> list[list[dict[str, Any]]]:
    return [
        r.body["messages"]
        for r in server.chat_requests(scenario_name(url))
        if r.body and r.body["model"] == model
    ]


def test_with_mocks_two_cards_run_to_a_final_answer_and_are_checked_on_it(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = scenario(
        tool_calls=[SEOUL, PARIS], text_after_results=True, reply_fn=_says_results, latency=0.1
    )
    svc = services(tmp_path / "data", A=url)
    session = _weather_cards("fake-small", "fake-large")
    checks = f"contains:12 C, rain && tool-call:get_weather && tool-args:{json.dumps(CITY)}"
    prep = prepare(_set(("Weather in Seoul and Paris?", checks), ("Again?", "no-tool-call")))
    runner = start_run(session, svc, RunRegistry(), prep, mock_results=True)
    runner.join(30)
    assert runner.finished and runner.status == "done"
    cells = runner.cells()
    for (row, _, _), cell in cells.items():
        assert cell.status == "done" and cell.text == FINAL  # the final answer
        assert cell.tool_calls == []  # the final answer called nothing
        [step] = cell.rounds
        assert [(c.id, c.result) for c in step.tool_calls] == [
            ("call_0", "12 C, rain"),
            ("call_1", "18 C, sun"),
        ]
        assert [c.id for c in cell.all_tool_calls] == ["call_0", "call_1"]
        # Checks on the final text; the tool checks see the calls made on the way.
        assert [c.passed for c in cell.checks] == ([True, True, True] if row == 0 else [False])
        # Two rounds of at least 0.1 s each: the time is the exchange's.
        assert cell.metrics is not None and cell.metrics.total_s is not None
        assert cell.metrics.total_s >= 0.2
    for model in ("fake-small", "fake-large"):
        sent = _bodies(server, url, model)
        assert len(sent) == 4  # two rows, two rounds each
        second = next(m for m in sent if m[-1]["role"] == "tool" and "Seoul" in m[0]["content"])
        assert second[1] == {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{n}",
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for n, c in enumerate([SEOUL, PARIS])
            ],
        }
        assert second[2:] == [
            {"role": "tool", "content": "12 C, rain", "tool_call_id": "call_0"},
            {"role": "tool", "content": "18 C, sun", "tool_call_id": "call_1"},
        ]
    # Kept in the store, counted in the summary, shown in the grid, exported.
    stored = load_run(svc, runner.run_id)
    assert stored is not None and stored.cells == cells and stored.spec.mock_results
    assert [s.tool_calls for s in summarize(runner.spec, cells)] == [4, 4]
    assert grid(runner.spec, cells)[0].cells[0].startswith(f"✓ {FINAL} — after 1 tool round")
    table = list(csv.DictReader(io.StringIO(export_csv(runner.spec, cells).decode("utf-8-sig"))))
    assert table[0]["1 · fake-small answer"] == FINAL
    assert json.loads(table[0]["1 · fake-small tool_calls"]) == [
        {"name": "get_weather", "arguments": SEOUL.arguments, "round": 1, "result": "12 C, rain"},
        {"name": "get_weather", "arguments": PARIS.arguments, "round": 1, "result": "18 C, sun"},
    ]
    # Continue as chat: the exchange comes along, the calls with their results.
    card = continue_as_chat(session, svc, runner.spec, cells[(0, 0, 0)])
    assert not isinstance(card, str)
    assert [m.role for m in card.messages] == ["user", "assistant", "assistant"]
    assert card.messages[1].tool_calls[0].result == "12 C, rain"
    assert card.messages[2].content == FINAL


def test_a_model_that_calls_forever_stops_at_the_bound(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[SEOUL], text_after_results=False, reply_fn=_says_results)
    svc = services(None, A=url)
    session = _weather_cards("fake-small")
    prep = prepare(_set(("Weather?", "tool-call:get_weather")))
    runner = start_run(session, svc, RunRegistry(), prep, mock_results=True)
    runner.join(30)
    cell = runner.cells()[(0, 0, 0)]
    assert cell.status == "error"
    assert cell.error is not None and cell.error.startswith(
        f"Stopped: the model called tools again after {MAX_TOOL_ROUNDS} rounds of mock results"
    )
    assert len(cell.rounds) == MAX_TOOL_ROUNDS
    assert [c.result for c in cell.tool_calls] == [None]  # the last calls went unanswered
    assert len(server.chat_requests(scenario_name(url))) == MAX_TOOL_ROUNDS + 1
    assert [c.passed for c in cell.checks] == [False]  # no final answer to check
    assert grid(runner.spec, runner.cells())[0].cells[0].startswith("⚠ Stopped: the model")


def test_stop_cancels_a_cell_mid_round(scenario: Scenario, server: FakeOpenAIServer) -> None:
    def slow_after_results(model: str, messages: list[dict[str, Any]]) -> str:
        return " ".join(["word"] * 400) if messages[-1]["role"] == "tool" else ""

    url = scenario(
        tool_calls=[SEOUL],
        text_after_results=True,
        reply_fn=slow_after_results,
        tokens_per_second=40,
    )
    svc = services(None, A=url)
    session = _weather_cards("fake-small")
    registry = RunRegistry()
    runner = start_run(session, svc, registry, prepare(_set(("Weather?", ""))), mock_results=True)
    deadline = time.monotonic() + 10
    while len(server.chat_requests(scenario_name(url))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(server.chat_requests(scenario_name(url))) == 2  # in the second round
    time.sleep(0.3)
    started = time.monotonic()
    stop_run(registry, runner.run_id)
    runner.join(10)
    assert runner.finished and time.monotonic() - started < 5  # not the 10 s answer
    cell = runner.cells()[(0, 0, 0)]
    assert cell.status == "stopped" and runner.status == "stopped"
    assert len(cell.rounds) == 1 and cell.rounds[0].tool_calls[0].result == "12 C, rain"
    assert len(server.chat_requests(scenario_name(url))) == 2  # no round after Stop


def test_with_mocks_off_a_cell_keeps_its_calls_as_today(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[SEOUL, PARIS], text_after_results=True, reply_fn=_says_results)
    svc = services(None, A=url)
    session = _weather_cards("fake-small")
    prep = prepare(_set(("Weather?", "tool-call:get_weather && contains:rain")))
    runner = start_run(session, svc, RunRegistry(), prep)
    runner.join(30)
    cell = runner.cells()[(0, 0, 0)]
    assert not runner.spec.mock_results
    assert cell.status == "done" and cell.text == "" and cell.rounds == []
    assert [(c.id, c.result) for c in cell.tool_calls] == [("call_0", None), ("call_1", None)]
    assert [c.passed for c in cell.checks] == [True, False]
    assert len(server.chat_requests(scenario_name(url))) == 1


def test_figures_add_up_over_the_rounds() -> None:
    first = Metrics(ttft_s=0.2, last_token_s=0.5, total_s=0.6, output_tokens=10, input_tokens=7)
    second = Metrics(
        ttft_s=0.1,
        last_token_s=0.9,
        total_s=1.0,
        output_tokens=30,
        input_tokens=40,
        tokens_estimated=False,
        cost_usd=0.002,
    )
    total = summed([first, None, second])
    assert total == Metrics(
        ttft_s=0.2,  # the exchange's first token
        last_token_s=0.6 + 0.9,
        total_s=1.6,
        output_tokens=40,
        tokens_estimated=True,  # one round's count was estimated
        input_tokens=47,
        cost_usd=0.002,
        cost_estimated=False,
    )
    assert summed([None]) is None
