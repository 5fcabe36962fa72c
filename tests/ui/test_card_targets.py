"""A card always talks to what it shows (issue 13, part 4): switching between two
endpoints that both fall back to Custom takes the second one's baseURL, and a token
typed for the first never goes to the second."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground.workspace.types import CUSTOM
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import cards, endpoints_toml, key, new_app, scenario_name, send_to_card, sync_off


def test_switching_between_two_fallen_back_endpoints_follows_the_selector(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    first_url = scenario(models_status=503)
    second_url = scenario(models_status=503)
    write_config(endpoints_toml(First=first_url, Second=second_url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    card = cards(at)[0]
    assert at.selectbox(key=key(card, "model")).value == CUSTOM  # the list failed
    assert at.text_input(key=key(card, "base_url")).value == first_url
    at.text_input(key=key(card, "model_id")).set_value("m").run()
    at.text_input(key=key(card, "token")).set_value("sk-typed-for-first").run()

    at.selectbox(key=key(card, "endpoint")).set_value("Second").run()
    assert at.text_input(key=key(card, "base_url")).value == second_url
    assert at.text_input(key=key(card, "token")).value == ""
    send_to_card(at, cards(at)[0], "where do I go?")

    assert server.chat_requests(scenario_name(first_url)) == []
    sent = server.chat_requests(scenario_name(second_url))
    assert len(sent) == 1 and sent[0].authorization is None
    assert cards(at)[0].config.custom.base_url == second_url


def test_switching_back_and_forth_keeps_each_shown_url(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    first_url = scenario(models_status=503)
    second_url = scenario(models_status=503)
    write_config(endpoints_toml(First=first_url, Second=second_url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    card = cards(at)[0]
    at.text_input(key=key(card, "model_id")).set_value("m").run()
    at.selectbox(key=key(card, "endpoint")).set_value("Second").run()
    at.selectbox(key=key(card, "endpoint")).set_value("First").run()
    assert at.text_input(key=key(card, "base_url")).value == first_url
    send_to_card(at, cards(at)[0], "back home")
    assert len(server.chat_requests(scenario_name(first_url))) == 1
    assert server.chat_requests(scenario_name(second_url)) == []
