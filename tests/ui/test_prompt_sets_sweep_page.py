"""The Prompt sets page's Sweep in AppTest: the columns shown before the run, a bad value
refused (nothing sent, what was typed kept), a swept run's grid and its legend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.fake_openai import FakeOpenAIServer
from tests.helpers import endpoints_toml, new_app, scenario_name, shown, state
from tests.ui.test_prompt_sets_page import prompt_sets_page, wait_done


def test_a_temperature_sweep_shows_its_columns_and_runs_each_one(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value("hello\n").run()
    at.selectbox(key="ps-sweep-setting-0").set_value("temperature").run()
    at.text_input(key="ps-sweep-values-0").set_value("0.2, 1.0").run()
    assert not at.exception
    assert (
        "4 columns × 1 prompts = 4 answers: 1 · fake-small · T 0.2, 1 · fake-small · T 1.0, "
        "2 · fake-small · T 0.2, 2 · fake-small · T 1.0"
    ) in [shown(c.value) for c in at.caption]
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert not at.exception
    grid = at.dataframe[1].value
    assert list(grid.columns)[2:] == [
        "1 · fake-small · T 0.2",
        "1 · fake-small · T 1.0",
        "2 · fake-small · T 0.2",
        "2 · fake-small · T 1.0",
    ]
    sent = sorted(r.body["temperature"] for r in server.chat_requests(scenario_name(url)))
    assert sent == [0.2, 0.2, 1.0, 1.0]
    assert "Swept Temperature: T 0.2, T 1.0" in [shown(c.value) for c in at.caption]
    assert state(at).workspace.cards[0].config.settings.temperature is None


def test_a_bad_value_says_why_and_the_run_starts_nothing(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value("hello\n").run()
    at.selectbox(key="ps-sweep-setting-0").set_value("top_p").run()
    at.text_input(key="ps-sweep-values-0").set_value("0.5, 2").run()
    message = "top_p: '2': input should be less than or equal to 1."
    assert [shown(e.value) for e in at.error] == [message]
    at.button(key="ps-run").click().run()
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [message, message]  # the preview and the click
    assert state(at).prompt_run_id is None
    assert at.text_input(key="ps-sweep-values-0").value == "0.5, 2"  # kept
    assert server.chat_requests(scenario_name(url)) == []


def test_system_prompt_variants_are_sent_and_listed_with_the_results(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value("hello\n").run()
    at.selectbox(key="ps-sweep-setting-1").set_value("system_prompt").run()
    at.text_area(key="ps-sweep-variants-1").set_value("Be brief.\n---\nSpeak French.").run()
    assert any(shown(c.value).startswith("4 columns") for c in at.caption)
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert not at.exception
    systems = sorted(
        r.body["messages"][0]["content"] for r in server.chat_requests(scenario_name(url))
    )
    assert systems == ["Be brief.", "Be brief.", "Speak French.", "Speak French."]
    assert list(at.dataframe[1].value.columns)[2:4] == [
        "1 · fake-small · system 1",
        "1 · fake-small · system 2",
    ]
    assert [t.value for t in at.text if t.value in ("Be brief.", "Speak French.")] == [
        "Be brief.",
        "Speak French.",
    ]
