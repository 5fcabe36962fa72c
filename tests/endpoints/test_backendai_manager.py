"""ManagerClient against the stand-in manager over real HTTP, as each generation answers.

Every test that takes ``fake_manager`` runs against 24.09, 25.13 and 26.4
(``tests/fake_manager/generations.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from playground.config.settings import Timeouts, load_config
from playground.endpoints.backendai import (
    BackendAIConfig,
    BadKeypair,
    BadResponse,
    ClockSkewRejected,
    ManagerClient,
    ManagerError,
    ManagerUnreachable,
    ModelService,
    PermissionDenied,
    resolve_secret_key,
    token_label,
)
from playground.endpoints.backendai.health import Route, derive_health
from playground.endpoints.backendai.query import LIVE_ENDPOINTS, endpoint_filter, like_escape, quote
from playground.endpoints.discovery import list_models
from tests.fake_manager import GEN_2409, SECRET_KEY, FakeManager, compile_filter, fixtures

# The stand-in manager's fixtures (tests/fake_manager/fixtures.py).
_fake_manager_server = fixtures._fake_manager_server
generation = fixtures.generation
fake_manager = fixtures.fake_manager
backendai_config = fixtures.backendai_config

FAST = Timeouts(connect=2, read=5, models=5)


@pytest.fixture
def client(backendai_config: BackendAIConfig) -> Iterator[ManagerClient]:
    with ManagerClient.from_config(backendai_config, {}) as c:
        yield c


def assert_no_secrets(error: ManagerError, *secrets: str) -> None:
    for secret in (SECRET_KEY, *secrets):
        assert secret not in error.message
        assert secret not in str(error)


# -- search -------------------------------------------------------------------------


def test_search_finds_an_endpoint_beyond_the_first_page_on_the_server(
    fake_manager: FakeManager,
    client: ManagerClient,
) -> None:
    fake_manager.add_endpoints(120)
    target = fake_manager.add_endpoint("zz-Llama-3-Target")
    first = client.search_endpoints()
    assert first.total_count == 121 and len(first.items) == 20 and first.has_more
    assert target.endpoint_id not in {e.endpoint_id for e in first.items}

    found = client.search_endpoints("llama-3-TARGET")
    assert [e.endpoint_id for e in found.items] == [target.endpoint_id]
    assert found.total_count == 1 and not found.has_more
    # One request, filtered by the manager: not fetched page by page.
    last = fake_manager.gql_requests("endpoint_list")[-1]
    assert last.variables is not None
    assert last.variables["filter"] == f'({LIVE_ENDPOINTS}) & (name ilike "%llama-3-TARGET%")'
    assert last.variables["order"] == "name,created_at"


def test_pages_cover_every_endpoint_once_in_name_order(
    fake_manager: FakeManager,
    client: ManagerClient,
) -> None:
    fake_manager.add_endpoints(45)
    names: list[str] = []
    offset = 0
    while True:
        page = client.search_endpoints(offset=offset, limit=20)
        names += [e.name for e in page.items]
        if not page.has_more:
            break
        offset += len(page.items)
    assert names == [f"svc-{i:03d}" for i in range(45)]
    assert [len(client.search_endpoints(offset=o).items) for o in (0, 20, 40)] == [20, 20, 5]


def test_only_live_endpoints_and_the_configured_project(
    fake_manager: FakeManager,
    backendai_config: BackendAIConfig,
) -> None:
    other = "7f1c8e39-0b4f-4f5e-9d51-1e0a3b3c2a11"
    fake_manager.add_endpoint("alive")
    fake_manager.add_endpoint("going", lifecycle_stage="destroying")
    fake_manager.add_endpoint("gone", lifecycle_stage="destroyed")
    fake_manager.add_endpoint("elsewhere", project=other)
    with ManagerClient(backendai_config, SECRET_KEY) as c:
        assert [e.name for e in c.search_endpoints().items] == ["alive", "elsewhere"]
    scoped = backendai_config.model_copy(update={"project": other})
    with ManagerClient(scoped, SECRET_KEY) as c:
        assert [e.name for e in c.search_endpoints().items] == ["elsewhere"]


@pytest.mark.parametrize(
    ("name", "decoy"),
    [
        pytest.param("a_b", "axb", id="underscore-is-not-a-wildcard"),
        pytest.param("100%", "1000", id="percent-is-not-a-wildcard"),
        pytest.param('say "hi"', "say hi", id="double-quotes"),
        pytest.param("back\\slash", "backslash", id="backslash"),
        pytest.param('end\\"', "end", id="backslash-then-quote"),
        pytest.param("trailing\\", "trailing", id="trailing-backslash"),
        pytest.param('x) | (name ilike "%', "xyz", id="filter-injection"),
    ],
)
def test_search_text_is_matched_literally(
    fake_manager: FakeManager,
    client: ManagerClient,
    name: str,
    decoy: str,
) -> None:
    fake_manager.add_endpoint(name)
    fake_manager.add_endpoint(decoy)
    fake_manager.add_endpoint("unrelated")
    assert [e.name for e in client.search_endpoints(name).items] == [name]


def test_filter_escaping_by_hand() -> None:
    live = '((lifecycle_stage != "destroying") & (lifecycle_stage != "destroyed"))'
    assert like_escape("50%_off\\") == "50\\%\\_off\\\\"
    assert quote('a"b') == '"a\\"b"'
    assert endpoint_filter('my "llm"_%') == f'{live} & (name ilike "%my \\"llm\\"\\_\\%%")'
    assert endpoint_filter("  \n ") == live
    assert endpoint_filter("two\nlines") == f'{live} & (name ilike "%twolines%")'
    # The manager's grammar reads it back: the literal survives.
    match = compile_filter(endpoint_filter('say "hi" \\ 100%'), GEN_2409)
    assert match({"name": 'x say "hi" \\ 100% y', "lifecycle_stage": "created"})
    assert not match({"name": 'say "hi" \\ 1000', "lifecycle_stage": "created"})


# -- health ----------------------------------------------------------------------------


def routes(*pairs: str) -> tuple[Route, ...]:
    """``"HEALTHY"`` (up to 25.x) or ``"RUNNING/HEALTHY"`` (26.4: status/health_status)."""
    return tuple(
        Route(status=p.split("/")[0], health_status=[*p.split("/"), None][1]) for p in pairs
    )


@pytest.mark.parametrize(
    ("status", "given", "health"),
    [
        pytest.param("HEALTHY", routes("HEALTHY", "HEALTHY"), "ready", id="all-healthy"),
        pytest.param("DEGRADED", routes("HEALTHY", "UNHEALTHY"), "degraded", id="some-healthy"),
        pytest.param("PROVISIONING", routes("HEALTHY", "PROVISIONING"), "degraded", id="scaling"),
        pytest.param("DEGRADED", routes("UNHEALTHY"), "unhealthy", id="none-healthy"),
        pytest.param("PROVISIONING", routes("FAILED_TO_START"), "unhealthy", id="failed"),
        pytest.param("UNHEALTHY", routes("PROVISIONING"), "unhealthy", id="too-many-retries"),
        pytest.param("PROVISIONING", routes("PROVISIONING"), "provisioning", id="starting"),
        pytest.param("READY", (), "provisioning", id="no-routes"),
        pytest.param(
            "HEALTHY", routes("HEALTHY", "TERMINATING"), "ready", id="terminating-left-out"
        ),
        pytest.param("DESTROYING", (), "unhealthy", id="destroying"),
        pytest.param(None, routes("healthy"), "ready", id="lowercase"),
        # 26.4: status is the route's lifecycle, health_status its health.
        pytest.param("HEALTHY", routes("RUNNING/HEALTHY"), "ready", id="26.4-running-healthy"),
        pytest.param("DEGRADED", routes("RUNNING/DEGRADED"), "degraded", id="26.4-degraded"),
        pytest.param(
            "DEGRADED", routes("RUNNING/HEALTHY", "RUNNING/UNHEALTHY"), "degraded", id="26.4-some"
        ),
        pytest.param(
            "DEGRADED", routes("RUNNING/NOT_CHECKED"), "provisioning", id="26.4-unchecked"
        ),
        pytest.param("UNHEALTHY", routes("RUNNING/UNHEALTHY"), "unhealthy", id="26.4-unhealthy"),
        pytest.param("DEGRADED", (), "provisioning", id="26.4-no-routes"),
        pytest.param(
            "UNHEALTHY", routes("TERMINATED/HEALTHY"), "unhealthy", id="26.4-only-terminated"
        ),
        pytest.param(
            "HEALTHY",
            routes("RUNNING/HEALTHY", "TERMINATING/HEALTHY", "TERMINATED/NOT_CHECKED"),
            "ready",
            id="26.4-leaving-routes-left-out",
        ),
    ],
)
def test_health(status: str | None, given: tuple[Route, ...], health: str) -> None:
    assert derive_health(status, given) == health
    endpoint = ModelService(endpoint_id="x", name="x", status=status, routes=given)
    assert endpoint.is_healthy == (health in ("ready", "degraded"))


def test_health_through_the_manager(
    fake_manager: FakeManager,
    client: ManagerClient,
) -> None:
    knobs: list[tuple[list[str], str]] = [
        (["HEALTHY"], "ready"),
        (["HEALTHY", "UNHEALTHY"], "degraded"),
        (["HEALTHY", "TERMINATING"], "ready"),
        (["UNHEALTHY", "FAILED_TO_START"], "unhealthy"),
        (["PROVISIONING"], "provisioning"),
        ([], "provisioning"),
    ]
    ids = [
        fake_manager.add_endpoint(f"e{i}", routes=r).endpoint_id for i, (r, _) in enumerate(knobs)
    ]
    by_id = {e.endpoint_id: e for e in client.search_endpoints().items}
    assert [by_id[i].health for i in ids] == [h for _, h in knobs]
    assert [client.get_endpoint(i).health for i in ids] == [h for _, h in knobs]
    # health_status is asked for exactly where the manager has it (26.4.2 on).
    asked = fake_manager.gql_requests("endpoint_list")[-1].query or ""
    assert ("health_status" in asked) == fake_manager.generation.route_health
    assert all(r.status == 200 for r in fake_manager.requests)


def test_public_endpoint_lists_its_models_from_url_v1(
    fake_manager: FakeManager,
    client: ManagerClient,
    scenario: Callable[..., str],
) -> None:
    base_url = scenario(models=["gemma-3", "llama-3"])
    url = base_url.removesuffix("/v1")  # Backend.AI endpoint URLs have no version segment
    fake_manager.add_endpoint("public-llm", url=url, open_to_public=True)
    (endpoint,) = client.search_endpoints("public").items
    assert endpoint.open_to_public and endpoint.url == url and endpoint.base_url == base_url
    assert list_models(endpoint.base_url, None, FAST).models == ("gemma-3", "llama-3")


def test_deleted_endpoint(fake_manager: FakeManager, client: ManagerClient) -> None:
    gone = "0b5c2a36-3d4f-4e0e-8a8f-2f1d9a0b7c55"
    with pytest.raises(BadResponse, match="deleted"):
        client.get_endpoint(gone)
    with pytest.raises(BadResponse, match=r"not a Backend\.AI endpoint ID"):
        client.get_endpoint("../admin")


# -- tokens ----------------------------------------------------------------------------


def test_tokens_newest_first_without_expired_ones(
    fake_manager: FakeManager,
    client: ManagerClient,
) -> None:
    endpoint = fake_manager.add_endpoint("llm")
    old = fake_manager.add_token(endpoint, age=timedelta(days=10), lifetime=timedelta(days=30))
    expired = fake_manager.add_token(endpoint, age=timedelta(days=9), lifetime=timedelta(days=1))
    newest = fake_manager.add_token(endpoint, age=timedelta(hours=1))
    middle = fake_manager.add_token(endpoint, age=timedelta(days=3))
    tokens = client.list_tokens(endpoint.endpoint_id)
    assert [t.token.get_secret_value() for t in tokens] == [newest, middle, old]
    assert expired not in {t.token.get_secret_value() for t in tokens}
    for token, value in zip(tokens, [newest, middle, old], strict=True):
        assert token.label.startswith(f"…{value[-4:]} · expires ")
        assert value not in token.label and value not in repr(token)


def test_tokens_without_expiry(fake_manager: FakeManager, client: ManagerClient) -> None:
    endpoint = fake_manager.add_endpoint("llm")
    # Not a JWT: the manager cannot read an expiry either and answers valid_until null.
    value = fake_manager.add_token(endpoint, age=timedelta(days=400), jwt_token=False)
    (token,) = client.list_tokens(endpoint.endpoint_id)
    assert token.valid_until is None and token.label == f"…{value[-4:]} · no expiry"


def test_many_tokens_are_paged(fake_manager: FakeManager, client: ManagerClient) -> None:
    endpoint = fake_manager.add_endpoint("llm")
    for i in range(130):
        fake_manager.add_token(endpoint, age=timedelta(minutes=i))
    tokens = client.list_tokens(endpoint.endpoint_id)
    assert len(tokens) == 130
    assert len(fake_manager.gql_requests("endpoint_token_list")) == 2


@pytest.mark.parametrize(
    "lifetime",
    [
        pytest.param({"duration": "1d"}, id="duration-text"),
        pytest.param({"duration": timedelta(hours=24)}, id="duration-timedelta"),
        pytest.param({"valid_until": datetime.now(UTC) + timedelta(days=1)}, id="valid-until"),
    ],
)
def test_generate_token(
    fake_manager: FakeManager,
    client: ManagerClient,
    lifetime: dict[str, object],
) -> None:
    endpoint = fake_manager.add_endpoint("llm")
    fake_manager.add_token(endpoint, age=timedelta(days=2))
    token = client.generate_token(endpoint.endpoint_id, **lifetime)  # type: ignore[arg-type]
    assert isinstance(token, SecretStr)
    newest = client.list_tokens(endpoint.endpoint_id)[0]
    assert newest.token.get_secret_value() == token.get_secret_value()
    assert newest.valid_until is not None
    left = newest.valid_until - datetime.now(UTC)
    assert timedelta(hours=23) < left <= timedelta(days=1, seconds=5)


def test_generate_token_checks_its_lifetime(client: ManagerClient) -> None:
    eid = "0b5c2a36-3d4f-4e0e-8a8f-2f1d9a0b7c55"
    for bad in ({}, {"duration": "1d", "valid_until": datetime.now(UTC)}, {"duration": "soon"},
                {"duration": "0d"}, {"duration": timedelta(0)},
                {"valid_until": datetime(2030, 1, 1)}):  # fmt: skip
        with pytest.raises(ValueError):
            client.generate_token(eid, **bad)  # type: ignore[arg-type]


def test_generate_token_permission_denied(
    fake_manager: FakeManager,
    backendai_config: BackendAIConfig,
) -> None:
    endpoint = fake_manager.add_endpoint("someone-elses")
    fake_manager.add_keypair("AKIAREADONLY", "read-only-secret", can_generate_tokens=False)
    config = backendai_config.model_copy(update={"access_key": "AKIAREADONLY"})
    with ManagerClient(config, "read-only-secret") as c:
        assert c.search_endpoints().total_count == 1  # it can still read
        with pytest.raises(PermissionDenied) as caught:
            c.generate_token(endpoint.endpoint_id, duration="1h")
    assert "403" in caught.value.message and "generate tokens" in caught.value.message
    assert_no_secrets(caught.value, "read-only-secret")
    assert endpoint.tokens == []


# -- failures --------------------------------------------------------------------------


def test_wrong_secret_key_is_rejected(
    fake_manager: FakeManager,
    backendai_config: BackendAIConfig,
) -> None:
    wrong = SECRET_KEY[:-1] + "x"
    with ManagerClient(backendai_config, wrong) as c, pytest.raises(BadKeypair) as caught:
        c.search_endpoints()
    assert "401" in caught.value.message and "secret key" in caught.value.message
    assert_no_secrets(caught.value, wrong)
    assert fake_manager.requests[-1].status == 401


def test_unknown_access_key_is_rejected(
    fake_manager: FakeManager,
    backendai_config: BackendAIConfig,
) -> None:
    config = backendai_config.model_copy(update={"access_key": "AKIANOBODY"})
    with ManagerClient(config, SECRET_KEY) as c, pytest.raises(BadKeypair, match="401"):
        c.list_tokens("0b5c2a36-3d4f-4e0e-8a8f-2f1d9a0b7c55")


def test_clock_skew_is_named(
    fake_manager: FakeManager,
    backendai_config: BackendAIConfig,
) -> None:
    fake_manager.add_endpoint("llm")

    def skewed(minutes: float) -> Callable[[], datetime]:
        return lambda: datetime.now(UTC) + timedelta(minutes=minutes)

    with ManagerClient(backendai_config, SECRET_KEY, clock=skewed(14)) as c:
        assert c.search_endpoints().total_count == 1  # inside the 15-minute window
    with (
        ManagerClient(backendai_config, SECRET_KEY, clock=skewed(20)) as c,
        pytest.raises(ClockSkewRejected) as caught,
    ):
        c.search_endpoints()
    assert "clock skew" in caught.value.message
    assert "about 20 minutes ahead" in caught.value.message
    with (
        ManagerClient(backendai_config, SECRET_KEY, clock=skewed(-30)) as c,
        pytest.raises(ClockSkewRejected, match="about 30 minutes behind"),
    ):
        c.list_tokens("0b5c2a36-3d4f-4e0e-8a8f-2f1d9a0b7c55")


def test_manager_down(backendai_config: BackendAIConfig) -> None:
    stopped = FakeManager().start()
    stopped.stop()
    config = backendai_config.model_copy(update={"manager_url": stopped.base_url})
    with ManagerClient(config, SECRET_KEY) as c, pytest.raises(ManagerUnreachable) as caught:
        c.search_endpoints("x")
    assert "Could not connect" in caught.value.message and stopped.base_url in caught.value.message


def test_not_a_manager(backendai_config: BackendAIConfig, scenario: Callable[..., str]) -> None:
    config = backendai_config.model_copy(update={"manager_url": scenario()})
    with ManagerClient(config, SECRET_KEY) as c, pytest.raises(BadResponse, match="API URL"):
        c.search_endpoints()


def test_unsupported_api_version(
    fake_manager: FakeManager,
    backendai_config: BackendAIConfig,
) -> None:
    config = backendai_config.model_copy(update={"api_version": "v3.20170615"})
    with ManagerClient(config, SECRET_KEY) as c, pytest.raises(BadResponse, match="api_version"):
        c.search_endpoints()


# -- config ----------------------------------------------------------------------------


def test_secret_key_from_config_or_environment() -> None:
    base = {"manager_url": "https://api.example.com/", "access_key": "AKIA1"}
    inline = BackendAIConfig(**base, secret_key="s1")  # type: ignore[arg-type]
    assert inline.manager_url == "https://api.example.com"
    assert resolve_secret_key(inline, {})[0] == SecretStr("s1")
    from_env = BackendAIConfig(**base, secret_key_env="BAI_SECRET")
    secret, problem = resolve_secret_key(from_env, {"BAI_SECRET": "s2"})
    assert secret == SecretStr("s2") and problem is None
    secret, problem = resolve_secret_key(from_env, {})
    assert secret is None and problem is not None and "BAI_SECRET" in problem
    with pytest.raises(BadKeypair, match="BAI_SECRET"):
        ManagerClient.from_config(from_env, {})
    assert "s1" not in repr(inline) and "s1" not in repr(ManagerClient(inline, "s1"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("manager_url", "api.example.com", id="no-scheme"),
        pytest.param("access_key", "AK IA", id="space-in-access-key"),
        pytest.param("api_version", "8.2024", id="api-version"),
        pytest.param("project", "my-project", id="project-name-not-id"),
        pytest.param("page_size", 0, id="page-size"),
        pytest.param("surprise", 1, id="unknown-key"),
    ],
)
def test_config_is_validated(field: str, value: object) -> None:
    raw = {"manager_url": "https://api.example.com", "access_key": "AKIA1", field: value}
    with pytest.raises(ValidationError) as caught:
        BackendAIConfig.model_validate(raw)
    assert [e["loc"][0] for e in caught.value.errors()] == [field]


def test_backendai_section_in_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "playground.toml"
    path.write_text(
        '[backendai]\nendpoint = "https://bai.example.com"\naccess_key = "AKIA1"\n'
        'secret_key_env = "BAI_SECRET"\npage_size = 50\n',
        encoding="utf-8",
    )
    loaded = load_config(path, None)
    assert loaded.errors == [] and loaded.backendai is not None
    assert (loaded.backendai.manager_url, loaded.backendai.page_size) == (
        "https://bai.example.com",
        50,
    )
    assert load_config(tmp_path / "missing.toml", None).backendai is None
    bad = load_config(
        path, {"backendai": {"manager_url": "https://x", "access_key": "A", "oops": 1}}
    )
    assert bad.errors == [".streamlit/secrets.toml: backendai.oops: unknown key"]


def test_token_label() -> None:
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    token = "sk-0123456789abcdefa1b2"
    assert token_label(token, datetime(2026, 12, 1, tzinfo=UTC), now=now) == (
        "…a1b2 · expires 2026-12-01"
    )
    soon = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    assert token_label(SecretStr(token), soon, now=now) == "…a1b2 · expires 2026-11-02 09:30 UTC"
    assert token_label(token, datetime(2026, 10, 1, tzinfo=UTC), now=now).endswith(
        "expired 2026-10-01"
    )
    assert token_label("short123", None) == "…23 · no expiry"
    assert token_label("tiny", None) == "… · no expiry"
