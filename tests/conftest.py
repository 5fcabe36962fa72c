"""Shared fixtures: a real OpenAI-compatible HTTP server on 127.0.0.1, and app config."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st

from playground.streaming import StreamJob
from playground.workspace import Card, Message
from tests.fake_openai import FakeOpenAIServer, Scenario

_names = itertools.count()


@pytest.fixture(scope="session")
def server() -> Iterator[FakeOpenAIServer]:
    srv = FakeOpenAIServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def scenario(server: FakeOpenAIServer) -> Callable[..., str]:
    """Register a fresh scenario (``scenario(tokens=5)``) and return its base URL."""

    def make(**knobs: object) -> str:
        name = f"s{next(_names)}"
        return server.add(name, Scenario(**knobs))  # type: ignore[arg-type]

    return make


def scenario_name(base_url: str) -> str:
    return base_url.rstrip("/").split("/")[-2]


NO_LOCAL_MODEL = "\n[local_model]\nenabled = false\n"


@pytest.fixture
def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a playground.toml and point the app at it (via PLAYGROUND_CONFIG).

    The embedded local model is off unless a test passes ``local_model=True``.
    """

    def write(text: str, *, local_model: bool = False) -> Path:
        path = tmp_path / "playground.toml"
        path.write_text(text if local_model else text + NO_LOCAL_MODEL, encoding="utf-8")
        monkeypatch.setenv("PLAYGROUND_CONFIG", str(path))
        return path

    # Tests never read a real secrets file or config from the working tree.
    monkeypatch.chdir(tmp_path)
    return write


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def endpoints_toml(**endpoints: str) -> str:
    """``[[endpoints]]`` tables for name=base_url pairs (underscores become spaces)."""
    out = []
    for name, url in endpoints.items():
        out.append(f'[[endpoints]]\nname = "{name.replace("_", " ")}"\nbase_url = "{url}"\n')
    return "\n".join(out)


def wait_for_text(job: StreamJob, chars: int, timeout: float) -> None:
    """Block until ``job`` has streamed at least ``chars`` characters (or timeout)."""
    deadline = time.monotonic() + timeout
    while len(job.snapshot().text) < chars and time.monotonic() < deadline:
        time.sleep(0.02)


def add_turn(card: Card, prompt: str) -> Message:
    """Append a prompt and the empty answer that a StreamJob will fill."""
    card.messages.append(Message(role="user", content=prompt))
    answer = Message(role="assistant", status="streaming")
    card.messages.append(answer)
    return answer
