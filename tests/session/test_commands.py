"""Every card command, in plain pytest against the real test server (no Streamlit)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint
from playground.session import PlainServices, Session, commands
from playground.session.workspaces.imports import cancel_import, check_import, confirm_import
from playground.session.workspaces.links import apply_link, share_query
from playground.session.workspaces.saving import new_workspace, open_workspace, save_soon
from playground.store import StoreConfig
from playground.workspace.export import export_json
from playground.workspace.types import CUSTOM, SamplingSettings, Workspace
from tests.fake_openai import FakeOpenAIServer

Scenario = Callable[..., str]


def services(tmp_path: Path | None = None, **endpoints: str) -> PlainServices:
    loaded = LoadedConfig(
        endpoints=[
            SourcedEndpoint(EndpointConfig(name=name, base_url=url), "test")
            for name, url in endpoints.items()
        ]
    )
    if tmp_path is not None:
        loaded.store = StoreConfig(data_dir=str(tmp_path / "data"))
    return PlainServices(loaded=loaded, environ={})


def on(svc: PlainServices, model: str = "fake-small") -> Session:
    """A session whose two cards are on the first endpoint and ``model``."""
    session = Session()
    name = svc.catalog().names[0]
    for card in session.workspace.cards:
        card.config.endpoint, card.config.model = name, model
    return session


def finish(session: Session) -> None:
    for record in session.runtimes.values():
        if record.job is not None:
            record.job.join(10)


def test_send_streams_an_answer_into_one_card(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    first, second = session.workspace.cards
    commands.send(session, svc, [first.id], "hello")
    finish(session)
    assert [m.role for m in first.messages] == ["user", "assistant"]
    assert first.messages[-1].content == "[fake-small] turn 1: hello"
    assert first.messages[-1].status == "done"
    assert second.messages == []


def test_send_ignores_an_empty_prompt(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    commands.send(session, svc, [session.workspace.cards[0].id], "   ")
    assert session.workspace.cards[0].messages == []


def test_send_to_all_answers_in_every_card(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    session.workspace.cards[1].config.model = "fake-large"
    commands.send_to_all(session, svc, "hi")
    finish(session)
    answers = [c.messages[-1].content for c in session.workspace.cards]
    assert answers == ["[fake-small] turn 1: hi", "[fake-large] turn 1: hi"]


def test_a_card_that_cannot_send_keeps_the_prompt_and_says_why(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    card.config.model = CUSTOM  # no baseURL, no Model ID
    commands.send(session, svc, [card.id], "hello")
    assert card.messages[0].content == "hello"
    assert card.messages[-1].status == "error"
    assert "baseURL" in (card.messages[-1].error or "")


def test_custom_card_sends_its_typed_token(server: FakeOpenAIServer, scenario: Scenario) -> None:
    url = scenario(token="sk-typed")
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    fields = commands.CardFields(
        model=CUSTOM, base_url=url, model_id="fake-small", token=" sk-typed "
    )
    commands.set_card_fields(session, card.id, fields)
    commands.send(session, svc, [card.id], "hello")
    finish(session)
    assert card.messages[-1].status == "done"
    assert card.config.custom.base_url == url
    assert "sk-typed" not in card.model_dump_json()  # the token is in the runtime only
    name = url.rstrip("/").split("/")[-2]
    assert server.chat_requests(name)[-1].authorization == "Bearer sk-typed"


def test_stop_keeps_the_partial_answer(scenario: Scenario) -> None:
    svc = services(A=scenario(tokens=400, tokens_per_second=100))
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "go")
    commands.stop(session, card.id)
    assert card.messages[-1].status == "stopped"
    assert not card.is_streaming


def test_stop_all_stops_every_card(scenario: Scenario) -> None:
    svc = services(A=scenario(tokens=400, tokens_per_second=100))
    session = on(svc)
    commands.send_to_all(session, svc, "go")
    commands.stop_all(session)
    assert [c.messages[-1].status for c in session.workspace.cards] == ["stopped", "stopped"]


def test_regenerate_keeps_the_earlier_answer(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "hello")
    finish(session)
    first = card.messages[-1].content
    commands.regenerate(session, svc, card.id)
    finish(session)
    assert len(card.messages) == 2
    assert [m.content for m in card.messages[-1].earlier] == [first]
    assert card.messages[-1].status == "done"


def test_regenerate_all_answers_every_card_again(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    commands.send_to_all(session, svc, "hello")
    finish(session)
    commands.regenerate_all(session, svc)
    finish(session)
    assert all(len(c.messages[-1].earlier) == 1 for c in session.workspace.cards)


def test_edit_and_resend_replaces_the_prompt(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "helo")
    finish(session)
    commands.edit_and_resend(session, svc, [card.id], "hello")
    finish(session)
    assert card.messages[0].content == "hello"
    assert card.messages[-1].content.endswith("hello")
    assert card.messages[-1].earlier[0].replied_to == "helo"


def test_add_card_copies_the_endpoint_and_stops_at_the_cap(scenario: Scenario) -> None:
    svc = services(A=scenario())
    svc.loaded.limits = svc.loaded.limits.model_copy(update={"max_cards": 3})
    session = on(svc)
    made = commands.add_card(session, svc)
    assert made is not None and made.config.endpoint == "A"
    assert commands.add_card(session, svc) is None
    assert len(session.workspace.cards) == 3


def test_remove_card_stops_it_and_forgets_its_runtime(scenario: Scenario) -> None:
    svc = services(A=scenario(tokens=400, tokens_per_second=100))
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "go")
    job = session.job(card.id)
    assert commands.remove_card(session, card.id)
    assert card.id not in session.runtimes
    assert job is not None and job.done
    last = session.workspace.cards[0]
    assert not commands.remove_card(session, last.id)  # the last card stays


def test_delete_history_keeps_the_settings(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    card.config.settings = SamplingSettings(temperature=0.5)
    commands.send(session, svc, [card.id], "hello")
    finish(session)
    commands.delete_history(session, card.id)
    assert card.messages == []
    assert session.job(card.id) is None
    assert card.config.settings.temperature == 0.5


def test_clone_copies_config_and_the_typed_token(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    commands.set_card_fields(
        session, card.id, commands.CardFields(model=CUSTOM, model_id="m", token="sk-1")
    )
    made = commands.clone(session, svc, card.id)
    assert made is not None
    assert session.workspace.cards.index(made) == 1
    assert made.config == card.config and made.messages == []
    assert session.runtime(made.id).token_value == "sk-1"
    assert session.redraw_page


def test_compare_picks_a_model_no_card_uses(scenario: Scenario) -> None:
    svc = services(A=scenario(models=["one", "two", "three"]))
    session = on(svc, "one")
    made = commands.compare(session, svc, session.workspace.cards[0].id)
    assert made is not None and made.config.model == "two"
    assert session.runtime(made.id).compare_hint


def test_apply_settings_to_all_copies_and_renews_widgets(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    first, second = session.workspace.cards
    commands.set_settings(session, first.id, SamplingSettings(system_prompt="Be brief.", seed=3))
    commands.apply_settings_to_all(session, first.id)
    assert second.config.settings == first.config.settings
    assert second.config.settings is not first.config.settings
    assert session.runtime(second.id).generation == 1


def test_choose_model_ends_hints_and_fallback() -> None:
    session = Session()
    card = session.workspace.cards[0]
    runtime = session.runtime(card.id)
    runtime.compare_hint, runtime.fell_back, runtime.wanted_model = True, True, "x"
    commands.choose_model(session, card.id, "y")
    assert (card.config.model, runtime.compare_hint, runtime.fell_back) == ("y", False, False)


def test_import_checks_then_replaces_on_confirm(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    other = Workspace()
    other.cards[0].config.endpoint = "A"
    check_import(session, svc, "ws.json", export_json(other))
    assert session.imports.pending is not None
    assert session.workspace.cards[0].id != other.cards[0].id  # nothing replaced yet
    assert confirm_import(session, svc)
    assert [c.id for c in session.workspace.cards] == [c.id for c in other.cards]
    assert session.imports.nonce == 1


def test_a_bad_import_changes_nothing(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    before = session.workspace.model_dump()
    check_import(session, svc, "bad.json", b"{not json")
    assert session.imports.pending is None
    assert "'bad.json' was not imported" in (session.imports.error or "")
    cancel_import(session)
    assert session.imports.error is None
    assert session.workspace.model_dump() == before


def test_new_workspace_starts_two_empty_cards(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    commands.send(session, svc, [session.workspace.cards[0].id], "hello")
    new_workspace(session, svc)
    assert len(session.workspace.cards) == 2
    assert all(not c.messages for c in session.workspace.cards)
    assert session.runtimes == {}


def test_open_workspace_restores_a_saved_one(scenario: Scenario, tmp_path: Path) -> None:
    svc = services(tmp_path, A=scenario())
    session = on(svc)
    commands.send(session, svc, [session.workspace.cards[0].id], "hello")
    finish(session)
    saved_id = save_soon(session, svc, None)
    assert saved_id is not None
    session.saver.stop()  # type: ignore[union-attr]
    other = Session()
    assert open_workspace(other, svc, saved_id, None)
    assert other.workspace.cards[0].messages[-1].content == "[fake-small] turn 1: hello"
    assert not open_workspace(other, svc, "x" * 22, None)
    assert "unknown" in other.notices[-1]


def test_apply_link_builds_cards_and_drops_token_keys(scenario: Scenario) -> None:
    svc = services(A=scenario(models=["m:1", "m:2"]))
    session = Session()
    params = {"card": ["A:m:2", "Nope:x"], "sync": ["1"], "api_key": ["sk-x"]}
    dropped = apply_link(session, svc, params)
    assert dropped == ["api_key"]
    cards = session.workspace.cards
    assert [(c.config.endpoint, c.config.model) for c in cards] == [("A", "m:2"), ("A", None)]
    assert session.workspace.sync_input
    assert any("'Nope'" in n for n in session.notices)
    assert apply_link(session, svc, params) == []  # once a session
    assert share_query(session) == "card=A%3Am%3A2&sync=1"


def test_set_layout_bounds_cards_per_row() -> None:
    session = Session()
    commands.set_layout(session, sync_input=True, cards_per_row=9)
    assert session.workspace.sync_input and session.workspace.cards_per_row == 4


def test_the_export_of_a_session_never_holds_the_typed_token(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    commands.set_card_fields(session, card.id, commands.CardFields(token="sk-secret-canary"))
    assert "sk-secret-canary" not in json.dumps(json.loads(export_json(session.workspace)))


@pytest.mark.parametrize("loads", [True, False], ids=["load-images", "block-images"])
def test_load_images_is_per_card(loads: bool) -> None:
    session = Session()
    first, second = session.workspace.cards
    commands.set_load_images(session, first.id, loads)
    assert session.runtime(first.id).load_images is loads
    assert session.runtime(second.id).load_images is False


def test_a_prompt_sent_while_a_card_answers_goes_nowhere_and_is_kept(scenario: Scenario) -> None:
    svc = services(A=scenario(tokens=200, tokens_per_second=40))
    session = on(svc)
    first, second = session.workspace.cards
    commands.send(session, svc, [first.id], "long one")
    assert first.is_streaming
    commands.send_to_all(session, svc, "the next question")  # before the input was redrawn
    assert [m.content for m in second.messages] == []  # the synced cards stay in step
    assert [m.role for m in first.messages] == ["user", "assistant"]
    (notice,) = session.notices
    assert notice.startswith("Not sent: card 1 is still answering")
    assert notice.endswith("Your prompt:\nthe next question")
    commands.stop(session, first.id)
    finish(session)
    commands.send_to_all(session, svc, "the next question")
    assert [m.content for m in second.messages][:1] == ["the next question"]
    finish(session)
