"""The API choice on Custom and an endpoint's ``api = "responses"`` in the app (AppTest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.workspace.types import CUSTOM
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import (
    cards,
    endpoints_toml,
    error_texts,
    key,
    new_app,
    open_with,
    scenario_name,
    send_to_card,
    state,
    sync_off,
)
from tests.ui.test_persistence import STORE, saved_id, wait_saved

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
    sync_off(at)  # the first page opens synced; this test types into one card
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


def test_a_responses_card_answers_with_reasoning_figures_and_errors_in_the_card(
    write_config: Config, scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="Seoul is rainy", reasoning="look it up", prompt_tokens=7)
    broken = scenario(reply="half", no_done=True)
    write_config(
        f'[[endpoints]]\nname = "Resp"\nbase_url = "{url}"\napi = "responses"\n'
        f'[[endpoints]]\nname = "Cut"\nbase_url = "{broken}"\napi = "responses"\n'
    )
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    second = cards(at)[1]
    at.selectbox(key=key(second, "endpoint")).set_value("Cut").run()
    send_to_card(at, cards(at)[0], "weather?")
    send_to_card(at, cards(at)[1], "weather?")
    assert server.responses_requests(scenario_name(url))  # through POST /v1/responses
    assert not server.chat_requests(scenario_name(url))
    one, two = cards(at)
    assert one.messages[-1].content == "Seoul is rainy"
    assert one.messages[-1].reasoning == "look it up"
    [bubble] = [m for m in at.chat_message if m.name == "assistant"][:1]
    captions = " ".join(c.value for c in bubble.caption)
    assert "first token" in captions and "(of which 3 reasoning)" in captions  # look it up
    assert two.messages[-1].status == "error" and two.messages[-1].content == "half"
    assert any("ended the stream before" in e for e in error_texts(at))
