"""Running prompt sets over real HTTP: results, checks, concurrency, errors, judge, stop,
resume, export and continuing a cell as a chat (plain pytest, the test server)."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from playground.errors import PromptSetProblem
from playground.promptsets.export import export_csv, export_json
from playground.promptsets.registry import RunRegistry
from playground.promptsets.summary import grid, summarize
from playground.session import commands
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


def prompts(n: int) -> str:
    return "prompt\n" + "".join(f"question {i}\n" for i in range(n))


def asked(server: FakeOpenAIServer, url: str) -> list[tuple[str, str]]:
    """(model, last user message) of every chat request to that scenario."""
    out = []
    for request in server.chat_requests(scenario_name(url)):
        body = request.body or {}
        out.append((body["model"], body["messages"][-1]["content"]))
    return out


def test_a_set_runs_on_every_card_with_checks_and_is_saved(
    scenario: Scenario, tmp_path: Path
) -> None:
    svc = services(tmp_path / "data", A=scenario())
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    prep = prepare(
        "prompt,expected\nhello,contains:fake-small\nbye,icontains:BYE && max-tokens:50\n"
    )
    runner = start_run(session, svc, RunRegistry(), prep)
    runner.join(20)
    assert runner.finished and runner.status == "done"
    assert runner.snapshot().label == "4 / 4 answers"
    cells = runner.cells()
    assert cells[(0, 0, 0)].text == "[fake-small] turn 1: hello"
    assert [cells[(0, c, 0)].passed for c in (0, 1)] == [True, False]  # the large one lacks it
    assert [cells[(1, c, 0)].passed for c in (0, 1)] == [True, True]
    assert cells[(1, 0, 0)].metrics is not None and cells[(1, 0, 0)].metrics.output_tokens == 4
    stored = load_run(svc, runner.run_id)
    assert stored is not None and stored.status == "done" and stored.cells == cells
    assert stored.workspace_id == session.saver.workspace_id  # kept with its workspace
    summary = summarize(runner.spec, cells)
    assert [s.label for s in summary] == ["1 · fake-small", "2 · fake-large"]
    assert [s.checks for s in summary] == ["2/2", "1/2"]
    assert [s.total_tokens for s in summary] == [8, 8]
    assert summary[0].median_ttft_s is not None and summary[0].cost is None  # no price set
    failed = grid(runner.spec, cells, failed_only=True)
    assert [r.number for r in failed] == [1] and failed[0].cells[1].startswith("✗ ")


def test_each_card_sends_its_own_system_prompt_and_settings(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = scenario()
    svc = services(None, A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    settings = session.workspace.cards[1].config.settings
    settings.system_prompt, settings.temperature = "Be brief.", 0.3
    start_run(session, svc, RunRegistry(), prepare("only one")).join(20)
    bodies = sorted(
        (r.body for r in server.chat_requests(scenario_name(url))), key=lambda b: b["model"]
    )
    assert bodies[0]["model"] == "fake-large" and bodies[0]["temperature"] == 0.3
    assert bodies[0]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "only one"},
    ]
    assert bodies[1]["messages"] == [{"role": "user", "content": "only one"}]
    assert "temperature" not in bodies[1]


def test_requests_stay_within_each_endpoints_limit(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    a, b = scenario(latency=0.15), scenario(latency=0.15)
    svc = services(None, limit=3, A=a, B=b)
    session = session_on(("A", "fake-small"), ("A", "fake-large"), ("B", "fake-small"))
    start = time.monotonic()
    runner = start_run(session, svc, RunRegistry(), prepare(prompts(12)))
    runner.join(30)
    wall = time.monotonic() - start
    assert runner.snapshot().answers_done == 36
    # Two cards share A's limit of 3; B's card has its own 3: each reached, never passed.
    assert server.max_active[scenario_name(a)] == 3
    assert server.max_active[scenario_name(b)] == 3
    assert len(asked(server, a)) == 24 and len(asked(server, b)) == 12
    assert wall < 24 * 0.15  # A's 24 answers did not go one at a time


def test_runs_per_prompt_ask_each_prompt_n_times_through_the_same_gates(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = scenario(latency=0.1)
    svc = services(tmp_path / "data", limit=2, A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    runner = start_run(session, svc, RunRegistry(), prepare(prompts(4)), runs=3)
    runner.join(30)
    assert runner.status == "done" and runner.snapshot().label == "24 / 24 answers"
    assert server.max_active[scenario_name(url)] == 2  # reached, never passed
    sent = asked(server, url)
    assert sorted(sent) == sorted(
        (m, f"question {r}") for r in range(4) for m in ("fake-small", "fake-large") for _ in "123"
    )
    saved = load_run(svc, runner.run_id)
    assert saved is not None and saved.spec.runs == 3
    assert sorted(saved.cells) == sorted(
        (r, c, k) for r in range(4) for c in (0, 1) for k in (0, 1, 2)
    )
    rows = list(csv.reader(io.StringIO(export_csv(saved.spec, saved.cells).decode("utf-8-sig"))))
    assert [(row[0], row[1]) for row in rows[1:4]] == [("1", "1"), ("1", "2"), ("1", "3")]
    assert {c["run"] for c in json.loads(export_json(saved.spec, saved.cells))["cells"]} == {
        0,
        1,
        2,
    }


def test_runs_per_prompt_out_of_bounds_is_refused_before_anything_is_sent(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    svc = services(None, A=url)
    for runs in (0, 21):
        with pytest.raises(PromptSetProblem, match="between 1 and 20"):
            start_run(
                session_on(("A", "fake-small")), svc, RunRegistry(), prepare("q\n"), runs=runs
            )
    assert asked(server, url) == []


def test_a_chat_card_and_a_run_share_the_endpoints_gate(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario(latency=0.2)
    svc = services(None, limit=2, A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    runner = start_run(session, svc, RunRegistry(), prepare(prompts(6)))
    commands.send(session, svc, [session.workspace.cards[0].id], "a chat prompt")
    runner.join(30)
    session.runtime(session.workspace.cards[0].id).job.join(10)
    assert server.max_active[scenario_name(url)] == 2
    assert session.workspace.cards[0].messages[-1].status == "done"


def test_a_failing_card_fails_its_cells_and_the_run_goes_on(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    good, bad = scenario(), scenario(chat_status=400)
    svc = services(tmp_path / "data", A=good, B=bad)
    session = session_on(("A", "fake-small"), ("B", "fake-small"), ("A", None))
    runner = start_run(session, svc, RunRegistry(), prepare("prompt,expected\nx,json\ny,\n"))
    runner.join(20)
    cells = runner.cells()
    assert runner.status == "done" and runner.snapshot().answers_done == 6
    assert [cells[(r, 0, 0)].status for r in (0, 1)] == ["done", "done"]
    assert [cells[(r, 1, 0)].status for r in (0, 1)] == ["error", "error"]
    assert (
        cells[(0, 1, 0)].error
        == "'B' rejected the request with 400. Server said: chat failed with 400"
    )
    assert cells[(0, 2, 0)].error == "Choose a model for this card first."
    assert cells[(0, 2, 0)].checks[0].detail == "no answer" and cells[(0, 2, 0)].passed is False
    assert len(asked(server, good)) == 2  # the card without a model sent nothing


def judge_reply(model: str, messages: list[dict[str, Any]]) -> str:
    text = messages[-1]["content"]
    if "Rubric:" not in text:
        return f"judge's own answer to {text}"
    return "9 - Short and right." if "fake-small" in text else "Score: 4/10. Reason: wordy"


def test_the_judge_scores_every_other_answer(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    answers, judge = scenario(), scenario(reply_fn=judge_reply)
    svc = services(tmp_path / "data", A=answers, J=judge)
    session = session_on(("A", "fake-small"), ("A", "fake-large"), ("J", "fake-small"))
    judge_card = session.workspace.cards[2].id
    choice = JudgeChoice(
        judge_card,
        "Prefer short answers.",
        "Rubric: {{rubric}}\nQ: {{prompt}}\nA: {{answer}}\nScore 1-10 - reason.",
    )
    runner = start_run(session, svc, RunRegistry(), prepare(prompts(3)), judge=choice)
    runner.join(30)
    progress = runner.snapshot()
    assert progress.label == "9 / 9 answers · 6 / 6 scores"
    cells = runner.cells()
    assert [(cells[(r, 0, 0)].score, cells[(r, 0, 0)].reason) for r in range(3)] == [
        (9, "Short and right.")
    ] * 3
    assert {cells[(r, 1, 0)].score for r in range(3)} == {4} and cells[(0, 1, 0)].reason == "wordy"
    assert all(cells[(r, 2, 0)].score is None for r in range(3))  # the judge's own answers
    judged = [m for _, m in asked(server, judge) if m.startswith("Rubric:")]
    assert len(judged) == 6
    assert (
        "Rubric: Prefer short answers.\nQ: question 0\nA: [fake-small] turn 1: question 0\n"
        "Score 1-10 - reason."
    ) in judged
    assert summarize(runner.spec, cells)[1].judge_mean == 4.0
    assert load_run(svc, runner.run_id).cells[(0, 1, 0)].score == 4  # scores are saved too


def test_a_reply_without_a_score_is_a_judge_error(scenario: Scenario) -> None:
    judge = scenario(reply="I cannot grade this.")
    svc = services(None, A=scenario(), J=judge)
    session = session_on(("A", "fake-small"), ("J", "fake-small"))
    choice = JudgeChoice(session.workspace.cards[1].id, "r", "{{answer}}")
    runner = start_run(session, svc, RunRegistry(), prepare("q"), judge=choice)
    runner.join(20)
    cell = runner.cells()[(0, 0, 0)]
    assert cell.score is None and "no score from 1 to 10" in (cell.judge_error or "")


def test_stop_then_resume_asks_only_for_the_missing_cells(
    scenario: Scenario, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = scenario(latency=0.3)
    svc = services(tmp_path / "data", limit=2, A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    registry = RunRegistry()
    runner = start_run(session, svc, registry, prepare(prompts(10)))
    deadline = time.monotonic() + 10
    while runner.snapshot().answers_done < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop_run(registry, runner.run_id)
    runner.join(10)
    assert runner.finished and runner.status == "stopped"
    stored = load_run(svc, runner.run_id)
    assert stored is not None and stored.status == "stopped"
    kept = {k for k, c in stored.cells.items() if c.status == "done"}
    assert 4 <= len(kept) < 20
    before = len(asked(server, url))

    resumed = resume_run(session, svc, registry, runner.run_id)
    assert resumed is not None
    resumed.join(30)
    again = asked(server, url)[before:]
    missing = {(r, c, 0) for r in range(10) for c in range(2)} - kept
    models = ["fake-small", "fake-large"]
    assert sorted(again) == sorted((models[c], f"question {r}") for r, c, _ in missing)
    final = load_run(svc, runner.run_id)
    assert final.status == "done" and all(c.status == "done" for c in final.cells.values())
    assert len(final.cells) == 20


def test_continue_as_chat_opens_a_card_holding_the_prompt_and_answer(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    svc = services(None, A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    session.workspace.cards[1].config.settings.temperature = 0.7
    runner = start_run(session, svc, RunRegistry(), prepare("first question"))
    runner.join(20)
    card = continue_as_chat(session, svc, runner.spec, runner.cells()[(0, 1, 0)])
    assert not isinstance(card, str)
    assert card.config.model == "fake-large" and card.config.settings.temperature == 0.7
    assert [(m.role, m.content) for m in card.messages] == [
        ("user", "first question"),
        ("assistant", "[fake-large] turn 1: first question"),
    ]
    commands.send(session, svc, [card.id], "and then?")
    session.runtime(card.id).job.join(10)
    assert card.messages[-1].content == "[fake-large] turn 2: and then?"
    last = server.chat_requests(scenario_name(url))[-1].body
    assert [m["content"] for m in last["messages"]] == [
        "first question",
        "[fake-large] turn 1: first question",
        "and then?",
    ]


def test_continue_as_chat_at_the_card_limit_says_why(scenario: Scenario) -> None:
    svc = services(None, A=scenario())
    session = session_on(*[("A", "fake-small")] * 8)
    runner = start_run(session, svc, RunRegistry(), prepare("q"))
    runner.join(20)
    answer = continue_as_chat(session, svc, runner.spec, runner.cells()[(0, 0, 0)])
    assert isinstance(answer, str) and "8 cards" in answer
    assert len(session.workspace.cards) == 8


def test_exports_hold_every_cell_and_never_a_token(scenario: Scenario, tmp_path: Path) -> None:
    url = scenario(token="sk-secret-123", reply='=HYPERLINK("http://x")')
    svc = services(tmp_path / "data", tokens={"A": "sk-secret-123"}, A=url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    runner = start_run(session, svc, RunRegistry(), prepare("prompt,expected\nq1,json\nq2,\n"))
    runner.join(20)
    cells = runner.cells()
    assert all(c.status == "done" for c in cells.values())  # the token was sent
    as_csv = export_csv(runner.spec, cells)
    as_json = export_json(runner.spec, cells, status=runner.status)
    assert b"sk-secret-123" not in as_csv and b"sk-secret-123" not in as_json
    rows = list(csv.reader(io.StringIO(as_csv.decode("utf-8-sig"))))
    assert rows[0][:5] == ["row", "run", "prompt", "expected", "1 · fake-small answer"]
    assert rows[1][4] == '\'=HYPERLINK("http://x")'  # not run as a formula
    assert "FAIL json" in rows[1][6]
    payload = json.loads(as_json)
    assert payload["format"] == "llm-playground-prompt-set-run" and len(payload["cells"]) == 4
    assert payload["spec"]["columns"][1]["config"]["model"] == "fake-large"
