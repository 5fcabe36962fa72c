"""AutoSaver: saves in the background while answers stream, survives store errors, stops."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from playground.chat.streaming import StreamJob
from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client
from playground.store import (
    AutoSaver,
    SaveResult,
    StoreUnavailable,
    WorkspaceStore,
    WorkspaceTooLarge,
)
from playground.store.schema import metadata
from playground.workspace.types import CUSTOM, CardConfig, CustomConfig, Message, Workspace
from tests.helpers import add_turn
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401

TIMEOUTS = Timeouts(connect=2, read=5)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[WorkspaceStore]:
    s = WorkspaceStore(f"sqlite:///{tmp_path}/ws.sqlite3")
    yield s
    s.close()


def wait_until(condition: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def stored(store: WorkspaceStore, saver: AutoSaver) -> Workspace:
    assert saver.workspace_id is not None
    loaded = store.load(saver.workspace_id)
    assert loaded is not None
    return loaded.workspace


def test_first_change_creates_the_workspace_and_the_thread_ends_when_idle(
    store: WorkspaceStore,
) -> None:
    ws = Workspace()
    saver = AutoSaver(store, lambda: ws, owner="alice", interval=0.05)
    assert saver.workspace_id is None and not saver.running
    ws.cards[0].messages.append(Message(role="user", content="hello"))
    saver.mark_dirty()
    wait_until(lambda: saver.saves == 1 and not saver.running)
    assert saver.revision == 1 and saver.last_error is None and saver.last_saved_at
    assert stored(store, saver) == ws
    (summary,) = store.list(owner="alice")
    assert summary.id == saver.workspace_id and summary.title == "hello"


def test_nothing_changed_nothing_written(store: WorkspaceStore) -> None:
    ws = Workspace()
    saver = AutoSaver(store, lambda: ws, interval=0.05)
    assert saver.flush() is True
    assert saver.flush() is False
    saver.mark_dirty()
    wait_until(lambda: not saver.running)
    assert saver.saves == 1 and saver.revision == 1


class CountingStore(WorkspaceStore):
    def __init__(self, *args: object, fail: int = 0, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.calls = 0
        self.fail = fail

    def save(self, *args: object, **kw: object) -> SaveResult:
        self.calls += 1
        if self.fail > 0:
            self.fail -= 1
            raise StoreUnavailable("The workspace store is not available right now (test).")
        return super().save(*args, **kw)  # type: ignore[arg-type]


def test_saves_at_most_every_interval(tmp_path: Path) -> None:
    store = CountingStore(f"sqlite:///{tmp_path}/ws.sqlite3")
    ws = Workspace()
    workspace_id = store.create(ws)
    saver = AutoSaver(store, lambda: ws, workspace_id=workspace_id, revision=1, interval=0.25)
    start = time.monotonic()
    while time.monotonic() - start < 0.6:
        ws.cards[0].messages.append(Message(role="user", content="x"))
        saver.mark_dirty()
        time.sleep(0.005)
    saver.stop()
    # t=0, 0.25, 0.5 in the background, then stop() saves the rest.
    assert 2 <= store.calls <= 4
    assert stored(store, saver) == ws
    store.close()


def test_a_streaming_answer_is_saved_as_it_grows_and_when_it_ends(
    store: WorkspaceStore, scenario: Callable[..., str]
) -> None:
    ws = Workspace()
    card = ws.cards[0]
    answer = add_turn(card, "tell me a story")
    saver = AutoSaver(store, lambda: ws, interval=0.05)
    job = StreamJob(
        make_client(scenario(tokens=80, tokens_per_second=200), None, TIMEOUTS, max_retries=0),
        model="fake-small",
        history=card.history_for_request(),
        target=answer,
    ).start()
    saver.mark_dirty()  # what the UI does after appending the prompt
    seen: list[tuple[str, int]] = []
    while not job.done:
        if saver.workspace_id:
            saved = stored(store, saver).cards[0].messages[-1]
            seen.append((saved.status, len(saved.content)))
        time.sleep(0.03)
    job.join(5)
    wait_until(lambda: not saver.running)
    final = stored(store, saver).cards[0].messages[-1]
    assert final.status == "done" and final.content == answer.content
    partial = [n for status, n in seen if status == "streaming" and 0 < n < len(answer.content)]
    assert len(set(partial)) >= 3, seen  # saved several times while it grew


def test_store_errors_are_kept_for_the_ui_and_retried(tmp_path: Path) -> None:
    store = CountingStore(f"sqlite:///{tmp_path}/ws.sqlite3", fail=2)
    ws = Workspace()
    workspace_id = store.create(ws)
    saver = AutoSaver(store, lambda: ws, workspace_id=workspace_id, revision=1, interval=0.05)
    ws.cards[0].messages.append(Message(role="user", content="keep me"))
    assert saver.flush() is False
    assert isinstance(saver.last_error, StoreUnavailable)
    assert "not available" in saver.last_error.message
    saver.mark_dirty()  # the background thread retries until it works
    wait_until(lambda: saver.saves == 1 and not saver.running)
    assert saver.last_error is None and store.calls == 3
    assert stored(store, saver) == ws
    store.close()


def test_a_too_large_workspace_is_reported_not_raised_nor_retried(tmp_path: Path) -> None:
    store = CountingStore(f"sqlite:///{tmp_path}/ws.sqlite3", max_workspace_bytes=5_000)
    ws = Workspace()
    saver = AutoSaver(store, lambda: ws, interval=0.05)
    saver.flush()
    ws.cards[0].messages.append(Message(role="user", content="x" * 6_000))
    saver.mark_dirty()
    wait_until(lambda: not saver.running)
    assert isinstance(saver.last_error, WorkspaceTooLarge)
    assert store.calls == 1  # the size is checked before the database is asked
    ws.cards[0].messages[0].content = "small again"
    saver.mark_dirty()
    wait_until(lambda: not saver.running)
    assert saver.last_error is None and saver.saves == 2
    store.close()


def test_stop_saves_the_last_change_and_ends_the_thread(store: WorkspaceStore) -> None:
    ws = Workspace()
    saver = AutoSaver(store, lambda: ws, interval=30)
    saver.mark_dirty()
    wait_until(lambda: saver.saves == 1)
    ws.cards[0].messages.append(Message(role="user", content="last words"))
    saver.mark_dirty()  # throttled: the next background save would be 30 s away
    assert saver.running
    start = time.monotonic()
    saver.stop()
    assert time.monotonic() - start < 2
    assert not saver.running
    assert stored(store, saver) == ws
    saver.mark_dirty()
    assert not saver.running


def test_two_tabs_merge_and_each_can_take_in_the_other(store: WorkspaceStore) -> None:
    first = Workspace()
    workspace_id = store.create(first)
    tab_a, tab_b = first.model_copy(deep=True), first.model_copy(deep=True)
    a = AutoSaver(store, lambda: tab_a, workspace_id=workspace_id, revision=1)
    b = AutoSaver(store, lambda: tab_b, workspace_id=workspace_id, revision=1)
    add_turn(tab_a.cards[0], "from A").status = "done"
    assert a.flush()
    streaming = add_turn(tab_b.cards[0], "from B")
    assert b.flush()  # merged with A's save
    assert b.revision == 1  # not built on until taken in
    assert [m.content for m in stored(store, a).cards[0].messages if m.role == "user"] == [
        "from A",
        "from B",
    ]
    streaming.content = "still typing"
    assert b.flush()  # merges again: nothing lost while B has not looked
    assert b.apply_merge() is True
    assert [m.content for m in tab_b.cards[0].messages if m.role == "user"] == ["from A", "from B"]
    assert tab_b.cards[0].messages[-1] is streaming
    assert b.apply_merge() is False
    b.stop()
    a.stop()
    assert stored(store, a).cards[0].messages[-1].content == "still typing"


def test_an_adopted_merge_is_built_on(store: WorkspaceStore) -> None:
    first = Workspace()
    workspace_id = store.create(first)
    tab_a, tab_b = first.model_copy(deep=True), first.model_copy(deep=True)
    a = AutoSaver(store, lambda: tab_a, workspace_id=workspace_id, revision=1)
    b = AutoSaver(store, lambda: tab_b, workspace_id=workspace_id, revision=1)
    tab_a.cards[0].messages.append(Message(role="user", content="A"))
    a.flush()
    tab_b.cards[1].messages.append(Message(role="user", content="B"))
    b.flush()
    assert b.apply_merge()
    b.stop()
    assert b.revision == 4  # the merge (3), then B's own save built on it (4)
    assert stored(store, b) == tab_b


CANARY = "sk-canary-7f3a9c1e5b2d4f60"


def test_the_token_never_reaches_the_store(
    database_url: str,  # noqa: F811
    tmp_path: Path,
    scenario: Callable[..., str],
) -> None:
    """A Custom card with a token: an answer, a rejected request, autosave, and the canary
    is in no table row, and (on SQLite) not in the database files' bytes."""
    with pytest.raises(ValidationError):  # there is nowhere to put it
        CustomConfig(base_url="http://x/v1", model_id="m", token=CANARY)  # type: ignore[call-arg]
    good = scenario(tokens=20, token=CANARY)
    bad = scenario(token="something-else")
    store = WorkspaceStore(database_url)
    ws = Workspace()
    for card, url in zip(ws.cards, (good, bad), strict=True):
        card.config = CardConfig(
            model=CUSTOM, custom=CustomConfig(base_url=url, model_id="fake-small")
        )
    saver = AutoSaver(store, lambda: ws, interval=0.02)
    jobs = []
    for card, url in zip(ws.cards, (good, bad), strict=True):
        target = add_turn(card, "hi")
        jobs.append(
            StreamJob(
                make_client(url, CANARY, TIMEOUTS, max_retries=0),
                model="fake-small",
                history=card.history_for_request(),
                target=target,
            ).start()
        )
    saver.mark_dirty()
    for job in jobs:
        job.join(10)
    saver.stop()
    saved = stored(store, saver)
    assert saved.cards[0].messages[-1].status == "done", saved.cards[0].messages[-1].error
    assert saved.cards[1].messages[-1].status == "error"
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                assert CANARY not in repr(tuple(row))
    store.close()
    if database_url.startswith("sqlite"):
        files = list(Path(database_url.removeprefix("sqlite:///")).parent.iterdir())
        assert any(f.name.endswith(".sqlite3") for f in files)
        for path in files:
            assert CANARY.encode() not in path.read_bytes(), path
