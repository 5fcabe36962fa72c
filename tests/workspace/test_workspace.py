import pytest

from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint
from playground.endpoints.catalog import build_catalog
from playground.endpoints.targets import resolve_target
from playground.errors import IncompleteCard, InvalidBaseURL
from playground.workspace.types import CUSTOM, Card, CardConfig, CustomConfig, Message, Workspace
from tests.helpers import add_turn


def test_workspace_starts_with_two_cards_with_distinct_ids() -> None:
    ws = Workspace()
    assert len(ws.cards) == 2
    assert len({c.id for c in ws.cards}) == 2


def test_add_card_respects_the_cap_and_copies_the_endpoint() -> None:
    ws = Workspace()
    ws.cards[-1].config.endpoint = "A"
    added = ws.add_card(max_cards=3)
    assert added is not None and added.config.endpoint == "A" and added.messages == []
    assert ws.add_card(max_cards=3) is None
    assert len(ws.cards) == 3


def test_last_card_cannot_be_removed() -> None:
    ws = Workspace()
    first, second = ws.cards
    assert ws.remove_card(first.id)
    assert not ws.remove_card(second.id)
    assert ws.cards == [second]


def test_history_for_request_skips_the_pending_answer_and_empty_failures() -> None:
    card = Card()
    card.messages += [
        Message(role="user", content="a"),
        Message(role="assistant", status="error", error="boom"),
        Message(role="user", content="b"),
        Message(role="assistant", content="partial", status="stopped"),
    ]
    add_turn(card, "c")
    assert card.history_for_request() == [
        {"role": "user", "content": "a"},
        {"role": "user", "content": "b"},
        {"role": "assistant", "content": "partial"},
        {"role": "user", "content": "c"},
    ]


def catalog():
    loaded = LoadedConfig(
        endpoints=[
            SourcedEndpoint(
                EndpointConfig(name="A", base_url="http://a:1/v1", token="tok-a"),  # type: ignore[arg-type]
                "playground.toml",
            )
        ]
    )
    return build_catalog(loaded, {})


def custom_card(url: str, model_id: str, endpoint: str | None = None) -> CardConfig:
    custom = CustomConfig(base_url=url, model_id=model_id)
    return CardConfig(endpoint=endpoint, model=CUSTOM, custom=custom)


def test_resolve_endpoint_model_uses_the_endpoint_token() -> None:
    target = resolve_target(CardConfig(endpoint="A", model="m"), catalog(), None)
    assert (target.base_url, target.model, target.token) == ("http://a:1/v1", "m", "tok-a")


def test_custom_reuses_endpoint_token_only_for_the_same_url() -> None:
    same = CardConfig(
        endpoint="A", model=CUSTOM, custom=CustomConfig(base_url="http://a:1/v1/", model_id="x")
    )
    other = CardConfig(
        endpoint="A", model=CUSTOM, custom=CustomConfig(base_url="http://evil:1/v1", model_id="x")
    )
    assert resolve_target(same, catalog(), None).token == "tok-a"
    assert resolve_target(other, catalog(), None).token is None
    assert resolve_target(other, catalog(), "mine").token == "mine"


def test_custom_needs_a_valid_url_and_a_model_id() -> None:
    with pytest.raises(InvalidBaseURL):
        resolve_target(
            CardConfig(model=CUSTOM, custom=CustomConfig(base_url="x", model_id="m")),
            catalog(),
            None,
        )
    with pytest.raises(IncompleteCard):
        resolve_target(
            CardConfig(model=CUSTOM, custom=CustomConfig(base_url="http://h/v1")), catalog(), None
        )
