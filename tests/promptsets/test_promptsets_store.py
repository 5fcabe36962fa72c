"""RunStore on SQLite and PostgreSQL: runs, cells written and replaced, lists, owners."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.chat.tools.calls import ToolCall
from playground.config.settings import LoadedConfig
from playground.promptsets.records import CellResult, RunColumn, RunRow, RunSpec
from playground.promptsets.store import CellWriter, RunStore
from playground.session import PlainServices
from playground.session.evaluation.promptsets import run_store, visible_runs
from playground.session.workspaces.history import HistoryScope
from playground.store import StoreConfig, WorkspaceStore
from playground.workspace.types import CardConfig, Metrics
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401


@pytest.fixture
def runs(database_url: str) -> Iterator[RunStore]:  # noqa: F811
    store = WorkspaceStore(database_url)  # migrates: step 3 makes the run tables
    yield RunStore(store.engine)
    store.close()


SPEC = RunSpec(
    title="t",
    columns=[RunColumn(card_id="c1", label="1 · m", config=CardConfig(endpoint="e", model="m"))],
    rows=[RunRow(number=1, prompt="p1"), RunRow(number=2, prompt="p2", expected="json")],
)


def test_cells_are_written_replaced_and_loaded(runs: RunStore) -> None:
    run_id = runs.create(SPEC, workspace_id="w" * 22, owner=None)
    first = CellResult(row=0, col=0, status="stopped", text="par")
    runs.write_cells(run_id, [first])
    done = CellResult(row=0, col=0, status="done", text="full", metrics=Metrics(ttft_s=0.1))
    runs.write_cells(run_id, [done, CellResult(row=1, col=0, status="error", error="x")])
    stored = runs.load(run_id)
    assert stored is not None and stored.spec == SPEC and stored.status == "running"
    assert stored.cells == {(0, 0, 0): done, (1, 0, 0): stored.cells[(1, 0, 0)]}
    assert stored.cells[(1, 0, 0)].error == "x"
    runs.set_status(run_id, "stopped")
    (summary,) = runs.list(workspace_id="w" * 22)
    assert (summary.status, summary.cells_saved, summary.cells_total) == ("stopped", 2, 2)


def test_a_run_belongs_to_its_owner(runs: RunStore) -> None:
    mine = runs.create(SPEC, workspace_id=None, owner="alice")
    assert runs.load(mine, owner="bob") is None
    assert runs.load(mine, owner="alice") is not None
    assert [s.id for s in runs.list(owner="bob")] == []
    assert not runs.delete(mine, owner="bob") and runs.delete(mine, owner="alice")
    assert runs.load(mine) is None
    assert runs.load("not an id") is None


def test_the_writer_saves_every_cell_it_was_given(runs: RunStore) -> None:
    run_id = runs.create(SPEC, workspace_id=None, owner=None)
    writer = CellWriter(runs, run_id)
    for i in range(50):
        writer.put(CellResult(row=0, col=0, status="done", text=f"v{i}"))  # a later one wins
    writer.put(CellResult(row=1, col=0, status="done", text="b"))
    writer.close("done")
    stored = runs.load(run_id)
    assert stored is not None and stored.status == "done"
    assert stored.cells[(0, 0, 0)].text == "v49" and stored.cells[(1, 0, 0)].text == "b"
    assert writer.last_error is None


def test_a_visitor_sees_only_the_runs_history_lets_them_see(tmp_path: Path) -> None:
    svc = PlainServices(
        loaded=LoadedConfig(store=StoreConfig(data_dir=str(tmp_path / "data"))), environ={}
    )
    store = run_store(svc)
    assert isinstance(store, RunStore)
    hers = store.create(SPEC, workspace_id="w1", owner="alice")
    store.create(SPEC, workspace_id="w2", owner="alice")
    store.create(SPEC, workspace_id="w1", owner="bob")
    alice = HistoryScope(True, "alice")
    assert [s.id for s in visible_runs(svc, alice, "w1") or []] == [hers]
    assert len(visible_runs(svc, alice, None) or []) == 2
    assert visible_runs(svc, HistoryScope(False, None), None) is None  # history off
    if svc.opened_store is not None:
        svc.opened_store.close()


def test_a_cell_keeps_its_tool_calls_in_the_store(runs: RunStore) -> None:
    run_id = runs.create(SPEC, workspace_id="w" * 22, owner=None)
    call = ToolCall(index=0, id="call_0", name="get_weather", arguments='{"city": "Paris"}')
    runs.write_cells(run_id, [CellResult(row=0, col=0, status="done", tool_calls=[call])])
    stored = runs.load(run_id)
    assert stored is not None and stored.cells[(0, 0, 0)].tool_calls == [call]
