"""Per-card settings: system prompt and sampling parameters (part of issue 6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from playground.workspace.types import Card, Message, SamplingSettings
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import (
    cards,
    endpoints_toml,
    key,
    new_app,
    open_settings,
    scenario_name,
    send_to_card,
    sync_off,
)


def test_request_params_and_summary() -> None:
    settings = SamplingSettings(
        temperature=0.7, max_tokens=256, stop=["END"], system_prompt="Be brief."
    )
    assert settings.request_params() == {"temperature": 0.7, "max_tokens": 256, "stop": ["END"]}
    assert settings.summary() == "system prompt · T 0.7 · max 256 · 1 stop"
    assert SamplingSettings().summary() == "" and SamplingSettings().request_params() == {}
    off = settings.model_copy(update={"send_sampling": False})
    assert off.request_params() == {} and "no sampling params" in off.summary()


@pytest.mark.parametrize(
    "field",
    [
        pytest.param({"temperature": 2.5}, id="temperature"),
        pytest.param({"top_p": -0.1}, id="top_p"),
        pytest.param({"presence_penalty": 3}, id="penalty"),
        pytest.param({"max_tokens": 0}, id="max_tokens"),
        pytest.param({"stop": ["a", "b", "c", "d", "e"]}, id="too-many-stops"),
        pytest.param({"colour": "red"}, id="unknown"),
    ],
)
def test_out_of_range_values_are_rejected(field: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SamplingSettings.model_validate(field)


def test_system_prompt_goes_first() -> None:
    card = Card()
    card.config.settings = SamplingSettings(system_prompt="You are terse.")
    card.messages.append(Message(role="user", content="hi"))
    assert card.history_for_request() == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "hi"},
    ]


def test_settings_are_sent_and_applied_to_all(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first, second = cards(at)
    open_settings(at, first)
    at.text_area(key=key(first, "system")).set_value("Answer in French.")
    at.number_input(key=key(first, "temperature")).set_value(0.3)
    at.number_input(key=key(first, "max_tokens")).set_value(64).run()
    assert any("T 0.3 · max 64" in m.value for m in at.markdown)  # the card's header says so
    send_to_card(at, first, "bonjour")
    body = server.chat_requests(scenario_name(url))[-1].body or {}
    assert body["temperature"] == 0.3 and body["max_tokens"] == 64
    assert body["messages"][0] == {"role": "system", "content": "Answer in French."}

    at.button(key=key(first, "apply_all")).click().run()
    assert cards(at)[1].config.settings == cards(at)[0].config.settings
    # The other card's Settings widgets show the copied values (a new generation of keys).
    open_settings(at, second)
    assert at.number_input(key=key(second, "temperature-g1")).value == 0.3
    assert at.text_area(key=key(second, "system-g1")).value == "Answer in French."

    open_settings(at, first)  # one card's Settings open at a time
    at.toggle(key=key(first, "send_sampling")).set_value(False).run()
    send_to_card(at, first, "encore")
    body = server.chat_requests(scenario_name(url))[-1].body or {}
    assert "temperature" not in body and "max_tokens" not in body
    assert body["messages"][0]["role"] == "system"
