"""Shared snapshots in the store (SQLite and a real PostgreSQL server), frozen without secrets."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from playground.chat.tools.calls import ToolCall
from playground.promptsets.records import CellResult, CheckResult, RunColumn, RunRow, RunSpec
from playground.promptsets.summary import summarize
from playground.reports.sharing import (
    ChatSnapshot,
    RunSnapshot,
    SnapshotStore,
    freeze_run,
    freeze_workspace,
    thaw,
)
from playground.reports.sharing.store import SnapshotTooLarge
from playground.session.workspaces.shares import may_delete, may_view
from playground.store import WorkspaceStore
from playground.store.schema import MIGRATIONS, current_version, migrate, snapshots
from playground.workspace.types import CUSTOM, CardConfig, CustomConfig, Message, Metrics, Workspace
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401

CANARY = "sk-canary-share-7f3a"


@pytest.fixture
def workspace_store(database_url: str) -> Iterator[WorkspaceStore]:  # noqa: F811
    s = WorkspaceStore(database_url)
    yield s
    s.close()


def chatted() -> Workspace:
    ws = Workspace(cards_per_row=2)
    ws.cards[0].config = CardConfig(endpoint="vLLM", model="llama-3")
    ws.cards[0].config.settings.temperature = 0.2
    ws.cards[0].messages = [
        Message(role="user", content="What is 2+2?"),
        Message(
            role="assistant",
            content="4",
            reasoning="add them",
            metrics=Metrics(ttft_s=0.25, total_s=1.0, output_tokens=3),
            tool_calls=[ToolCall(index=0, name="calc", arguments='{"x": 2}', result="4")],
        ),
    ]
    ws.cards[1].config = CardConfig(
        model=CUSTOM,
        custom=CustomConfig(
            base_url=f"http://me:{CANARY}@127.0.0.1:9/v1?key={CANARY}", model_id="m"
        ),
    )
    ws.cards[1].messages = [
        Message(role="user", content="hi"),
        Message(role="assistant", content="yo"),
    ]
    return ws


def test_a_chat_snapshot_round_trips(workspace_store: WorkspaceStore) -> None:
    store = SnapshotStore(workspace_store.engine)
    snapshot = freeze_workspace(chatted())
    snapshot_id = store.create(snapshot, owner="alice")
    loaded = store.load(snapshot_id)
    assert loaded is not None and loaded.owner == "alice" and loaded.id == snapshot_id
    assert loaded.snapshot == snapshot
    assert isinstance(loaded.snapshot, ChatSnapshot)
    first = loaded.snapshot.cards[0]
    assert (first.label, first.model, first.settings) == ("Card 1", "llama-3 on vLLM", "T 0.2")
    assert first.card.messages[1].tool_calls[0].result == "4"
    assert first.card.messages[1].metrics == Metrics(ttft_s=0.25, total_s=1.0, output_tokens=3)
    assert loaded.snapshot.title == "What is 2+2?"
    assert [s.id for s in store.list("alice")] == [snapshot_id]


def run_parts() -> tuple[RunSpec, list[CellResult]]:
    spec = RunSpec(
        title="arith",
        columns=[
            RunColumn(card_id="a", label="1 · m1", config=CardConfig(endpoint="E", model="m1")),
            RunColumn(card_id="b", label="2 · m2", config=CardConfig(endpoint="E", model="m2")),
        ],
        rows=[RunRow(number=1, prompt="2+2?", expected="4")],
    )
    cells = [
        CellResult(
            row=0,
            col=0,
            status="done",
            text="4",
            checks=[CheckResult(check="contains 4", passed=True)],
        ),
        CellResult(row=0, col=1, status="error", error="HTTP 500"),
    ]
    return spec, cells


def test_a_run_snapshot_round_trips_with_its_summary(workspace_store: WorkspaceStore) -> None:
    store = SnapshotStore(workspace_store.engine)
    spec, cells = run_parts()
    snapshot = freeze_run(
        spec, reversed(cells), summarize(spec, {(c.row, c.col, c.run): c for c in cells})
    )
    loaded = store.load(store.create(snapshot, owner=None))
    assert loaded is not None and isinstance(loaded.snapshot, RunSnapshot)
    assert loaded.snapshot.cells == cells  # in row, column order
    assert loaded.snapshot.spec == spec
    summary = {row.label: row.figures for row in loaded.snapshot.summary}
    assert summary["1 · m1"]["checks passed"] == "1/1"
    assert summary["2 · m2"]["errors"] == "1"


def test_ids_are_unguessable_and_a_wrong_id_is_unknown(workspace_store: WorkspaceStore) -> None:
    store = SnapshotStore(workspace_store.engine)
    made = [store.create(freeze_workspace(chatted()), owner=None) for _ in range(20)]
    assert len(set(made)) == 20
    assert all(len(i) >= 22 for i in made)  # token_urlsafe(16): 16 random bytes
    letters = Counter("".join(made))
    total = sum(letters.values())
    entropy = -sum(n / total * math.log2(n / total) for n in letters.values())
    assert entropy > 5.0  # of at most 6 bits per URL-safe character
    wrong = made[0][:-1] + ("A" if made[0][-1] != "A" else "B")
    assert store.load(wrong) is None
    assert store.load("../../etc/passwd") is None and store.load("") is None


def test_only_its_owner_deletes_it_and_then_it_is_unknown(workspace_store: WorkspaceStore) -> None:
    store = SnapshotStore(workspace_store.engine)
    snapshot_id = store.create(freeze_workspace(chatted()), owner="alice")
    assert store.delete(snapshot_id, "bob") is False
    assert store.delete(snapshot_id, None) is False
    assert store.load(snapshot_id) is not None
    assert store.delete(snapshot_id, "alice") is True
    assert store.load(snapshot_id) is None
    assert store.delete(snapshot_id, "alice") is False


def test_no_secret_reaches_the_stored_json(workspace_store: WorkspaceStore) -> None:
    store = SnapshotStore(workspace_store.engine)
    snapshot_id = store.create(freeze_workspace(chatted()), owner=None)
    with workspace_store.engine.connect() as conn:
        data = conn.execute(
            sa.select(snapshots.c.data).where(snapshots.c.id == snapshot_id)
        ).scalar_one()
    assert "127.0.0.1:9/v1" in data  # the Custom card's address is kept...
    assert CANARY not in data  # ...without the key typed into it


def test_a_snapshot_over_the_limit_is_refused_with_a_message(
    workspace_store: WorkspaceStore,
) -> None:
    store = SnapshotStore(workspace_store.engine, max_bytes=500)
    with pytest.raises(SnapshotTooLarge) as caught:
        store.create(freeze_workspace(chatted()), owner=None)
    assert "too large to share" in caught.value.message


def test_the_schema_is_at_the_snapshots_version(workspace_store: WorkspaceStore) -> None:
    with workspace_store.engine.connect() as conn:
        assert current_version(conn) == len(MIGRATIONS) >= 6
        assert sa.inspect(conn).has_table("playground_snapshots")


def test_thaw_gives_the_cards_and_histories_back() -> None:
    ws = chatted()
    again = thaw(freeze_workspace(ws), max_cards=8)
    assert [c.messages for c in again.cards] == [c.messages for c in ws.cards]
    assert again.cards[0].config == ws.cards[0].config
    assert CANARY not in again.model_dump_json()
    spec, cells = run_parts()
    from_run = thaw(freeze_run(spec, cells, []), max_cards=8)
    assert [c.config.model for c in from_run.cards] == ["m1", "m2"]
    assert [m.content for m in from_run.cards[0].messages] == ["2+2?", "4"]
    assert from_run.cards[1].messages[1].status == "error"


def test_a_version_5_database_gains_the_snapshots_table(database_url: str) -> None:  # noqa: F811
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        migrate(conn, MIGRATIONS[:5])
        assert not sa.inspect(conn).has_table("playground_snapshots")
    engine.dispose()
    store = WorkspaceStore(database_url)
    try:
        snapshots_store = SnapshotStore(store.engine)
        snapshot_id = snapshots_store.create(freeze_workspace(chatted()), owner=None)
        assert snapshots_store.load(snapshot_id) is not None
        with store.engine.connect() as conn:
            assert current_version(conn) == len(MIGRATIONS)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("owner", "user", "shared_here", "view", "delete"),
    [
        pytest.param(None, None, False, True, False, id="link-without-sign-in"),
        pytest.param(None, None, True, True, True, id="the-session-that-shared-it"),
        pytest.param("alice", "alice", False, True, True, id="its-owner"),
        pytest.param("alice", "bob", True, True, False, id="a-teammate"),
        pytest.param("alice", None, True, False, False, id="not-signed-in"),
    ],
)
def test_who_sees_and_who_deletes(
    owner: str | None, user: str | None, shared_here: bool, view: bool, delete: bool
) -> None:
    assert may_view(owner, user) is view
    assert may_delete(owner, user, shared_here) is delete
