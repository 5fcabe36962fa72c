"""pytest fixtures: one stand-in manager for the session, replaying each generation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from playground.endpoints.backendai import BackendAIConfig
from tests.fake_manager.generations import GENERATIONS, Generation
from tests.fake_manager.server import ACCESS_KEY, SECRET_KEY, FakeManager

#: The environment variable the UI tests' config names for the secret key.
SECRET_ENV = "PLAYGROUND_TEST_BAI_SECRET"


def backendai_toml(manager_url: str) -> str:
    """A ``[backendai]`` table for ``playground.toml`` (the secret from SECRET_ENV)."""
    return (
        f'[backendai]\nmanager_url = "{manager_url}"\naccess_key = "{ACCESS_KEY}"\n'
        f'secret_key_env = "{SECRET_ENV}"\npage_size = 20\ntimeout = 3\n'
    )


@pytest.fixture(scope="session")
def _fake_manager_server() -> Iterator[FakeManager]:
    manager = FakeManager().start()
    yield manager
    manager.stop()


@pytest.fixture(params=[pytest.param(g, id=g.id) for g in GENERATIONS])
def generation(request: pytest.FixtureRequest) -> Generation:
    """Each manager generation in turn (24.09, 25.13, 26.4)."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def fake_manager(_fake_manager_server: FakeManager, generation: Generation) -> FakeManager:
    """The running stand-in, emptied, playing ``generation``, knowing only ACCESS_KEY."""
    _fake_manager_server.reset(generation)
    _fake_manager_server.add_keypair()
    return _fake_manager_server


@pytest.fixture
def backendai_config(fake_manager: FakeManager) -> BackendAIConfig:
    """A ``[backendai]`` config for ``fake_manager`` (the secret key inline)."""
    return BackendAIConfig(
        manager_url=fake_manager.base_url,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,  # type: ignore[arg-type]
        page_size=20,
        timeout=5,
    )
