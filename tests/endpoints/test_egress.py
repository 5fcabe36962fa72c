"""The ``[security]`` rules: where the server may connect, and Custom endpoints on or off.

No test here opens a connection to a refused address: host names are answered by
a resolver stub, and ``socket_guard`` fails any connect to a non-loopback address
(the test fails at teardown if one was even tried).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from playground.chat.deltas import ChatRequest, DeltaStream
from playground.config.sections import SecurityConfig
from playground.config.settings import LoadedConfig, Timeouts, load_config
from playground.endpoints.catalog import Endpoint
from playground.endpoints.clients import make_client
from playground.endpoints.discovery import ModelList, list_models
from playground.endpoints.egress import EgressPolicy, parse_entry
from playground.endpoints.targets import CUSTOM_REFUSED
from playground.errors import HostRefused
from playground.session import PlainServices, Session, commands
from playground.session.backendai import as_endpoint
from playground.session.decisions import model_options
from playground.session.workspaces.imports import check_import, confirm_import
from playground.session.workspaces.links import apply_link
from playground.session.workspaces.saving import open_workspace, save_soon
from playground.store import StoreConfig
from playground.workspace.export import export_json
from playground.workspace.types import CUSTOM, Card, CardConfig, Workspace
from tests.fake_openai import FakeOpenAIServer, RawAnswer
from tests.helpers import endpoints_toml, scenario_name
from tests.session.test_commands import finish, services

Scenario = Callable[..., str]
TIMEOUTS = Timeouts(connect=2, read=5, models=5)
METADATA_RULE = "169.254.169.254 is a link-local address; add it to allowed_hosts to allow it."


@pytest.fixture
def socket_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail any TCP connect to a non-loopback address; yields the attempts seen."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0]) if isinstance(address, tuple) else str(address)
            try:
                loopback = ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                attempts.append(address)
                raise ConnectionRefusedError(f"socket guard: {host} is not loopback")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    assert attempts == [], f"connections to non-loopback addresses were attempted: {attempts}"


class StubResolver:
    """Answers host names from a table; each name's answers are used in turn (the last repeats)."""

    def __init__(self, **answers: list[list[str]]) -> None:
        self.answers = {name.replace("_", "."): list(a) for name, a in answers.items()}
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        queue = self.answers.get(host)
        if not queue:
            raise socket.gaierror(socket.EAI_NONAME, "stub: unknown name")
        return queue.pop(0) if len(queue) > 1 else queue[0]


# -- allowed_hosts entries and the config section ---------------------------------------


@pytest.mark.parametrize(
    "entry",
    ["api.example.com", "*.example.com", "10.0.0.0/8", "169.254.169.254", "fd00:ec2::254", "[::1]"],
)
def test_allowed_hosts_takes_names_wildcards_addresses_and_ranges(entry: str) -> None:
    parse_entry(entry)


@pytest.mark.parametrize("entry", ["bad host", "*.", "a.*.example.com", "http://x/", ""])
def test_allowed_hosts_refuses_anything_else(entry: str) -> None:
    with pytest.raises(ValueError, match="must be a host name"):
        parse_entry(entry)


def test_security_section_is_read_and_a_bad_entry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "playground.toml"
    path.write_text(
        '[security]\nallow_custom_endpoints = false\nallowed_hosts = ["ok.example", "bad host"]\n'
    )
    loaded = load_config(path, None)
    assert loaded.errors == [
        "playground.toml: security.allowed_hosts: entry 2 must be a host name (api.example.com),"
        " a wildcard domain (*.example.com), or an IP address or CIDR range (10.0.0.0/8)"
    ]
    path.write_text('[security]\nallow_custom_endpoints = false\nallowed_hosts = ["*.corp"]\n')
    loaded = load_config(path, None)
    assert loaded.security == SecurityConfig(
        allow_custom_endpoints=False, allowed_hosts=("*.corp",)
    )
    assert LoadedConfig().security.allow_custom_endpoints  # default: on


# -- refused addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        pytest.param("169.254.169.254", METADATA_RULE, id="aws-gcp-azure-metadata"),
        pytest.param("169.254.170.2", "169.254.170.2 is a link-local address", id="ecs-task"),
        pytest.param("fe80::1", "fe80::1 is a link-local address", id="ipv6-link-local"),
        pytest.param("fd00:ec2::254", "fd00:ec2::254 is a cloud metadata address", id="aws-v6"),
        pytest.param("100.100.100.200", "is a cloud metadata address", id="alibaba"),
        pytest.param("::ffff:169.254.169.254", "is a link-local address", id="v4-mapped"),
        pytest.param("64:ff9b::a9fe:a9fe", "is a link-local address", id="nat64"),
        pytest.param("2002:a9fe:a9fe::1", "is a link-local address", id="6to4"),
    ],
)
def test_link_local_and_metadata_addresses_are_refused_naming_the_rule(
    host: str, expected: str
) -> None:
    policy = EgressPolicy()
    with pytest.raises(HostRefused) as refused:
        policy.addresses(host, 80)
    assert expected in refused.value.message
    assert "add it to allowed_hosts to allow it." in refused.value.message
    assert policy.refusal_without_lookup(host) == refused.value.message  # shown as it is typed


