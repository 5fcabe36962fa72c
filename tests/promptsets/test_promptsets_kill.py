"""A run in an app process that is killed (SIGKILL) resumes with only its missing cells."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.promptsets.registry import RunRegistry
from playground.session.evaluation.promptsets import load_run, resume_run, run_store
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import scenario_name
from tests.promptset_helpers import services, session_on

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("runs", [pytest.param(1, id="one-run"), pytest.param(3, id="3-runs")])
def test_a_killed_app_resumes_only_the_missing_cells(
    scenario: Callable[..., str], server: FakeOpenAIServer, tmp_path: Path, runs: int
) -> None:
    url = scenario(latency=0.15)
    data = tmp_path / "data"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.promptset_child", url, str(data), "15", str(runs)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        run_id = child.stdout.readline().strip()
        svc = services(data, limit=2, A=url)
        store = run_store(svc)
        deadline = time.monotonic() + 30
        saved = 0
        while saved < 6 and time.monotonic() < deadline:
            listed = store.list()
            saved = listed[0].cells_saved if listed else 0
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    stored = load_run(svc, run_id)
    assert stored is not None and stored.status == "running"  # interrupted, not finished
    kept = set(stored.cells)
    assert 6 <= len(kept) < 30 * runs
    before = len(server.chat_requests(scenario_name(url)))

    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    runner = resume_run(session, svc, RunRegistry(), run_id)
    assert runner is not None
    runner.join(30)
    again = [
        (r.body["model"], r.body["messages"][-1]["content"])
        for r in server.chat_requests(scenario_name(url))[before:]
    ]
    models = ("fake-small", "fake-large")
    missing = {(r, c, k) for r in range(15) for c in range(2) for k in range(runs)} - kept
    assert sorted(again) == sorted((models[c], f"question {r}") for r, c, _ in missing)
    final = load_run(svc, run_id)
    assert final is not None and final.status == "done" and len(final.cells) == 30 * runs
    assert {cell.run for cell in final.cells.values()} == set(range(runs))
    assert all(c.status == "done" for c in final.cells.values())
