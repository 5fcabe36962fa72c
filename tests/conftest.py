"""Shared fixtures: a real OpenAI-compatible HTTP server on 127.0.0.1, and app config."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st

from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.helpers import NO_LOCAL_MODEL

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
