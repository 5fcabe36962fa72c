"""Shared fixtures: a real OpenAI-compatible HTTP server on 127.0.0.1, and app config."""

from __future__ import annotations

import http.server
import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

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


class _FetchRecorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"type": "string"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that a JSON Schema's remote reference would fetch from:
    its address and the paths it was asked for (a test asserts there were none)."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _FetchRecorder)
    _FetchRecorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _FetchRecorder.hits
    server.shutdown()
