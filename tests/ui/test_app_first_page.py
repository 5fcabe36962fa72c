"""What a newcomer sees on the first page: Sync Input on with two cards, and the
context line under every card whose model's window is known."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.fake_openai import RawAnswer
from tests.helpers import cards, endpoints_toml, new_app, state

MakeScenario = Callable[..., str]
Config = Callable[..., Path]


def listing(*entries: dict[str, object]) -> RawAnswer:
    """A GET /models answer with exactly these entries."""
    data = [{"object": "model", **entry} for entry in entries]
    return RawAnswer(json.dumps({"object": "list", "data": data}).encode())


def context_lines(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "Next request" in c.value]


def test_the_first_page_opens_with_sync_input_on_with_two_cards(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    assert len(cards(at)) == 2
    assert at.toggle(key="sync_input_toggle").value is True
    assert [i.key for i in at.chat_input] == ["sync_prompt"]  # one input, to every card


def test_the_first_page_opens_with_sync_input_off_with_one_card(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + "\n[limits]\nmax_cards = 1\n")
    at = new_app()
    assert len(cards(at)) == 1
    assert at.toggle(key="sync_input_toggle").value is False
    assert [i.key for i in at.chat_input] == [f"card-{cards(at)[0].id}-input"]


def test_sync_input_turned_off_stays_off(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    at.toggle(key="sync_input_toggle").set_value(False).run()
    at.button(key="add_card").click().run()  # a third card, and another page run
    assert len(cards(at)) == 3
    assert state(at).workspace.sync_input is False
    assert at.toggle(key="sync_input_toggle").value is False


def test_new_workspace_opens_synced_again(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    at.toggle(key="sync_input_toggle").set_value(False).run()
    at.button(key="new_workspace").click().run()
    assert state(at).workspace.sync_input is True
    assert at.toggle(key="sync_input_toggle").value is True


def test_every_card_with_a_known_window_shows_its_context_line(
    write_config: Config, scenario: MakeScenario
) -> None:
    # Two servers that state their model's window in GET /models, as vLLM
    # (max_model_len) and a llama.cpp build that lists meta.n_ctx do; no system
    # prompt, no history: the next request carries nothing yet.
    vllm = scenario(models_raw=listing({"id": "m-vllm", "max_model_len": 4096}))
    llama = scenario(models_raw=listing({"id": "m-llama", "meta": {"n_ctx": 2048}}))
    write_config(endpoints_toml(Vllm=vllm, Llama=llama))
    at = new_app()
    at.selectbox(key=f"card-{cards(at)[1].id}-endpoint").set_value("Llama").run()
    assert [c.config.model for c in cards(at)] == ["m-vllm", "m-llama"]
    lines = context_lines(at)
    assert len(lines) == 2, lines
    assert "of 4,096" in lines[0] and "of 2,048" in lines[1]


def test_a_card_without_a_known_window_or_history_shows_no_context_line(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Plain=scenario(models=["m"])))
    at = new_app()
    assert context_lines(at) == []