def test_a_name_is_judged_by_every_address_it_resolves_to() -> None:
    stub = StubResolver(mixed_test=[["127.0.0.1", "169.254.169.254"]], fine_test=[["127.0.0.1"]])
    policy = EgressPolicy(resolver=stub)
    with pytest.raises(HostRefused) as refused:
        policy.addresses("mixed.test", 80)
    assert refused.value.message == (
        "mixed.test resolves to 169.254.169.254, a link-local address; "
        "add 169.254.169.254 to allowed_hosts to allow it."
    )
    assert policy.addresses("fine.test", 80) == ["127.0.0.1"]
    assert policy.refusal_without_lookup("mixed.test") is None  # needs the lookup


def test_a_refused_address_is_allowed_only_when_an_address_or_range_lists_it() -> None:
    stub = StubResolver(meta_internal=[["169.254.169.254"]])
    assert (
        EgressPolicy.from_hosts(["169.254.169.254"]).refusal("169.254.169.254", "169.254.169.254")
        is None
    )
    assert EgressPolicy.from_hosts(["169.254.0.0/16"], stub).addresses("meta.internal", 80) == [
        "169.254.169.254"
    ]
    by_name = EgressPolicy.from_hosts(["meta.internal"], stub)
    with pytest.raises(HostRefused, match=re.escape("add 169.254.169.254 to allowed_hosts")):
        by_name.addresses("meta.internal", 80)  # a listed name does not unlock the address


@pytest.mark.parametrize(
    ("host", "address", "allowed"),
    [
        ("api.example.com", "203.0.113.5", True),
        ("a.b.example.com", "203.0.113.5", True),
        ("example.com", "203.0.113.5", False),  # *.example.com is the names under it
        ("evil-example.com", "203.0.113.5", False),
        ("gpu.internal", "10.1.2.3", True),  # in 10.0.0.0/8
        ("gpu.internal", "192.168.1.1", False),
        ("127.0.0.1", "127.0.0.1", False),  # a set list allows only what it lists
    ],
)
def test_a_set_allowed_hosts_allows_only_what_it_lists(
    host: str, address: str, allowed: bool
) -> None:
    policy = EgressPolicy.from_hosts(["*.example.com", "10.0.0.0/8"])
    why = policy.refusal(host, address)
    assert (why is None) == allowed
    if not allowed:
        assert why == (
            f"{host} is not in allowed_hosts, so this playground does not connect to it "
            "(the [security] section of its config lists where it may)."
        )


def test_an_unlisted_name_is_refused_before_any_lookup() -> None:
    policy = EgressPolicy.from_hosts(["api.example.com"])
    assert "not in allowed_hosts" in (policy.refusal_without_lookup("other.example") or "")
    assert policy.refusal_without_lookup("api.example.com") is None


# -- the connection goes to the address that was checked -------------------------------------


def test_a_rebinding_dns_cannot_move_a_connection(
    server: FakeOpenAIServer, scenario: Scenario, socket_guard: list[object]
) -> None:
    """First lookup: loopback (checked, connected to); the next: the metadata address."""
    url = scenario()
    name = scenario_name(url)
    stub = StubResolver(rebind_test=[["127.0.0.1"], ["169.254.169.254"]])
    policy = EgressPolicy(resolver=stub)
    rebound = f"http://rebind.test:{server.port}/{name}/v1"

    assert list_models(rebound, None, TIMEOUTS, policy) == ModelList(
        models=("fake-small", "fake-large")
    )
    assert stub.calls == ["rebind.test"]  # one lookup for the one connection
    seen = len(server.requests)

    second = list_models(rebound, None, TIMEOUTS, policy)
    assert second.error == (
        "rebind.test resolves to 169.254.169.254, a link-local address; "
        "add 169.254.169.254 to allowed_hosts to allow it."
    )
    assert len(server.requests) == seen  # refused before any request
    assert stub.calls == ["rebind.test", "rebind.test"]


