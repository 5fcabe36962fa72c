"""Integration tests against the real embedded models (SmolLM2 and Gemma 3 on llama.cpp).

These need ``requirements-local.txt`` installed; the README's test command does.
Both models run for the whole module, each on its own llama.cpp server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.chat.streaming import StreamJob
from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client
from playground.endpoints.discovery import list_models
from playground.endpoints.local_models import (
    GEMMA3,
    LOCAL_MODELS,
    SMOLLM2,
    LocalModelServer,
    LocalModelSpec,
    installed,
)
from playground.workspace.types import Card, SamplingSettings
from tests.helpers import add_turn, wait_for_text

TIMEOUTS = Timeouts(connect=5, read=120, models=10)
MODELS = [pytest.param(spec, id=spec.key) for spec in LOCAL_MODELS]

pytestmark = pytest.mark.local_model


@pytest.mark.parametrize("spec", MODELS)
def test_local_model_packages_are_installed(spec: LocalModelSpec) -> None:
    assert installed(spec), "pip install -r requirements-local.txt (see README)"
    assert spec.model_path().is_file()


def wait_ready(server: LocalModelServer, timeout: float = 240) -> None:
    status = server.status
    deadline = time.monotonic() + timeout
    while not status.ready and status.phase != "failed" and time.monotonic() < deadline:
        status = server.wait(1.0, status)
    assert status.ready, status.detail


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, LocalModelServer]]:
    """Both models' servers, started together (each loads in its own process)."""
    started = {spec.key: LocalModelServer(spec, n_ctx=2048) for spec in LOCAL_MODELS}
    for server in started.values():
        server.ensure_started()
    try:
        for server in started.values():
            wait_ready(server)
        yield started
    finally:
        for server in started.values():
            server.stop()


def ask(
    server: LocalModelServer,
    card: Card,
    prompt: str,
    max_tokens: int = 16,
    settings: SamplingSettings | None = None,
) -> StreamJob:
    base_url = server.status.base_url
    assert base_url
    if settings is not None:
        card.config.settings = settings
    answer = add_turn(card, prompt)
    return StreamJob(
        make_client(base_url, None, TIMEOUTS),
        model=server.spec.model_id,
        history=card.history_for_request(),
        target=answer,
        max_tokens=max_tokens,
        params=card.config.settings.request_params(),
    ).start()


@pytest.mark.parametrize("spec", MODELS)
def test_lists_the_model(servers: dict[str, LocalModelServer], spec: LocalModelSpec) -> None:
    base_url = servers[spec.key].status.base_url
    assert base_url and base_url.startswith("http://127.0.0.1:")
    assert list_models(base_url, None, TIMEOUTS).models == (spec.model_id,)


def test_each_model_has_its_own_server(servers: dict[str, LocalModelServer]) -> None:
    urls = {s.status.base_url for s in servers.values()}
    pids = {s.pid for s in servers.values()}
    assert len(urls) == 2 and len(pids) == 2 and None not in pids


@pytest.mark.parametrize("spec", MODELS)
def test_streams_an_answer(servers: dict[str, LocalModelServer], spec: LocalModelSpec) -> None:
    card = Card()
    job = ask(servers[spec.key], card, "The capital of France is", 24)
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


def test_smollm2_uses_its_chat_template_and_knows_paris(
    servers: dict[str, LocalModelServer],
) -> None:
    """With its own card settings (system prompt, greedy), the instruct model answers and stops."""
    assert SMOLLM2.card_settings is not None
    card = Card()
    job = ask(
        servers[SMOLLM2.key],
        card,
        "What is the capital of France?",
        200,
        SMOLLM2.card_settings.model_copy(deep=True),
    )
    job.join(120)
    answer = card.messages[-1]
    assert answer.status == "done", answer.error
    assert "Paris" in answer.content
    assert answer.metrics is not None and answer.metrics.output_tokens
    assert answer.metrics.output_tokens < 200  # it stopped by itself


def test_the_two_models_answer_at_the_same_time(servers: dict[str, LocalModelServer]) -> None:
    """Each answer's first token arrives before the other answer ends (an order, not a time)."""
    events: list[tuple[str, str]] = []
    lock = threading.Lock()

    def watch(name: str, job: StreamJob) -> None:
        version = -1
        seen_text = False
        while not (snap := job.wait_for_change(version, 60)).done:
            version = snap.version
            if snap.text and not seen_text:
                seen_text = True
                with lock:
                    events.append(("first", name))
        with lock:
            if not seen_text:
                events.append(("first", name))
            events.append(("end", name))

    prompt = "Write a long story about a dragon."
    jobs = {
        spec.key: ask(servers[spec.key], Card(), prompt, 48, SamplingSettings(temperature=0.0))
        for spec in LOCAL_MODELS
    }
    watchers = [threading.Thread(target=watch, args=item) for item in jobs.items()]
    for watcher in watchers:
        watcher.start()
    for watcher in watchers:
        watcher.join(180)
    for job in jobs.values():
        assert job.message.status == "done", job.message.error
    smol, gemma = SMOLLM2.key, GEMMA3.key
    assert events.index(("first", smol)) < events.index(("end", gemma)), events
    assert events.index(("first", gemma)) < events.index(("end", smol)), events


def test_multi_turn_history(servers: dict[str, LocalModelServer]) -> None:
    local = servers[SMOLLM2.key]
    card = Card()
    ask(local, card, "My name is Ada.", 8).join(60)
    job = ask(local, card, "What is my name?", 8)
    job.join(60)
    assert [m.role for m in card.messages] == ["user", "assistant", "user", "assistant"]
    assert all(m.status == "done" for m in card.messages), [m.error for m in card.messages]
    assert card.messages[-1].content.strip()


def test_two_cards_on_one_server_both_answer(servers: dict[str, LocalModelServer]) -> None:
    """One model's server serves one request at a time: the second waits, neither fails."""
    local = servers[GEMMA3.key]
    first, second = Card(), Card()
    jobs = [ask(local, first, "Once upon a time", 24), ask(local, second, "Roses are red", 24)]
    for job in jobs:
        job.join(120)
    for card in (first, second):
        answer = card.messages[-1]
        assert answer.status == "done", answer.error
        assert answer.content.strip()


@pytest.mark.parametrize("spec", MODELS)
def test_stop_keeps_partial_text_and_frees_the_server(
    servers: dict[str, LocalModelServer], spec: LocalModelSpec
) -> None:
    local = servers[spec.key]
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
    server = LocalModelServer(SMOLLM2, model_path=lambda: bogus, startup_timeout=60)
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

    server = LocalModelServer(GEMMA3, model_path=broken)
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
        from playground.endpoints.local_models import SMOLLM2, LocalModelServer
        server = LocalModelServer(SMOLLM2, n_ctx=512)
        server.ensure_started()
        status = server.status
        while not status.ready and status.phase != "failed":
            status = server.wait(1.0, status)
        print(server.pid, flush=True)
        time.sleep(600)
        """
    )
    root = Path(__file__).resolve().parents[2]
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
