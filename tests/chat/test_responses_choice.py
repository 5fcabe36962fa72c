"""``api = "responses"`` on an endpoint and the API choice on Custom reach every
``StreamJob`` the app makes (plain pytest, the test server).

Each test reads which route of the test server (``POST /v1/responses`` or
``/v1/chat/completions``) every answer really went through.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.arena.round import Contestant
from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint, load_config
from playground.endpoints.catalog import build_catalog
from playground.endpoints.targets import card_api, resolve_target
from playground.promptsets.registry import RunRegistry
from playground.session import PlainServices, Session, commands
from playground.session.commands import CardFields
from playground.session.evaluation import arena
from playground.session.evaluation.promptsets import prepare, start_run
from playground.session.workspaces.imports import check_import, confirm_import
from playground.workspace.export import export_json, import_json
from playground.workspace.types import CUSTOM, Card, CardConfig, CustomConfig, Workspace
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import scenario_name
from tests.session.test_commands import finish

Scenario = Callable[..., str]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playground.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_endpoints_api_is_read_from_the_file_and_from_secrets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[endpoints]]\nname = "R"\nbase_url = "http://r/v1"\napi = "responses"\n\n'
        '[[endpoints]]\nname = "C"\nbase_url = "http://c/v1"\n',
    )
    secrets = {"endpoints": [{"name": "S", "base_url": "http://s/v1", "api": "responses"}]}
    catalog = build_catalog(load_config(path, secrets), {})
    assert catalog.problems == ()
    assert [(e.name, e.api) for e in catalog.endpoints] == [
        ("R", "responses"),
        ("C", "chat"),  # the default
        ("S", "responses"),
    ]


@pytest.mark.parametrize("value", ['"completions"', '"Responses"', "1"])
def test_a_wrong_api_names_the_allowed_values(tmp_path: Path, value: str) -> None:
    path = write(
        tmp_path,
        f'[[endpoints]]\nname = "R"\nbase_url = "http://r/v1"\napi = {value}\n\n'
        '[[endpoints]]\nname = "C"\nbase_url = "http://c/v1"\n',
    )
    loaded = load_config(path, None)
    assert loaded.errors == [
        "playground.toml: endpoints[0].api: Input should be 'chat' or 'responses'"
    ]
    assert [s.config.name for s in loaded.endpoints] == ["C"]  # the good one is still used


def services(**endpoints: tuple[str, str]) -> PlainServices:
    """PlainServices with these endpoints: name=(base_url, api)."""
    loaded = LoadedConfig(
        endpoints=[
            SourcedEndpoint(EndpointConfig(name=name, base_url=url, api=api), "test")  # type: ignore[arg-type]
            for name, (url, api) in endpoints.items()
        ]
    )
    return PlainServices(loaded=loaded, environ={})


def test_targets_carry_the_endpoints_api_and_customs_choice() -> None:
    svc = services(R=("http://r/v1", "responses"), C=("http://c/v1", "chat"))
    catalog = svc.catalog()
    on_r = CardConfig(endpoint="R", model="m")
    on_c = CardConfig(endpoint="C", model="m")
    custom = CardConfig(
        endpoint="C",
        model=CUSTOM,
        custom=CustomConfig(base_url="http://x/v1", model_id="m", api="responses"),
    )
    chat_custom = CardConfig(
        endpoint="R", model=CUSTOM, custom=CustomConfig(base_url="http://r/v1", model_id="m")
    )
    got = [resolve_target(c, catalog, None).api for c in (on_r, on_c, custom, chat_custom)]
    assert got == ["responses", "chat", "responses", "chat"]  # Custom goes by its own choice
    assert [card_api(c, catalog) for c in (on_r, on_c, custom, chat_custom)] == got
    assert card_api(CardConfig(endpoint="R", model=None), catalog) == "chat"  # no model yet


def test_a_workspace_saved_before_the_api_choice_loads_as_chat() -> None:
    workspace = Workspace()
    workspace.cards[0].config.model = CUSTOM
    data = json.loads(workspace.model_dump_json())
    for card in data["cards"]:
        del card["config"]["custom"]["api"]
    old = json.dumps({"format": "llm-playground/workspace", "version": 1, "workspace": data})
    assert [c.config.custom.api for c in Workspace.model_validate(data).cards] == ["chat"] * 2
    imported = import_json(old.encode(), endpoints=[], max_cards=8)
    assert [c.config.custom.api for c in imported.cards] == ["chat", "chat"]


def apis_used(server: FakeOpenAIServer, url: str) -> list[str]:
    """Which API each answer the test server streamed for ``url`` went through, in order."""
    paths = [r.path for r in server.requests if r.scenario == scenario_name(url)]
    return [
        "responses" if p.endswith("/responses") else "chat"
        for p in paths
        if p.endswith(("/responses", "/chat/completions"))
    ]


def _responses_and_chat(url: str) -> tuple[PlainServices, Session, Card, Card]:
    """A session whose first card is on a Responses endpoint, its second on a chat one,
    both on the test server's ``url``."""
    svc = services(R=(url, "responses"), C=(url, "chat"))
    session = Session()
    first, second = session.workspace.cards
    first.config.endpoint, first.config.model = "R", "fake-small"
    second.config.endpoint, second.config.model = "C", "fake-small"
    return svc, session, first, second


