"""Links that open the playground with given cards (issue 6)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.workspace.deeplinks import CardLink, link_query, parse_card, secret_keys
from playground.workspace.types import Card, CardConfig
from tests.helpers import cards, endpoints_toml, open_with, shown, state


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Alpha:m1", CardLink("Alpha", "m1"), id="plain"),
        pytest.param("Alpha", CardLink("Alpha", None), id="no-model"),
        pytest.param("Ollama:llama3:8b", CardLink("Ollama", "llama3:8b"), id="colon-in-model"),
        pytest.param("gpu:3:m1", CardLink("gpu:3", "m1"), id="colon-in-endpoint"),
        pytest.param("Nowhere:m", CardLink("Nowhere", "m"), id="unknown"),
    ],
)
def test_parse_card(value: str, expected: CardLink) -> None:
    assert parse_card(value, ["Alpha", "Ollama", "gpu", "gpu:3"]) == expected


@pytest.mark.parametrize(
    "name", ["token", "access_token", "api-key", "Authorization", "openai_api_key", "PASSWORD"]
)
def test_keys_that_look_like_credentials_are_dropped(name: str) -> None:
    assert secret_keys([name, "card", "sync", "ws", "embed"]) == [name]


def test_link_query_leaves_out_custom_and_backendai_cards() -> None:
    cards_ = [
        Card(config=CardConfig(endpoint="A b", model="m:1")),
        Card(config=CardConfig(endpoint="A b", model="Custom")),
        Card(config=CardConfig(endpoint="backendai:0b5c", model="m")),
    ]
    assert link_query(cards_, sync=True) == "card=A+b%3Am%3A1&sync=1"
    # A Backend.AI card goes by its endpoint's name when it is known.
    named = link_query(cards_, sync=False, names={"backendai:0b5c": "svc"})
    assert named == "card=A+b%3Am%3A1&card=svc%3Am"


def link_notices(at: AppTest) -> list[str]:
    return [shown(w.value) for w in at.warning if "link" in w.value]


def test_link_opens_the_given_cards_with_sync(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(
        endpoints_toml(Alpha=scenario(models=["m1", "m2"]), Beta=scenario(models=["b1", "b2"]))
    )
    at = open_with(card=["Beta:b2", "Alpha:m2", "Alpha"], sync="1")
    assert [(c.config.endpoint, c.config.model) for c in cards(at)] == [
        ("Beta", "b2"),
        ("Alpha", "m2"),
        ("Alpha", "m1"),
    ]
    assert state(at).workspace.sync_input
    assert at.toggle(key="sync_input_toggle").value is True
    assert not link_notices(at)


def test_unknown_endpoint_or_model_falls_back_with_a_message(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario(models=["m1", "m2"])))
    at = open_with(card=["Nowhere:m1", "Alpha:ghost"])
    assert [(c.config.endpoint, c.config.model) for c in cards(at)] == [
        ("Alpha", "m1"),
        ("Alpha", "m1"),
    ]
    text = " ".join(link_notices(at))
    assert "'Nowhere' is not configured here" in text
    assert "does not offer the link's model 'ghost'" in text
    at.button(key="dismiss_notices").click().run()
    assert not link_notices(at)


def test_tokens_are_never_read_from_a_link(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = open_with(card="Alpha:fake-small", token="sk-canary-link")
    # The first run draws only the script that replaces the browser's history entry
    # with the cleaned address (tests/browser/test_hostile.py runs it in Chromium).
    assert not at.selectbox  # no page drawn yet
    (script,) = [h.proto.body for h in at.get("html")]
    assert "replaceState" in script and '["token"]' in script and "sk-canary" not in script
    # The browser then reruns on the cleaned address, as the script makes it do.
    del at.query_params["token"]
    at.run()
    assert [c.config.model for c in cards(at)] == ["fake-small"]
    assert any("never carry tokens" in n for n in link_notices(at))
    assert "sk-canary-link" not in repr(state(at).workspace.model_dump())


def test_a_link_cannot_make_the_page_load_an_image(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = open_with(card="![x](http://127.0.0.1:9/beacon.png):m")
    assert "is not configured here" in " ".join(link_notices(at))
    source = " ".join(w.value for w in at.warning)  # the Markdown the browser gets
    assert not re.search(r"(?<!\\)!\[", source)  # no image syntax left unescaped


def test_a_link_with_too_many_cards_opens_the_first_ones_and_says_so(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    # Streamlit keeps query strings of up to 1,000 parameters; each value names
    # a different unknown endpoint, so every value read gets its own notice.
    at = open_with(card=[f"Nowhere{i}:m" for i in range(999)])
    assert len(cards(at)) == 8
    text = link_notices(at)
    assert sum("is not configured here" in n for n in "\n".join(text).split("\n")) == 8
    assert "'Nowhere7'" in " ".join(text) and "'Nowhere8'" not in " ".join(text)
    assert any("asks for 999 cards" in n and "the rest ignored" in n for n in text)
    assert at.query_params["card"] == [f"Nowhere{i}:m" for i in range(8)]
