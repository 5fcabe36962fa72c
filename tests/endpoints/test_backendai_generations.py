"""What differs between manager generations, each against the stand-in playing it.

Sources per behaviour are in tests/fake_manager/generations.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from playground.config.settings import load_config
from playground.endpoints.backendai import BackendAIConfig, BadResponse, ManagerClient
from playground.endpoints.backendai.parse import timestamp
from playground.endpoints.backendai.versions import choose_api_version, manager_info
from tests.fake_manager import (
    ACCESS_KEY,
    GEN_2403,
    GEN_2409,
    GEN_2513,
    GEN_2604,
    SECRET_KEY,
    FakeManager,
    fixtures,
)
from tests.fake_manager.generations import Generation
from tests.fake_manager.records import KST, valid_until

_fake_manager_server = fixtures._fake_manager_server
generation = fixtures.generation
fake_manager = fixtures.fake_manager
backendai_config = fixtures.backendai_config


@pytest.fixture
def client(backendai_config: BackendAIConfig) -> Iterator[ManagerClient]:
    with ManagerClient.from_config(backendai_config, {}) as c:
        yield c


def test_endpoints_of_every_live_stage_are_found(
    fake_manager: FakeManager, client: ManagerClient
) -> None:
    for stage in fake_manager.generation.lifecycle_values:
        fake_manager.add_endpoint(f"at-{stage}", lifecycle_stage=stage)
    names = {e.name for e in client.search_endpoints().items}
    live = {s for s in fake_manager.generation.lifecycle_values if not s.startswith("destroy")}
    assert names == {f"at-{s}" for s in live}


def test_endpoints_sharing_a_name_are_each_paged_once(
    fake_manager: FakeManager, backendai_config: BackendAIConfig
) -> None:
    made = {e.endpoint_id for e in fake_manager.add_endpoints(23, name="same-name")}
    made |= {e.endpoint_id for e in fake_manager.add_endpoints(7)}
    seen: list[str] = []
    with ManagerClient(backendai_config.model_copy(update={"page_size": 5}), SECRET_KEY) as c:
        offset = 0
        while True:
            page = c.search_endpoints(offset=offset)
            seen += [e.endpoint_id for e in page.items]
            offset += len(page.items)
            if not page.has_more:
                break
    assert sorted(seen) == sorted(made)  # none repeated, none skipped


def test_expiry_is_read_from_the_token_on_a_manager_in_korea(
    fake_manager: FakeManager, client: ManagerClient
) -> None:
    endpoint = fake_manager.add_endpoint("llm")
    # Expired an hour ago: a host-local valid_until read as UTC would be 8 hours ahead.
    fake_manager.add_token(endpoint, age=timedelta(days=1, hours=1), lifetime=timedelta(days=1))
    alive = fake_manager.add_token(endpoint, lifetime=timedelta(hours=3))
    (token,) = client.list_tokens(endpoint.endpoint_id)
    assert token.token.get_secret_value() == alive
    assert token.valid_until is not None
    left = token.valid_until - datetime.now(UTC)
    assert timedelta(hours=2, minutes=59) < left <= timedelta(hours=3)
    # The stand-in answers valid_until as the manager does: naive KST up to 25.13.
    raw = endpoint.tokens[1]
    assert raw.valid_until is not None
    answered = datetime.fromisoformat(valid_until(raw.token, fake_manager.generation) or "")
    if fake_manager.generation.valid_until_local:
        assert answered.tzinfo is None
        assert answered == raw.valid_until.astimezone(KST).replace(tzinfo=None, microsecond=0)
        assert timestamp(answered.isoformat()) - raw.valid_until > timedelta(hours=8)
    else:
        assert answered == raw.valid_until.replace(microsecond=0)


@pytest.mark.parametrize(
    ("manager", "expected"),
    [
        pytest.param(GEN_2403, "v8.20240315", id="24.03"),
        pytest.param(GEN_2409, "v8.20240915", id="24.09"),
        pytest.param(GEN_2513, "v9.20250722", id="25.13"),
        pytest.param(GEN_2604, "v9.20250722", id="26.4"),
    ],
)
def test_the_api_version_is_the_managers(
    _fake_manager_server: FakeManager, manager: Generation, expected: str
) -> None:
    _fake_manager_server.reset(manager)
    _fake_manager_server.add_keypair()
    _fake_manager_server.add_endpoint("llm")
    backendai_config = BackendAIConfig(
        manager_url=_fake_manager_server.base_url, access_key=ACCESS_KEY, secret_key_env="X"
    )
    with ManagerClient(backendai_config, SECRET_KEY) as c:
        assert c.manager().api_version == expected
        assert c.manager().manager_version == manager.tag
        assert c.search_endpoints().total_count == 1
    pinned = backendai_config.model_copy(update={"api_version": "v9.20250722"})
    with ManagerClient(pinned, SECRET_KEY) as c:
        if "v9.20250722" in manager.valid_versions:
            assert c.search_endpoints().total_count == 1
        else:
            with pytest.raises(BadResponse, match="Unsupported API version"):
                c.search_endpoints()


def test_choose_api_version() -> None:
    assert choose_api_version("v7.20230615") == "v7.20230615"  # 23.09
    assert choose_api_version("v8.20240315") == "v8.20240315"  # 24.03
    assert choose_api_version("v9.20250722") == "v9.20250722"
    assert choose_api_version("v10.20270101") == "v9.20250722"  # newer than we know
    assert choose_api_version("v5.20191215") == "v5.20191215"  # older: its own
    assert choose_api_version(None) == "v8.20240915"
    info = manager_info({"version": "v9.20250722", "manager": "26.4.2"})
    assert info.has_route_health and not manager_info({"manager": "26.4.1"}).has_route_health
    assert not manager_info("<html>").has_route_health


def test_a_failed_token_generation_shows_the_managers_reason(
    fake_manager: FakeManager, client: ManagerClient
) -> None:
    endpoint = fake_manager.add_endpoint("llm")
    fake_manager.token_proxy_fails = True
    with pytest.raises(BadResponse) as caught:
        client.generate_token(endpoint.endpoint_id, duration="1d")
    status = fake_manager.generation.proxy_failure_status
    assert f"({status})" in caught.value.message
    if status == 404:  # 25.13 and later: the manager says why
        assert "Failed to generate token: 502" in caught.value.message
        assert "API URL" not in caught.value.message
    assert endpoint.tokens == []


def test_the_old_config_key_endpoint_still_works(tmp_path: Path) -> None:
    path = tmp_path / "playground.toml"
    path.write_text(
        '[backendai]\nendpoint = "https://bai.example.com"\naccess_key = "AKIA1"\n'
        'secret_key_env = "BAI_SECRET"\n',
        encoding="utf-8",
    )
    loaded = load_config(path, None)
    assert loaded.errors == [] and loaded.backendai is not None
    assert loaded.backendai.manager_url == "https://bai.example.com"
