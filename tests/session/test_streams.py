"""Answers belong to the workspace: saved the moment they end, followed after a reload,
stopped when no page follows them, and never interrupted by our own model lists."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from playground.config.settings import Timeouts
from playground.session import Session, commands
from playground.session.workspaces.saving import open_workspace, save_soon
from playground.store import StoreConfig, WorkspaceStore
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import scenario_name
from tests.session.test_commands import on, services

Scenario = Callable[..., str]


def slow_saving(tmp_path: Path, **endpoints: str):  # type: ignore[no-untyped-def]
    """Services whose autosave timer waits a minute: only a save at the answer's end helps."""
    svc = services(tmp_path, **endpoints)
    svc.loaded.store = StoreConfig(data_dir=str(tmp_path / "data"), autosave_interval=60)
    return svc


def model_requests(server: FakeOpenAIServer, url: str) -> int:
    name = scenario_name(url)
    return sum(1 for r in server.requests if r.scenario == name and r.path.endswith("/models"))


def reader(tmp_path: Path) -> WorkspaceStore:
    """A second connection to the store, as another app process would read it."""
    return WorkspaceStore.from_config(StoreConfig(data_dir=str(tmp_path / "data")))


def test_a_finished_answer_is_saved_at_once(tmp_path: Path, scenario: Scenario) -> None:
    svc = slow_saving(tmp_path, A=scenario(tokens=30, tokens_per_second=200))
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "hello")
    workspace_id = save_soon(session, svc, None)  # the page run after the send
    assert workspace_id is not None
    job = session.job(card.id)
    assert job is not None
    job.join(10)
    stored = reader(tmp_path).load(workspace_id)
    assert stored is not None
    answer = stored.workspace.cards[0].messages[-1]
    assert answer.status == "done"
    assert answer.content == card.messages[-1].content
    assert answer.content.startswith("[fake-small] turn 1: hello")


def test_a_stopped_and_a_failed_answer_are_saved_at_once(
    tmp_path: Path, scenario: Scenario
) -> None:
    svc = slow_saving(
        tmp_path,
        A=scenario(tokens=500, tokens_per_second=40),
        B=scenario(chat_status=500),
    )
    session = on(svc)
    first, second = session.workspace.cards
    second.config.endpoint = "B"
    commands.send(session, svc, [first.id], "stop me")
    workspace_id = save_soon(session, svc, None)
    assert workspace_id is not None
    first_job = session.job(first.id)
    assert first_job is not None
    while len(first_job.snapshot().text) < 10:
        time.sleep(0.02)
    commands.stop(session, first.id)
    first_job.join(10)
    commands.send(session, svc, [second.id], "fail me")
    save_soon(session, svc, None)
    second_job = session.job(second.id)
    assert second_job is not None
    second_job.join(20)
    stored = reader(tmp_path).load(workspace_id)
    assert stored is not None
    stopped, failed = (c.messages[-1] for c in stored.workspace.cards)
    assert stopped.status == "stopped" and stopped.content == first.messages[-1].content
    assert len(stopped.content) >= 10
    assert failed.status == "error" and failed.error and "500" in failed.error


def test_a_reopened_workspace_follows_its_running_answer_live(
    tmp_path: Path, scenario: Scenario
) -> None:
    svc = slow_saving(tmp_path, A=scenario(tokens=200, tokens_per_second=40))
    tab = on(svc)
    card = tab.workspace.cards[0]
    commands.send(tab, svc, [card.id], "long one")
    workspace_id = save_soon(tab, svc, None)
    assert workspace_id is not None
    job = tab.job(card.id)
    assert job is not None
    while len(job.snapshot().text) < 5:
        time.sleep(0.02)

    reloaded = Session()  # the same browser, reloaded: a new session
    assert open_workspace(reloaded, svc, workspace_id, None)
    followed = reloaded.live_job(card.id)
    assert followed is job  # not "Stopped": the same answer, still streaming
    live = reloaded.workspace.cards[0].messages[-1]
    assert live.status == "streaming"
    job.join(10)
    assert live.status == "done" and live.content.endswith("w199")
    stored = reader(tmp_path).load(workspace_id)
    assert stored is not None and stored.workspace.cards[0].messages[-1] == live


def test_an_answer_no_page_follows_is_stopped_and_saved(tmp_path: Path, scenario: Scenario) -> None:
    svc = slow_saving(tmp_path, A=scenario(tokens=400, tokens_per_second=40))
    svc.loaded.timeouts = Timeouts(unfollowed=0.5)
    session = on(svc)
    first, second = session.workspace.cards
    commands.send(session, svc, [first.id, second.id], "anyone there?")
    followed, abandoned = session.job(first.id), session.job(second.id)
    assert followed is not None and abandoned is not None
    watching = threading.Event()

    def page() -> None:  # a page follows the first card only, from the moment it was sent
        seen = -1
        while not watching.is_set() and not followed.done:
            seen = followed.wait_for_change(seen, 0.1).version

    follower = threading.Thread(target=page, daemon=True)
    follower.start()
    try:
        workspace_id = save_soon(session, svc, None)
        assert workspace_id is not None
        abandoned.join(10)
        assert second.messages[-1].status == "stopped"
        assert "no page followed" in (second.messages[-1].error or "")
        assert not followed.done, first.messages[-1].error
        stored = reader(tmp_path).load(workspace_id)
        assert stored is not None and stored.workspace.cards[1].messages[-1].status == "stopped"
    finally:
        watching.set()
        follower.join(2)
        commands.stop(session, first.id)


def test_no_model_list_is_asked_while_an_answer_streams_from_that_endpoint(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario(models=["m1", "m2"], tokens=100, tokens_per_second=40)
    svc = services(A=url)
    endpoint = svc.catalog().endpoints[0]
    assert svc.models(endpoint, 0).models == ("m1", "m2")
    asked = model_requests(server, url)
    session = on(svc, "m1")
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "hello")
    assert svc.jobs().busy(endpoint.base_url) == 1
    assert svc.models(endpoint, 1).models == ("m1", "m2")  # the last list, even refreshed
    assert model_requests(server, url) == asked
    job = session.job(card.id)
    assert job is not None
    job.join(10)
    assert svc.jobs().busy(endpoint.base_url) == 0
    assert svc.models(endpoint, 1).models == ("m1", "m2")
    assert model_requests(server, url) == asked + 1  # idle again: asked again


def test_a_busy_endpoint_never_listed_offers_the_models_streaming_from_it(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario(models=["m1", "m2"], tokens=40, tokens_per_second=40)
    svc = services(A=url)
    session = on(svc, "m2")
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "hello")
    endpoint = svc.catalog().endpoints[0]
    assert svc.models(endpoint, 0).models == ("m2",)
    assert model_requests(server, url) == 0
    commands.stop(session, card.id)
