"""Workspaces saved as you go and restored from their link; the History page (issue 8)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.session import Session
from playground.store import StoreConfig, WorkspaceStore
from playground.workspace.types import Workspace
from tests.helpers import (
    APP,
    cards,
    endpoints_toml,
    key,
    new_app,
    open_with,
    send_synced,
    send_to_card,
    shown,
    state,
    sync_off,
)

Config = Callable[..., Path]
STORE = "\n[store]\nautosave_interval = 0.1\n"
CANARY = "sk-canary-store-5d1e"


def saved_id(at: AppTest) -> str:
    saver = state(at).saver
    assert saver is not None and saver.workspace_id is not None
    assert (
        at.query_params["ws"] == [saver.workspace_id] or at.query_params["ws"] == saver.workspace_id
    )
    return saver.workspace_id


def wait_saved(app_state: Session, timeout: float = 10) -> None:
    """Until the background saver has written the live workspace."""
    saver = app_state.saver
    assert saver is not None and saver.workspace_id is not None
    store = WorkspaceStore.from_config(StoreConfig())  # a second connection, as a reader
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stored = store.load(saver.workspace_id)
        if stored is not None and stored.workspace == app_state.workspace:
            return
        time.sleep(0.05)
    raise AssertionError("the workspace was not saved in time")


def page(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(f"pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_reload_restores_the_workspace_exactly(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario(models=["m1", "m2"])) + STORE)
    at = new_app()
    assert state(at).saver is None and "ws" not in at.query_params  # nothing sent: nothing saved
    at.button(key="add_card").click().run()
    third = cards(at)[2]
    at.selectbox(key=key(third, "model")).set_value("m2").run()
    send_synced(at, "remember me")
    workspace_id = saved_id(at)
    wait_saved(state(at))
    before = state(at).workspace.model_dump_json()

    again = open_with(ws=workspace_id)
    assert state(again).workspace.model_dump_json() == before
    assert [c.id for c in cards(again)] == [c.id for c in cards(at)]
    assert again.toggle(key="sync_input_toggle").value is True
    assert again.selectbox(key=key(cards(again)[2], "model")).value == "m2"
    # It goes on in the restored session, under the same id.
    again.chat_input(key="sync_prompt").set_value("and this").run()
    assert saved_id(again) == workspace_id
    assert len(cards(again)[0].messages) == 4


def test_an_unknown_or_malformed_link_starts_fresh_with_a_message(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    for bad in ("A" * 22, "../../etc/passwd", "x"):
        at = open_with(ws=bad)
        assert any("workspace link is unknown" in w.value for w in at.warning)
        assert "ws" not in at.query_params
        assert len(cards(at)) == 2 and all(not c.messages for c in cards(at))


def test_new_workspace_keeps_the_old_one(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "first workspace")
    old = saved_id(at)
    at.button(key="new_workspace").click().run()
    assert state(at).saver is None and "ws" not in at.query_params
    assert len(cards(at)) == 2 and all(not c.messages for c in cards(at))
    sync_off(at)  # the new workspace opens synced too; this test types into one card
    send_to_card(at, cards(at)[0], "second workspace")
    assert saved_id(at) != old
    restored = open_with(ws=old)
    assert cards(restored)[0].messages[0].content == "first workspace"


def test_history_lists_searches_renames_and_deletes(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    ids = []
    for prompt in ("How do rust lifetimes work?", "A poem about tea"):
        at = new_app()
        sync_off(at)  # the first page opens synced; this test types into one card
        send_to_card(at, cards(at)[0], prompt)
        ids.append(saved_id(at))
        wait_saved(state(at))
    history = page("history")
    titles = [shown(m.value) for m in history.markdown if m.value.startswith("**")]
    assert titles == ["**A poem about tea**", "**How do rust lifetimes work?**"]  # newest first
    captions = [shown(c.value) for c in history.caption]
    assert any("2 messages" in c and "fake-small" in c for c in captions)
    # Search covers message text too (the answer echoes the prompt).
    history.text_input(key="history_search").set_value("lifetimes").run()
    assert [shown(m.value) for m in history.markdown if m.value.startswith("**")] == [
        "**How do rust lifetimes work?**"
    ]
    history.text_input(key="history_search").set_value("").run()
    history.text_input(key=f"hist-{ids[1]}-title").set_value("Tea").run()
    history.button(key=f"hist-{ids[1]}-save-title").click().run()
    assert "**Tea**" in [m.value for m in history.markdown]
    history.button(key=f"hist-{ids[0]}-confirm-delete").click().run()
    assert [shown(m.value) for m in history.markdown if m.value.startswith("**")] == ["**Tea**"]
    gone = open_with(ws=ids[0])
    assert any("workspace link is unknown" in w.value for w in gone.warning)


def test_history_is_off_in_a_shared_deployment(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + "\n[store]\nshared = true\n")
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "private")
    workspace_id = saved_id(at)
    history = page("history")
    assert any("History is off" in i.value for i in history.info)
    assert not [m for m in history.markdown if "private" in m.value]
    assert cards(open_with(ws=workspace_id))[0].messages[0].content == "private"  # the link works


def test_typed_tokens_never_reach_the_store(
    write_config: Config, scenario: Callable[..., str], tmp_path: Path
) -> None:
    url = scenario(token=CANARY)
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.selectbox(key=key(first, "model")).set_value("Custom").run()
    at.text_input(key=key(first, "base_url")).set_value(url).run()
    at.text_input(key=key(first, "model_id")).set_value("fake-small").run()
    at.text_input(key=key(first, "token")).set_value(CANARY).run()
    send_to_card(at, first, "secret?")
    assert cards(at)[0].messages[-1].status == "done"  # the token was used
    workspace_id = saved_id(at)
    wait_saved(state(at))
    state(at).saver.stop()  # type: ignore[union-attr]
    files = list((tmp_path / ".playground-data").iterdir())
    assert files and all(CANARY.encode() not in f.read_bytes() for f in files)
    restored = open_with(ws=workspace_id)
    assert restored.text_input(key=key(cards(restored)[0], "token")).value == ""


def test_an_answer_saved_mid_stream_comes_back_stopped() -> None:
    from playground.workspace.types import Card, Message

    answer = Message(role="assistant", content="par", status="streaming")
    ws = Workspace(cards=[Card(messages=[answer])])
    assert ws.settle().cards[0].messages[0].status == "stopped"
    assert ws.cards[0].messages[0].content == "par"


def signed_in(email: str, page_file: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "email": email, "sub": f"oidc|{email}"}
    for name, value in params.items():
        at.query_params[name] = value
    if page_file:
        at.switch_page(page_file)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_with_sign_in_workspaces_belong_to_their_owner(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + "\n[store]\nshared = true\n")
    alice = signed_in("alice@example.com")
    sync_off(alice)  # the first page opens synced; this test types into one card
    send_to_card(alice, cards(alice)[0], "alice's secret plan")
    workspace_id = saved_id(alice)
    wait_saved(state(alice))
    # Alice's History lists it (sign-in turns History on even in a shared deployment).
    mine = signed_in("alice@example.com", "pages/history.py")
    assert "**alice's secret plan**" in [shown(m.value) for m in mine.markdown]
    # Bob sees nothing of it: not in his History, and not through its link.
    theirs = signed_in("bob@example.com", "pages/history.py")
    assert not [m for m in theirs.markdown if "secret plan" in m.value]
    bob = signed_in("bob@example.com", ws=workspace_id)
    assert any("workspace link is unknown" in w.value for w in bob.warning)
    assert all(not c.messages for c in cards(bob))
    again = signed_in("alice@example.com", ws=workspace_id)
    assert cards(again)[0].messages[0].content == "alice's secret plan"


def test_history_open_switches_to_that_workspace(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    first = new_app()
    sync_off(first)  # the first page opens synced; this test types into one card
    send_to_card(first, cards(first)[0], "open me later")
    workspace_id = saved_id(first)
    wait_saved(state(first))
    history = page("history")
    history.button(key=f"hist-{workspace_id}-open").click().run()
    assert not history.exception
    assert cards(history)[0].messages[0].content == "open me later"
    assert saved_id(history) == workspace_id


def test_a_workspace_too_large_to_save_gets_a_warning_and_loses_nothing(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(
        endpoints_toml(Alpha=scenario())
        + "\n[store]\nmax_workspace_bytes = 65536\nautosave_interval = 0.1\n"
    )
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "small")
    saved_id(at)
    big = "x" * 70_000
    send_to_card(at, cards(at)[0], big)
    deadline = time.monotonic() + 10
    while state(at).saver.last_error is None and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.05)
    at.run()
    warnings = [w.value for w in at.warning if "not saved" in w.value]
    assert warnings and "too large" in warnings[0].lower(), warnings
    assert cards(at)[0].messages[2].content == big  # kept in the page
    assert not at.exception


def test_visitors_without_sign_in_never_see_a_signed_in_persons_workspaces(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)  # single-user mode
    alice = signed_in("alice@example.com")
    sync_off(alice)  # the first page opens synced; this test types into one card
    send_to_card(alice, cards(alice)[0], "alice's notes")
    wait_saved(state(alice))
    anonymous = new_app()
    sync_off(anonymous)  # the first page opens synced; this test types into one card
    send_to_card(anonymous, cards(anonymous)[0], "anonymous notes")
    wait_saved(state(anonymous))
    history = page("history")
    titles = [shown(m.value) for m in history.markdown if m.value.startswith("**")]
    assert titles == ["**anonymous notes**"]  # not Alice's: no listing, renaming or deleting


def test_a_key_typed_into_the_base_url_is_never_saved(
    write_config: Config, scenario: Callable[..., str], tmp_path: Path
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.selectbox(key=key(first, "model")).set_value("Custom").run()
    at.text_input(key=key(first, "base_url")).set_value(
        f"http://me:{CANARY}@127.0.0.1:9/v1?api_key={CANARY}"
    ).run()
    assert any("user name or password" in e.value for e in at.error)  # explained, as typed
    send_to_card(at, first, "hello")
    wait_saved(state(at))
    state(at).saver.stop()  # type: ignore[union-attr]
    assert cards(at)[0].config.custom.base_url == "http://127.0.0.1:9/v1"
    files = list((tmp_path / ".playground-data").iterdir())
    assert files and all(CANARY.encode() not in f.read_bytes() for f in files)


def test_an_import_becomes_a_new_workspace_and_keeps_the_old_one(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    from playground.workspace.export import export_json

    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    other = new_app()
    sync_off(other)  # the first page opens synced; this test types into one card
    send_to_card(other, cards(other)[0], "imported conversation")
    data = export_json(state(other).workspace)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "original conversation")
    original = saved_id(at)
    wait_saved(state(at))
    next(u for u in at.file_uploader if u.label == "Import JSON").upload(
        "x.json", data, "application/json"
    ).run()
    at.button(key="import_confirm").click().run()
    assert cards(at)[0].messages[0].content == "imported conversation"
    assert saved_id(at) != original
    assert cards(open_with(ws=original))[0].messages[0].content == "original conversation"


def test_a_workspace_deleted_elsewhere_is_saved_again_under_a_new_link(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "keep me")
    old = saved_id(at)
    wait_saved(state(at))
    history = page("history")
    history.button(key=f"hist-{old}-confirm-delete").click().run()
    send_to_card(at, cards(at)[0], "still here")  # its save finds the workspace gone
    deadline = time.monotonic() + 10
    while state(at).saver.last_error is None and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.05)
    at.run()
    assert any("deleted elsewhere" in w.value for w in at.warning)
    new = saved_id(at)
    assert new != old
    wait_saved(state(at))
    restored = open_with(ws=new)
    assert [m.content for m in cards(restored)[0].messages][::2] == ["keep me", "still here"]


def test_new_workspace_shows_its_own_sync_input(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + STORE)
    at = new_app()
    sync_off(at)  # this workspace's own choice: off
    send_to_card(at, cards(at)[0], "only the first")
    assert at.toggle(key="sync_input_toggle").value is False
    at.button(key="new_workspace").click().run()
    # A new workspace of two cards opens synced (decisions.opening_sync), whatever the
    # old one had: the toggle shows the new workspace's own value.
    assert at.toggle(key="sync_input_toggle").value is True
    assert state(at).workspace.sync_input is True
    send_synced(at, "synced")  # the one input sends to every card
    assert all(c.messages for c in cards(at))


def test_a_store_that_could_not_open_is_tried_again(
    write_config: Config, scenario: Callable[..., str], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-yet-a-folder"
    blocker.write_text("a file where the data folder should be")
    write_config(endpoints_toml(Alpha=scenario()) + f'\n[store]\ndata_dir = "{blocker}"\n')
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "before the disk is ready")
    assert state(at).saver is None  # nothing could be saved; the page keeps everything
    blocker.unlink()  # the data folder can be made now (a volume mounted late, say)
    send_to_card(at, cards(at)[0], "after")
    assert saved_id(at)
    assert [m.content for m in cards(at)[0].messages][::2] == ["before the disk is ready", "after"]
