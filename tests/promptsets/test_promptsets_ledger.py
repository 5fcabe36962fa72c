"""A run keeps a few bytes an answer: results go to the store and are let go of once
saved; a run saved before Runs per prompt loads as 1 run."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.promptsets.records import CellResult, RunColumn, RunRow, RunSpec
from playground.promptsets.running.ledger import DONE, ERROR, MISSING, STOPPED, Ledger, Results
from playground.promptsets.store import CellWriter, RunStore
from playground.store import WorkspaceStore
from playground.workspace.types import CardConfig

SPEC = RunSpec(
    title="t",
    columns=[
        RunColumn(card_id=f"c{i}", label=f"{i} · m", config=CardConfig(endpoint="e", model="m"))
        for i in range(2)
    ],
    rows=[RunRow(number=n, prompt=f"p{n}") for n in (1, 2)],
    runs=3,
)


@pytest.fixture
def runs(tmp_path: Path) -> Iterator[RunStore]:
    store = WorkspaceStore(f"sqlite:///{tmp_path / 'w.db'}")
    yield RunStore(store.engine)
    store.close()


def test_the_ledger_counts_each_answer_by_row_card_and_run() -> None:
    ledger = Ledger(SPEC)
    assert len(list(SPEC.answer_keys())) == 12
    ledger.record(CellResult(row=1, col=1, run=2, status="done"))
    ledger.record(CellResult(row=0, col=0, run=1, status="stopped"))
    ledger.record(CellResult(row=0, col=1, run=0, status="error"))
    assert ledger.status((1, 1, 2)) == DONE and ledger.status((0, 0, 1)) == STOPPED
    assert ledger.status((0, 1, 0)) == ERROR and ledger.status((1, 1, 1)) == MISSING
    assert ledger.answered == 2 and not ledger.complete
    todo = list(ledger.todo(SPEC.answer_keys(), retry_errors=False))
    assert len(todo) == 10 and (0, 0, 1) in todo and (0, 1, 0) not in todo
    assert (0, 1, 0) in ledger.todo(SPEC.answer_keys(), retry_errors=True)
    ledger.record(CellResult(row=5, col=0, run=0, status="done"))  # another shape: ignored
    assert ledger.answered == 2


def test_saved_results_are_let_go_of_and_read_back_from_the_store(runs: RunStore) -> None:
    run_id = runs.create(SPEC, workspace_id=None, owner=None)
    writer = CellWriter(runs, run_id)
    results = Results(SPEC, [], writer)
    for at in SPEC.answer_keys():
        results.record(CellResult(row=at[0], col=at[1], run=at[2], status="done", text=str(at)))
    writer.close("done")
    deadline = time.monotonic() + 5
    while results.held and time.monotonic() < deadline:
        time.sleep(0.01)
    assert results.held == 0  # nothing kept in memory once saved
    assert results.ledger.complete
    page = results.cells(range(1, 2))  # the grid's page: row 1 only
    assert sorted(page) == [(1, c, k) for c in range(2) for k in range(3)]
    assert results.cell((0, 1, 2)).text == "(0, 1, 2)"  # type: ignore[union-attr]
    assert len(results.cells()) == 12


def test_without_a_store_the_results_are_kept() -> None:
    results = Results(SPEC, [], None)
    results.record(CellResult(row=0, col=0, run=2, status="done", text="x"))
    assert results.held == 1 and results.cells()[(0, 0, 2)].text == "x"


def test_a_run_saved_before_runs_per_prompt_loads_as_one_run(runs: RunStore) -> None:
    old = json.loads(SPEC.model_dump_json())
    del old["runs"]
    spec = RunSpec.model_validate(old)
    assert spec.runs == 1 and spec.answers_total == 4
    run_id = runs.create(spec, workspace_id=None, owner=None)
    runs.write_cells(run_id, [CellResult.model_validate({"row": 1, "col": 1, "status": "done"})])
    stored = runs.load(run_id)
    assert stored is not None and list(stored.cells) == [(1, 1, 0)]