def test_a_chat_stream_connects_only_to_checked_addresses(
    server: FakeOpenAIServer, scenario: Scenario, socket_guard: list[object]
) -> None:
    name = scenario_name(scenario(reply="pinned"))
    stub = StubResolver(chat_test=[["127.0.0.1"]], meta_test=[["169.254.169.254"]])
    policy = EgressPolicy(resolver=stub)
    request = ChatRequest("fake-small", [{"role": "user", "content": "hi"}])
    good = make_client(f"http://chat.test:{server.port}/{name}/v1", None, TIMEOUTS, egress=policy)
    assert "".join(d.text for d in DeltaStream(good, request)) == "pinned"
    bad = make_client(f"http://meta.test:{server.port}/{name}/v1", None, TIMEOUTS, egress=policy)
    with pytest.raises(HostRefused, match=re.escape("meta.test resolves to 169.254.169.254")):
        list(DeltaStream(bad, request))
    assert stub.calls.count("meta.test") == 1  # refused at once: no retries


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed(
    server: FakeOpenAIServer, scenario: Scenario, socket_guard: list[object], status: int
) -> None:
    away = {"location": "http://169.254.169.254/latest/meta-data/"}
    url = scenario(
        models_raw=RawAnswer(status=status, headers=away),
        chat_raw=RawAnswer(status=status, headers=away),
    )
    listed = list_models(url, None, TIMEOUTS)
    assert listed.error is not None
    assert f"answered {status}, a redirect to 169.254.169.254" in listed.error
    assert "Redirects are not followed" in listed.error
    client = make_client(url, None, TIMEOUTS, max_retries=0)
    with pytest.raises(Exception, match="Redirects are not followed"):
        list(DeltaStream(client, ChatRequest("fake-small", [{"role": "user", "content": "x"}])))


# -- cards: Custom, Backend.AI ---------------------------------------------------------------


def custom_card_session(svc: PlainServices, base_url: str) -> Session:
    session = Session()
    card = session.workspace.cards[0]
    card.config.endpoint = svc.catalog().names[0] if svc.catalog().names else None
    card.config.model = CUSTOM
    card.config.custom.base_url = base_url
    card.config.custom.model_id = "fake-small"
    return session


def test_a_custom_card_on_the_metadata_address_says_why_and_keeps_the_prompt(
    scenario: Scenario, socket_guard: list[object]
) -> None:
    svc = services(A=scenario())
    session = custom_card_session(svc, "http://169.254.169.254/v1")
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "what is my role?")
    assert [m.role for m in card.messages] == ["user", "assistant"]
    assert card.messages[0].content == "what is my role?"
    assert card.messages[1].status == "error"
    assert card.messages[1].error == METADATA_RULE
    assert session.runtime(card.id).job is None  # refused before any connection


def test_a_backendai_reported_url_is_checked_too(socket_guard: list[object]) -> None:
    from playground.endpoints.backendai import ModelService

    item = ModelService(endpoint_id="e1", name="llm", url="http://169.254.169.254")
    endpoint = as_endpoint(item)
    assert endpoint.base_url.startswith("http://169.254.169.254")
    listed = PlainServices(environ={}).models(endpoint, 0)
    assert listed.error == f"{METADATA_RULE}"
    options, problem = model_options(endpoint, listed)
    assert options == [CUSTOM] and METADATA_RULE in (problem or "")


def test_a_configured_endpoint_outside_allowed_hosts_is_refused(
    scenario: Scenario, socket_guard: list[object]
) -> None:
    svc = services(A=scenario())
    svc.loaded.security = SecurityConfig(allowed_hosts=("api.example.com",))
    listed = svc.models(svc.catalog().endpoints[0], 0)
    assert listed.error is not None and "127.0.0.1 is not in allowed_hosts" in listed.error


# -- allow_custom_endpoints = false --------------------------------------------------------


def no_custom(svc: PlainServices) -> PlainServices:
    svc.loaded.security = SecurityConfig(allow_custom_endpoints=False)
    return svc


def test_without_custom_the_model_selector_never_offers_it() -> None:
    endpoint = Endpoint(name="A", base_url="http://127.0.0.1:9/v1")
    listed = ModelList(models=("m1", "m2"))
    assert model_options(endpoint, listed, allow_custom=False) == (["m1", "m2"], None)
    assert model_options(endpoint, ModelList(error="Down."), allow_custom=False) == ([], "Down.")
    empty = model_options(endpoint, ModelList(), allow_custom=False)
    assert empty == ([], "This endpoint lists no models; choose another endpoint.")
    assert model_options(None, None, allow_custom=False)[0] == []


def assert_custom_refused(svc: PlainServices, server: FakeOpenAIServer, session: Session) -> None:
    card = next(c for c in session.workspace.cards if c.config.model == CUSTOM)
    before = len(server.requests)
    commands.send(session, svc, [card.id], "hello")
    finish(session)
    assert card.messages[-2].content == "hello"
    assert card.messages[-1].status == "error"
    assert card.messages[-1].error == CUSTOM_REFUSED
    assert len(server.requests) == before  # nothing was sent anywhere


