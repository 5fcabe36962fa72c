"""WorkspaceStore against SQLite and a real PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from playground.store import (
    ANY_OWNER,
    SchemaTooNew,
    StoreConfig,
    StoreUnavailable,
    WorkspaceNotFound,
    WorkspaceStore,
    WorkspaceTooLarge,
    WorkspaceUnreadable,
    adopt_merged,
    is_workspace_id,
    new_workspace_id,
)
from playground.store.schema import MIGRATIONS, migrate, schema_version, workspaces
from playground.workspace.types import CUSTOM, Card, CardConfig, CustomConfig, Message, Workspace
from tests.fake_openai import closed_port
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401


@pytest.fixture
def store(database_url: str) -> Iterator[WorkspaceStore]:  # noqa: F811
    s = WorkspaceStore(database_url)
    yield s
    s.close()


def turn(workspace: Workspace, prompt: str, answer: str = "ok", *, card: int = 0) -> None:
    workspace.cards[card].messages += [
        Message(role="user", content=prompt),
        Message(role="assistant", content=answer),
    ]


def ids(workspace: Workspace) -> set[str]:
    return {m.id for c in workspace.cards for m in c.messages}


def test_create_then_load_gives_the_same_workspace(store: WorkspaceStore) -> None:
    ws = Workspace(sync_input=True, cards_per_row=3)
    ws.cards[1].config = CardConfig(endpoint="vLLM", model="llama-3")
    turn(ws, "  How do\nI sort a list?  ", "Use sorted().")
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    workspace_id = store.create(ws, owner="alice")
    assert is_workspace_id(workspace_id)
    loaded = store.load(workspace_id)
    assert loaded is not None
    assert loaded.workspace == ws
    assert [c.id for c in loaded.workspace.cards] == [c.id for c in ws.cards]
    assert loaded.revision == 1
    assert loaded.title == "How do I sort a list?"
    assert loaded.owner == "alice"
    assert loaded.updated_at.tzinfo is dt.UTC and loaded.updated_at >= before


def test_ids_are_random_128_bit_url_safe_strings() -> None:
    made = {new_workspace_id() for _ in range(1000)}
    assert len(made) == 1000
    assert all(len(i) >= 22 and is_workspace_id(i) for i in made)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("", id="empty"),
        pytest.param("short", id="too-short"),
        pytest.param("x" * 65, id="too-long"),
        pytest.param("../../etc/passwd-aaaaaaaaaaaa", id="path"),
        pytest.param("' OR 1=1 --aaaaaaaaaaaaaaaaaa", id="sql"),
        pytest.param("abcdefghijklmnopqrstuv\n", id="newline"),
    ],
)
def test_malformed_ids_are_rejected_without_a_query(store: WorkspaceStore, bad: str) -> None:
    queries: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    assert store.load(bad) is None
    assert store.rename(bad, "x") is False
    assert store.delete(bad) is False
    with pytest.raises(WorkspaceNotFound):
        store.save(bad, Workspace(), 1)
    assert queries == []


def test_unknown_id_loads_as_none(store: WorkspaceStore) -> None:
    assert store.load(new_workspace_id()) is None


def test_save_with_the_expected_revision_writes_it(store: WorkspaceStore) -> None:
    ws = Workspace()
    workspace_id = store.create(ws)
    turn(ws, "hello")
    result = store.save(workspace_id, ws, 1)
    assert (result.revision, result.merged, result.workspace) == (2, False, None)
    loaded = store.load(workspace_id)
    assert loaded is not None and loaded.workspace == ws and loaded.revision == 2


def test_a_stale_revision_merges_and_loses_no_message(store: WorkspaceStore) -> None:
    base = Workspace()
    turn(base, "first")
    workspace_id = store.create(base)
    tab_a, tab_b = base.model_copy(deep=True), base.model_copy(deep=True)
    turn(tab_a, "from tab A")
    assert store.save(workspace_id, tab_a, 1).revision == 2
    turn(tab_b, "from tab B", card=1)
    turn(tab_b, "more from B")
    result = store.save(workspace_id, tab_b, 1)  # B never saw A's save
    assert result.merged and result.revision == 3 and result.workspace is not None
    assert ids(result.workspace) == ids(tab_a) | ids(tab_b)
    prompts = [m.content for m in result.workspace.cards[0].messages if m.role == "user"]
    assert prompts == ["first", "from tab A", "more from B"]
    loaded = store.load(workspace_id)
    assert loaded is not None and loaded.workspace == result.workspace and loaded.revision == 3
    # Tab B adopts the merge and goes on from revision 3.
    adopt_merged(tab_b, result.workspace)
    assert ids(tab_b) == ids(result.workspace)
    turn(tab_b, "after the merge")
    assert store.save(workspace_id, tab_b, 3).merged is False


def test_saving_a_deleted_workspace_says_so(store: WorkspaceStore) -> None:
    workspace_id = store.create(Workspace())
    assert store.delete(workspace_id)
    with pytest.raises(WorkspaceNotFound, match="deleted"):
        store.save(workspace_id, Workspace(), 1)


def test_a_workspace_over_the_size_limit_is_not_written(database_url: str) -> None:  # noqa: F811
    store = WorkspaceStore(database_url, max_workspace_bytes=5_000)
    try:
        small = Workspace()
        workspace_id = store.create(small)
        big = small.model_copy(deep=True)
        turn(big, "x" * 6_000)
        with pytest.raises(WorkspaceTooLarge) as caught:
            store.save(workspace_id, big, 1)
        assert caught.value.size > 6_000 and caught.value.limit == 5_000
        shown = f"{caught.value.size / 1000:.1f} kB"  # 6.9 or 7.0: it grows with Message fields
        assert f"too large to save ({shown}; the limit is 5.0 kB)" in caught.value.message
        loaded = store.load(workspace_id)
        assert loaded is not None and loaded.revision == 1 and loaded.workspace == small
        with pytest.raises(WorkspaceTooLarge):
            store.create(big)
        assert len(store.list()) == 1
    finally:
        store.close()


def test_list_is_newest_first_and_filtered_by_owner(store: WorkspaceStore) -> None:
    made = {}
    for name, owner in [("a1", "alice"), ("b1", "bob"), ("n1", None), ("a2", "alice")]:
        ws = Workspace()
        turn(ws, f"prompt {name}")
        made[name] = store.create(ws, owner=owner)
    # Saving a1 again makes it the newest.
    ws = store.load(made["a1"])
    assert ws is not None
    turn(ws.workspace, "again")
    store.save(made["a1"], ws.workspace, ws.revision)

    def listed(**kw: object) -> list[str]:
        return [s.title.removeprefix("prompt ") for s in store.list(**kw)]  # type: ignore[arg-type]

    assert listed() == ["a1", "a2", "n1", "b1"]
    assert listed(owner=ANY_OWNER) == ["a1", "a2", "n1", "b1"]
    assert listed(owner="alice") == ["a1", "a2"]
    assert listed(owner="bob") == ["b1"]
    assert listed(owner=None) == ["n1"]
    assert listed(owner="mallory") == []
    assert listed(limit=2) == ["a1", "a2"]
    assert listed(limit=2, offset=2) == ["n1", "b1"]


def test_list_summarises_models_and_messages(store: WorkspaceStore) -> None:
    ws = Workspace(
        cards=[
            Card(config=CardConfig(endpoint="vLLM", model="llama-3")),
            Card(config=CardConfig(model=CUSTOM, custom=CustomConfig(model_id="my-ft"))),
            Card(config=CardConfig(endpoint="vLLM", model="llama-3")),
            Card(),
        ]
    )
    turn(ws, "hi")
    store.create(ws)
    (summary,) = store.list()
    assert summary.models == ("llama-3", "my-ft")
    assert summary.messages == 2
    assert summary.size == len(ws.model_dump_json().encode())


def test_search_matches_titles_and_message_text(store: WorkspaceStore) -> None:
    one = Workspace()
    turn(one, "Explain quicksort", "Quicksort picks a PIVOT and partitions.")
    two = Workspace()
    turn(two, "Write a haiku", "Autumn moonlight— a worm digs silently into the chestnut")
    turn(two, "Ünïcode prompt", "costs 100% of the_budget")
    first, second = store.create(one), store.create(two)
    store.rename(second, "Poems for Friday")

    def found(q: str) -> set[str]:
        return {s.id for s in store.list(query=q)}

    assert found("quicksort") == {first}  # title
    assert found("pivot") == {first}  # answer text, any case
    assert found("CHESTNUT") == {second}
    assert found("friday") == {second}  # a renamed title
    assert found("ünïcode") == {second}
    assert found("100%") == {second} and found("0%") == {second}
    assert found("%") == {second} and found("_") == {second}  # no wildcards
    assert found("e_b") == {second} and found("t_x") == set()
    assert found("nowhere") == set()
    assert found("  ") == {first, second}


def test_rename_keeps_its_title_and_empty_goes_back(store: WorkspaceStore) -> None:
    ws = Workspace()
    turn(ws, "What is a monad?")
    workspace_id = store.create(ws, owner="alice")
    assert store.rename(workspace_id, "  Monads \n explained ")
    turn(ws, "another")
    store.save(workspace_id, ws, 1)
    loaded = store.load(workspace_id)
    assert loaded is not None and loaded.title == "Monads explained"
    assert store.rename(workspace_id, "Not mine", owner="bob") is False
    assert store.rename(workspace_id, "") is True
    loaded = store.load(workspace_id)
    assert loaded is not None and loaded.title == "What is a monad?"
    assert store.rename(new_workspace_id(), "x") is False


def test_title_is_cut_to_a_line(store: WorkspaceStore) -> None:
    ws = Workspace()
    turn(ws, "word " * 100)
    workspace_id = store.create(ws)
    loaded = store.load(workspace_id)
    assert loaded is not None and len(loaded.title) == 80 and loaded.title.endswith("…")


def test_delete(store: WorkspaceStore) -> None:
    workspace_id = store.create(Workspace(), owner="alice")
    assert store.delete(workspace_id, owner="bob") is False
    assert store.delete(workspace_id, owner="alice") is True
    assert store.load(workspace_id) is None
    assert store.delete(workspace_id) is False


def test_an_unreadable_stored_workspace_is_reported(store: WorkspaceStore) -> None:
    workspace_id = store.create(Workspace())
    with store.engine.begin() as conn:
        conn.execute(workspaces.update().values(data='{"cards": [{"id": "bad id!"}], "nope": 1}'))
    with pytest.raises(WorkspaceUnreadable):
        store.load(workspace_id)


def test_two_writers_at_once_lose_no_message(database_url: str) -> None:  # noqa: F811
    """Two threads, each with its own store (engine), append to one workspace at once."""
    setup = WorkspaceStore(database_url)
    workspace_id = setup.create(Workspace())
    setup.close()
    sent: dict[str, set[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(name: str, adopt: bool) -> None:
        store = WorkspaceStore(database_url)
        try:
            loaded = store.load(workspace_id)
            assert loaded is not None
            ws, revision = loaded.workspace, loaded.revision
            mine: set[str] = set()
            start.wait()
            for i in range(15):
                turn(ws, f"{name} {i}", card=i % 2)
                mine |= {m.id for m in ws.cards[i % 2].messages[-2:]}
                result = store.save(workspace_id, ws, revision)
                if result.workspace is None:
                    revision = result.revision
                elif adopt:  # a tab that takes in the merge
                    assert adopt_merged(ws, result.workspace)
                    revision = result.revision
                # else: a tab that never looks; every save of it merges again
            sent[name] = mine
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [
        threading.Thread(target=writer, args=("A", True)),
        threading.Thread(target=writer, args=("B", False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    check = WorkspaceStore(database_url)
    loaded = check.load(workspace_id)
    check.close()
    assert loaded is not None
    assert sent["A"] | sent["B"] <= ids(loaded.workspace)
    assert len(ids(loaded.workspace)) == 60
    for card in loaded.workspace.cards:  # each turn stays together
        for prompt, answer in zip(card.messages[::2], card.messages[1::2], strict=True):
            assert (prompt.role, answer.role) == ("user", "assistant")


# -- schema and migrations -------------------------------------------------------
def _version(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        version = conn.execute(sa.select(schema_version.c.version)).scalar_one()
    engine.dispose()
    return version


def test_an_older_database_is_migrated(database_url: str) -> None:  # noqa: F811
    # A database as version 1 of the schema left it, with one workspace.
    ws = Workspace(cards=[Card(config=CardConfig(endpoint="e", model="qwen-7b"))])
    turn(ws, "Old question", "An answer about GIRAFFES")
    engine = sa.create_engine(database_url)
    old_id = new_workspace_id()
    with engine.begin() as conn:
        migrate(conn, MIGRATIONS[:1])
        now = dt.datetime(2024, 1, 2, 3, 4, 5)
        conn.execute(
            sa.text(
                "INSERT INTO playground_workspaces "
                "(id, owner, title, created_at, updated_at, revision, data, size) "
                "VALUES (:id, NULL, 'Old question', :now, :now, 7, :data, 10)"
            ),
            {"id": old_id, "now": now, "data": ws.model_dump_json()},
        )
    engine.dispose()
    assert _version(database_url) == 1

    store = WorkspaceStore(database_url)
    try:
        assert _version(database_url) == len(MIGRATIONS)
        loaded = store.load(old_id)
        assert loaded is not None and loaded.workspace == ws and loaded.revision == 7
        assert loaded.updated_at == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        (summary,) = store.list(query="giraffes")
        assert summary.id == old_id and summary.models == ("qwen-7b",) and summary.messages == 2
        turn(loaded.workspace, "new question")
        assert store.save(old_id, loaded.workspace, 7).revision == 8
    finally:
        store.close()
    WorkspaceStore(database_url).close()  # opening again migrates nothing
    assert _version(database_url) == len(MIGRATIONS)


def test_a_newer_database_is_left_alone(database_url: str) -> None:  # noqa: F811
    WorkspaceStore(database_url).close()
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(schema_version.update().values(version=99))
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="newer"):
        WorkspaceStore(database_url)
    assert _version(database_url) == 99


# -- SQLite specifics ----------------------------------------------------------------
def test_sqlite_file_and_directories_are_created_on_first_use(tmp_path: Path) -> None:
    config = StoreConfig(data_dir=str(tmp_path / "deep" / "data"))
    path = config.sqlite_path()
    assert not path.parent.exists()
    store = WorkspaceStore.from_config(config)
    try:
        store.create(Workspace())
        assert path.is_file()
        assert (path.parent / ".gitignore").read_text() == "*\n"
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        store.close()


def test_relative_data_dir_is_under_the_working_directory(tmp_path: Path) -> None:
    assert StoreConfig().sqlite_path(tmp_path) == tmp_path / ".playground-data/workspaces.sqlite3"
    assert StoreConfig().database_url(tmp_path).startswith("sqlite:////")


def test_unusable_sqlite_path_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreUnavailable, match="not available"):
        WorkspaceStore(f"sqlite:///{blocker}/sub/workspaces.sqlite3")


def test_unreachable_postgres_is_a_store_error_without_the_password() -> None:
    url = f"postgresql://me:hunter2-secret@127.0.0.1:{closed_port()}/db?connect_timeout=2"
    with pytest.raises(StoreUnavailable) as caught:
        WorkspaceStore(url)
    assert "hunter2" not in caught.value.message
    assert "hunter2" not in str(caught.value)


def test_sqlite_file_is_readable_by_plain_sqlite(tmp_path: Path) -> None:
    store = WorkspaceStore(f"sqlite:///{tmp_path}/w.sqlite3")
    workspace_id = store.create(Workspace())
    store.close()
    with sqlite3.connect(tmp_path / "w.sqlite3") as conn:
        (data,) = conn.execute(
            "SELECT data FROM playground_workspaces WHERE id = ?", (workspace_id,)
        ).fetchone()
    assert len(json.loads(data)["cards"]) == 2


def test_a_nul_character_in_a_message_does_not_stop_saving(store: WorkspaceStore) -> None:
    workspace = Workspace(cards=[Card(messages=[Message(role="user", content="a\x00b")])])
    workspace_id = store.create(workspace)
    workspace.cards[0].messages.append(Message(role="assistant", content="c\x00d"))
    store.save(workspace_id, workspace, 1)
    stored = store.load(workspace_id)
    assert stored is not None and stored.workspace == workspace  # the text itself is kept
    assert [s.title for s in store.list(query="ab")] == ["ab"]
