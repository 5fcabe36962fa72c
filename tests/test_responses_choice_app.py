"""The API choice on Custom and an endpoint's ``api = "responses"`` in the app (AppTest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.workspace import CUSTOM
from tests.helpers import cards, endpoints_toml, key, new_app, open_with, send_to_card, state
from tests.test_persistence import STORE, saved_id, wait_saved

Config = Callable[..., Path]


def titles(at: AppTest) -> list[str]:
    """The cards' headers: number, model and the gray summary line."""
    return [m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value]


def test_custom_offers_the_api_choice_and_keeps_it_through_a_reload(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url) + STORE)
    at = new_app()
    first, second = cards(at)
    at.selectbox(key=key(first, "model")).set_value(CUSTOM).run()
    choice = at.radio(key=key(first, "api"))
    assert choice.options == ["Chat Completions", "Responses"]
    assert choice.value == "chat"  # the default
    assert not any("Responses API" in t for t in titles(at))
    at.text_input(key=key(first, "model_id")).set_value("fake-small").run()
    at.radio(key=key(first, "api")).set_value("responses").run()
    assert cards(at)[0].config.custom.api == "responses"
    assert any(t.startswith("**1**") and "Responses API" in t for t in titles(at))
    assert not any(t.startswith("**2**") and "Responses API" in t for t in titles(at))

    send_to_card(at, second, "save me")  # a chat card: the workspace is saved
    workspace_id = saved_id(at)
    wait_saved(state(at))
    again = open_with(ws=workspace_id)
    assert cards(again)[0].config.custom.api == "responses"
    assert again.radio(key=key(cards(again)[0], "api")).value == "responses"


def test_a_card_on_a_responses_endpoint_says_so_in_its_header(
    write_config: Config, scenario: Callable[..., str]
) -> None:
    url = scenario()
    write_config(
        endpoints_toml(Alpha=url) + f'\n[[endpoints]]\nname = "Beta"\nbase_url = "{url}"\n'
        'api = "responses"\n'
    )
    at = new_app()
    assert not any("Responses API" in t for t in titles(at))  # both cards start on Alpha
    at.selectbox(key=key(cards(at)[1], "endpoint")).set_value("Beta").run()
    shown = titles(at)
    assert any(t.startswith("**2**") and "Responses API" in t for t in shown), shown
    assert not any(t.startswith("**1**") and "Responses API" in t for t in shown)