def test_a_crafted_custom_card_is_refused_on_the_server(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario()
    svc = no_custom(services(A=url))
    assert_custom_refused(svc, server, custom_card_session(svc, url))


def test_an_imported_custom_card_is_refused(server: FakeOpenAIServer, scenario: Scenario) -> None:
    url = scenario()
    svc = no_custom(services(A=url))
    other = Workspace(cards=[Card(config=CardConfig(endpoint="A", model=CUSTOM))])
    other.cards[0].config.custom.base_url = url
    other.cards[0].config.custom.model_id = "fake-small"
    session = Session()
    check_import(session, svc, "ws.json", export_json(other))
    assert confirm_import(session, svc)
    assert_custom_refused(svc, server, session)


def test_a_linked_custom_card_is_refused(server: FakeOpenAIServer, scenario: Scenario) -> None:
    # A link's model is kept when the endpoint cannot list its models right now.
    svc = no_custom(services(A=scenario(models_status=500)))
    session = Session()
    apply_link(session, svc, {"card": [f"A:{CUSTOM}"]})
    assert session.workspace.cards[0].config.model == CUSTOM
    assert_custom_refused(svc, server, session)


def test_a_restored_custom_card_is_refused(
    server: FakeOpenAIServer, scenario: Scenario, tmp_path: Path
) -> None:
    url = scenario()
    svc = services(tmp_path, A=url)
    saved = custom_card_session(svc, url)
    commands.send(saved, svc, [saved.workspace.cards[0].id], "first")  # allowed then
    finish(saved)
    assert saved.workspace.cards[0].messages[-1].status == "done"
    saved_id = save_soon(saved, svc, None)
    assert saved_id is not None
    saved.saver.stop()  # type: ignore[union-attr]
    svc = no_custom(svc)
    svc.loaded.store = StoreConfig(data_dir=str(tmp_path / "data"))
    restored = Session()
    assert open_workspace(restored, svc, saved_id, None)
    assert_custom_refused(svc, server, restored)


def test_the_socket_guard_fails_a_non_loopback_connect(socket_guard: list[object]) -> None:
    """The guard itself: the connect is refused before it reaches the network."""
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(ConnectionRefusedError, match="socket guard"),
    ):
        sock.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
    assert socket_guard == [("192.0.2.1", 9)]
    socket_guard.clear()  # seen: the teardown check is for unexpected attempts


# -- the page ----------------------------------------------------------------------------


def test_the_card_names_the_rule_as_the_base_url_is_typed(
    write_config: Callable[..., Path], scenario: Scenario, socket_guard: list[object]
) -> None:
    from tests.helpers import cards, error_texts, key, new_app, send_synced

    write_config(endpoints_toml(Good=scenario()))
    at = new_app()
    card = cards(at)[1]
    at.selectbox(key=key(card, "model")).set_value(CUSTOM).run()
    at.text_input(key=key(card, "base_url")).set_value("http://169.254.169.254/v1").run()
    at.text_input(key=key(card, "model_id")).set_value("fake-small").run()
    assert METADATA_RULE in error_texts(at)  # before anything is sent
    send_synced(at, "hello")
    answer = cards(at)[1].messages[-1]
    assert (answer.status, answer.error) == ("error", METADATA_RULE)
    assert cards(at)[0].messages[-1].status == "done"


def test_without_custom_the_page_offers_no_custom(
    write_config: Callable[..., Path], scenario: Scenario
) -> None:
    from tests.helpers import assert_cards_drawn, cards, key, new_app, send_synced

    write_config(
        endpoints_toml(Good=scenario(), Down=scenario(models_status=500))
        + "\n[security]\nallow_custom_endpoints = false\n"
    )
    at = new_app()
    first, second = cards(at)
    assert at.selectbox(key=key(first, "model")).options == ["fake-small", "fake-large"]
    at.selectbox(key=key(second, "endpoint")).set_value("Down").run()
    assert_cards_drawn(at)
    assert key(second, "model") not in [s.key for s in at.selectbox]  # nothing to choose
    assert any("answered 500" in w.value for w in at.warning)
    assert not [t for t in at.text_input if t.key == key(second, "base_url")]
    send_synced(at, "hi")
    first, second = cards(at)
    assert first.messages[-1].status == "done"
    assert second.messages[0].content == "hi"
    assert (second.messages[-1].status, second.messages[-1].error) == (
        "error",
        "Choose a model for this card first.",
    )
