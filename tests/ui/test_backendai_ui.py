"""Backend.AI endpoints in the playground, with AppTest, over real HTTP (issue 7).

The stand-in manager (tests/fake_manager/) verifies every request's signature and plays
each manager generation in turn (24.09, 25.13, 26.4); its endpoints point at the fake
OpenAI-compatible server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from tests.fake_manager import SECRET_KEY, FakeManager, fixtures
from tests.fake_manager.fixtures import SECRET_ENV, backendai_toml
from tests.fake_openai import FakeOpenAIServer, closed_port
from tests.helpers import (
    cards,
    endpoints_toml,
    key,
    new_app,
    open_with,
    scenario_name,
    send_to_card,
    shown,
    sync_off,
)

_fake_manager_server = fixtures._fake_manager_server
generation = fixtures.generation
fake_manager = fixtures.fake_manager

Config = Callable[..., Path]


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET_KEY)


def endpoint_box(at: AppTest, card_index: int = 0) -> Selectbox[str]:
    return at.selectbox(key=key(cards(at)[card_index], "endpoint"))


def test_search_beyond_the_first_page_then_chat_with_its_token(
    write_config: Config,
    scenario: Callable[..., str],
    fake_manager: FakeManager,
    server: FakeOpenAIServer,
) -> None:
    url = scenario(models=["llama-3-8b"], token="tok-placeholder")
    fake_manager.add_endpoints(120, url=scenario().removesuffix("/v1"))
    target = fake_manager.add_endpoint("zz-llama-target", url=url.removesuffix("/v1"))
    fake_manager.add_token(target, age=timedelta(days=2))
    newest = fake_manager.add_token(target)
    server.scenarios[scenario_name(url)].token = newest
    write_config(backendai_toml(fake_manager.base_url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    box = endpoint_box(at)
    assert len(box.options) == 20 and "zz-llama-target" not in " ".join(box.options)
    assert any("Showing 20 of 121" in c.value for c in at.caption)
    first = cards(at)[0]
    at.text_input(key=key(first, "bai_search")).set_value("llama-tar").run()
    box = endpoint_box(at)
    # The match, and the card's current endpoint (kept while it is chosen).
    assert box.options == [
        "zz-llama-target · Backend.AI · ready",
        "svc-000 · Backend.AI · ready",
    ]
    box.select(f"backendai:{target.endpoint_id}").run()
    # The search ran on the manager, not among the first page.
    filters = [r.variables for r in fake_manager.gql_requests("endpoint_list") if r.variables]
    assert any("llama-tar" in str(v.get("filter")) for v in filters)
    token_box = at.selectbox(key=key(first, "bai_token"))
    assert token_box.value.startswith("…" + newest[-4:]) and len(token_box.options) == 2
    assert newest not in " ".join(token_box.options)
    assert at.selectbox(key=key(first, "model")).options == ["llama-3-8b", "Custom"]
    send_to_card(at, first, "hello cluster")
    assert cards(at)[0].messages[-1].content == "[llama-3-8b] turn 1: hello cluster"
    chat = server.chat_requests(scenario_name(url))[-1]
    assert chat.authorization == f"Bearer {newest}"
    assert not at.exception


def test_generate_token_then_chat(
    write_config: Config,
    scenario: Callable[..., str],
    fake_manager: FakeManager,
    server: FakeOpenAIServer,
) -> None:
    url = scenario(models=["m"], token="not-yet")
    target = fake_manager.add_endpoint("svc", url=url.removesuffix("/v1"))
    write_config(backendai_toml(fake_manager.base_url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    assert any("no valid token yet" in c.value for c in at.caption)
    at.selectbox(key=key(first, "bai_life")).set_value("7 days").run()
    at.button(key=key(first, "bai_generate_go")).click().run()
    assert len(target.tokens) == 1
    made = target.tokens[0]
    assert made.valid_until is not None and 6.9 < (made.valid_until - made.created_at).days <= 7
    server.scenarios[scenario_name(url)].token = made.token
    assert at.selectbox(key=key(first, "bai_token")).value.startswith("…" + made.token[-4:])
    assert any("Token created" in c.value for c in at.caption)
    # The test server learns the new token only now: list the models again. Custom was
    # only a fallback while the list failed, so the card goes back to a model.
    at.button(key=key(first, "refresh")).click().run()
    assert at.selectbox(key=key(first, "model")).value == "m"
    send_to_card(at, cards(at)[0], "hi")
    assert cards(at)[0].messages[-1].content == "[m] turn 1: hi"


def test_generate_token_permission_denied_is_explained(
    write_config: Config, scenario: Callable[..., str], fake_manager: FakeManager
) -> None:
    fake_manager.add_keypair(can_generate_tokens=False)
    fake_manager.add_endpoint("svc", url=scenario().removesuffix("/v1"))
    write_config(backendai_toml(fake_manager.base_url))
    at = new_app()
    at.button(key=key(cards(at)[0], "bai_generate_go")).click().run()
    assert any("not allowed to generate tokens" in c.value for c in at.caption)
    assert not at.exception


def test_public_endpoint_needs_no_token_and_sick_ones_are_not_preselected(
    write_config: Config, scenario: Callable[..., str], fake_manager: FakeManager
) -> None:
    fake_manager.add_endpoint("a-sick", url=scenario().removesuffix("/v1"), routes=["UNHEALTHY"])
    public = fake_manager.add_endpoint(
        "b-public", url=scenario().removesuffix("/v1"), open_to_public=True
    )
    write_config(backendai_toml(fake_manager.base_url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    box = endpoint_box(at)
    assert box.value == f"backendai:{public.endpoint_id}" and box.options[1].startswith("b-public")
    assert "Backend.AI · unhealthy" in box.options[0]
    assert any("no token needed" in c.value for c in at.caption)
    send_to_card(at, cards(at)[0], "open")
    assert cards(at)[0].messages[-1].status == "done"


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        pytest.param("down", "could not connect", id="manager-down"),
        pytest.param("bad-keypair", "keypair", id="bad-keypair"),
    ],
)
def test_manager_failures_leave_configured_endpoints_usable(
    problem: str,
    expected: str,
    write_config: Config,
    scenario: Callable[..., str],
    fake_manager: FakeManager,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    manager_url = fake_manager.base_url
    if problem == "down":
        manager_url = f"http://127.0.0.1:{closed_port()}"
    else:
        monkeypatch.setenv(SECRET_ENV, "not-the-secret")
    write_config(endpoints_toml(Alpha=scenario()) + "\n" + backendai_toml(manager_url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    messages = [shown(c.value) for c in at.caption if "Backend.AI:" in shown(c.value)]
    assert messages and expected in messages[0].lower(), messages
    assert SECRET_KEY not in " ".join(messages) and "not-the-secret" not in " ".join(messages)
    assert endpoint_box(at).options == ["Alpha"]
    send_to_card(at, cards(at)[0], "still here")
    assert cards(at)[0].messages[-1].content == "[fake-small] turn 1: still here"


def test_a_link_opens_a_backendai_endpoint_by_name(
    write_config: Config, scenario: Callable[..., str], fake_manager: FakeManager
) -> None:
    fake_manager.add_endpoints(30, url=scenario().removesuffix("/v1"))
    target = fake_manager.add_endpoint(
        "zz-linked", url=scenario(models=["a", "b"]).removesuffix("/v1")
    )
    write_config(backendai_toml(fake_manager.base_url))
    at = open_with(card=["zz-linked:b", "svc-001"])
    first, second = cards(at)
    assert (first.config.endpoint, first.config.model) == (f"backendai:{target.endpoint_id}", "b")
    assert second.config.endpoint is not None and second.config.endpoint.startswith("backendai:")
    assert at.selectbox(key=key(cards(at)[0], "model")).value == "b"
    assert not [w for w in at.warning if "link" in w.value]
