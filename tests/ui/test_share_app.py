"""Share on the Playground (AppTest): the snapshot link opens read-only in a fresh session,
holds no token, goes on as a new workspace, and only its owner deletes it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from playground.promptsets.stats import wilson
from playground.reports.sharing import SnapshotStore, snapshot_html
from playground.store import StoreConfig, WorkspaceStore
from playground.store.schema import snapshots
from tests.helpers import (
    APP,
    cards,
    endpoints_toml,
    key,
    new_app,
    open_with,
    send_synced,
    shown,
    state,
)

CANARY_FILE = "sk-canary-share-file-41c2"
CANARY_CUSTOM = "sk-canary-share-custom-8e07"
STORE = "\n[store]\nautosave_interval = 0.1\n"


def answered(at: AppTest, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while any(c.is_streaming for c in cards(at)) and time.monotonic() < deadline:
        time.sleep(0.1)
        at.run()
    assert not any(c.is_streaming for c in cards(at))


def shared_app(write_config: Callable[..., Path], scenario: Callable[..., str]) -> AppTest:
    file_url = scenario(token=CANARY_FILE)
    custom_url = scenario(token=CANARY_CUSTOM)
    write_config(
        f'[[endpoints]]\nname = "File"\nbase_url = "{file_url}"\ntoken = "{CANARY_FILE}"\n' + STORE
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    second = cards(at)[1]
    at.selectbox(key=key(second, "model")).set_value("Custom").run()
    at.text_input(key=key(second, "base_url")).set_value(custom_url).run()
    at.text_input(key=key(second, "model_id")).set_value("fake-small").run()
    at.text_input(key=key(second, "token")).set_value(CANARY_CUSTOM).run()
    send_synced(at, "hello there")
    answered(at)
    assert all(c.messages[-1].status == "done" for c in cards(at))
    at.button(key="share-playground").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shared_id(at: AppTest) -> str:
    result = at.session_state["share_last"]["playground"]
    assert result.problem is None and result.snapshot_id is not None
    return str(result.snapshot_id)


def stored_json(snapshot_id: str) -> str:
    engine = WorkspaceStore.from_config(StoreConfig()).engine
    with engine.connect() as conn:
        query = sa.select(snapshots.c.data).where(snapshots.c.id == snapshot_id)
        return str(conn.execute(query).scalar_one())


def test_share_stores_the_cards_and_no_token(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    at = shared_app(write_config, scenario)
    snapshot_id = shared_id(at)
    assert any(f"?snapshot={snapshot_id}" in c.value for c in at.code)  # the link is shown
    data = stored_json(snapshot_id)
    answers = [c.messages[-1].content for c in cards(at)]
    assert all(a and a in data for a in answers)
    assert CANARY_FILE not in data and CANARY_CUSTOM not in data
    stored = SnapshotStore(WorkspaceStore.from_config(StoreConfig()).engine).load(snapshot_id)
    assert stored is not None
    page = snapshot_html(stored.snapshot)
    assert CANARY_FILE not in page and CANARY_CUSTOM not in page
    assert "hello there" in page


def test_the_link_opens_read_only_and_goes_on_as_a_new_workspace(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    at = shared_app(write_config, scenario)
    snapshot_id = shared_id(at)
    histories = [c.messages for c in cards(at)]

    fresh = open_with(snapshot=snapshot_id)
    assert len(fresh.chat_input) == 0
    assert [b.key for b in fresh.button] == ["snapshot-open"]  # no Send, no Delete (not theirs)
    assert len(fresh.text_input) == 0 and len(fresh.text_area) == 0
    page_text = " ".join(shown(m.value) for m in fresh.markdown)
    assert all(h[-1].content in page_text for h in histories)
    assert "hello there" in page_text

    fresh.button(key="snapshot-open").click().run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert "snapshot" not in fresh.query_params
    assert [c.messages for c in cards(fresh)] == histories
    assert len(fresh.chat_input) > 0  # the Playground again, ready to go on
    assert cards(fresh)[1].config.custom.model_id == "fake-small"
    assert state(fresh).runtime(cards(fresh)[1].id).token in (None, "")  # asked for again


def test_only_the_sharer_deletes_and_then_the_link_says_unknown(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    at = shared_app(write_config, scenario)
    snapshot_id = shared_id(at)
    at.query_params["snapshot"] = snapshot_id
    at.run()
    at.button(key="snapshot-delete").click().run()
    assert not at.exception
    gone = open_with(snapshot=snapshot_id)
    assert any("unknown" in shown(w.value) for w in gone.warning)
    assert len(gone.chat_input) == 0 and not gone.exception


def test_an_unknown_or_malformed_id_says_so(write_config: Callable[..., Path]) -> None:
    write_config(STORE)
    for wrong in ("A" * 22, "../etc/passwd", "<script>"):
        at = open_with(snapshot=wrong)
        assert not at.exception
        assert any("unknown" in shown(w.value) for w in at.warning), wrong


def test_a_prompt_set_run_is_shared_with_its_grid_and_summary(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    at = new_app()
    at.switch_page("pages/prompt_sets.py").run()
    at.text_area(key="ps-text").set_value("prompt,expected\nhello,contains:hello\nbye,json\n")
    at.run()
    at.button(key="ps-run").click().run()
    deadline = time.monotonic() + 20
    while not any(m.value.startswith("**Done**") for m in at.markdown):
        assert time.monotonic() < deadline
        time.sleep(0.2)
        at.run()
    run_id = state(at).prompt_run_id
    at.button(key=f"share-run-{run_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    snapshot_id = at.session_state["share_last"][f"run-{run_id}"].snapshot_id
    assert snapshot_id is not None

    fresh = open_with(snapshot=snapshot_id)
    assert len(fresh.chat_input) == 0 and [b.key for b in fresh.button] == ["snapshot-open"]
    summary = fresh.dataframe[0].value
    assert list(summary["Card"]) == ["1 · fake-small", "2 · fake-small"]
    assert list(summary["checks passed"]) == ["1/2", "1/2"]
    low, high = wilson(1, 2)
    rate = f"50% ({low * 100:.0f}–{high * 100:.0f} %)"  # as the run's own summary words it
    assert list(summary["pass rate (95 % interval)"]) == [rate, rate]
    texts = " ".join(t.value for t in fresh.text)
    assert "Row 1: hello" in texts and "✓ contains:hello" in texts
    fresh.button(key="snapshot-open").click().run()
    first = cards(fresh)[0]
    assert [m.content for m in first.messages][0::2] == ["hello", "bye"]
