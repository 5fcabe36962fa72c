"""Fixtures of the token channel's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from playground.chat.channel_route import channel_routes
from playground.chat.channels import Channels
from tests.local_server import LocalServer


@pytest.fixture
def route() -> Iterator[tuple[Channels, str]]:
    """The channel route served by uvicorn on 127.0.0.1, and its registry."""
    channels = Channels()
    server = LocalServer(channel_routes(channels), "the channel route")  # type: ignore[arg-type]
    port = server.start()
    yield channels, f"http://127.0.0.1:{port}"
    server.stop()