def test_a_prompt_on_a_responses_card_streams_through_the_responses_api(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    svc, session, first, second = _responses_and_chat(url)
    commands.send(session, svc, [first.id], "hello")
    finish(session)
    commands.send(session, svc, [second.id], "hello")
    finish(session)
    assert apis_used(server, url) == ["responses", "chat"]
    assert first.messages[-1].status == second.messages[-1].status == "done"
    assert first.messages[-1].content == second.messages[-1].content != ""


def test_customs_api_choice_goes_with_its_prompts(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    svc = services(C=(url, "chat"))
    session = Session()
    card = session.workspace.cards[0]
    card.config.endpoint, card.config.model = "C", CUSTOM
    commands.set_card_fields(session, card.id, CardFields(base_url=url, model_id="fake-small"))
    commands.send(session, svc, [card.id], "one")
    finish(session)
    commands.set_card_fields(session, card.id, CardFields(api="responses"))
    assert card.config.custom.api == "responses"
    commands.set_card_fields(session, card.id, CardFields(model_id="fake-small"))  # None: kept
    assert card.config.custom.api == "responses"
    commands.send(session, svc, [card.id], "two")
    finish(session)
    assert apis_used(server, url) == ["chat", "responses"]


def test_prompt_set_cells_stream_through_each_cards_api(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    svc, session, _, _ = _responses_and_chat(url)
    run = start_run(session, svc, RunRegistry(), prepare("only one"))
    run.join(20)
    assert run.status == "done"
    assert sorted(apis_used(server, url)) == ["chat", "responses"]


def test_customs_api_choice_survives_export_and_import(scenario: Scenario) -> None:
    svc = services(C=(scenario(), "chat"))
    source = Workspace()
    source.cards[0].config.endpoint, source.cards[0].config.model = "C", CUSTOM
    source.cards[0].config.custom = CustomConfig(
        base_url="http://x/v1", model_id="m", api="responses"
    )
    session = Session()
    check_import(session, svc, "ws.json", export_json(source))
    assert confirm_import(session, svc)
    assert [c.config.custom.api for c in session.workspace.cards] == ["responses", "chat"]


def test_a_blind_round_drawn_from_the_pool_streams_through_each_drawn_endpoints_api(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    svc = services(R=(url, "responses"), C=(url, "chat"))
    session = Session()
    arena.set_pool(session, True, [Contestant("R", "fake-small"), Contestant("C", "fake-large")])
    assert arena.set_blind(session, svc, True, random.Random(0))
    commands.send_to_all(session, svc, "who are you?")
    finish(session)
    drawn = {c.config.endpoint: c.config.model for c in session.workspace.cards}
    assert drawn == {"R": "fake-small", "C": "fake-large"}
    by_endpoint = {"R": "responses", "C": "chat"}
    assert apis_used(server, url) == [
        by_endpoint[c.config.endpoint] for c in session.workspace.cards
    ]
