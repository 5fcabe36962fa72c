"""The Prompt sets page in AppTest: a set checked as it is typed, run, followed, stopped."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.fake_openai import FakeOpenAIServer
from tests.helpers import endpoints_toml, new_app, scenario_name, shown, state


def prompt_sets_page(at: AppTest) -> AppTest:
    at.switch_page("pages/prompt_sets.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def wait_done(at: AppTest, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at.run()
        if any(m.value.startswith("**Done**") for m in at.markdown):
            return
        time.sleep(0.2)
    raise AssertionError([m.value for m in at.markdown])


def test_a_set_typed_into_prompts_runs_on_every_card(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value("prompt,expected\nhello,contains:hello\nbye,json\n")
    at.run()
    assert any("2 prompts × 2 cards = 4 answers" in c.value for c in at.caption)
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert not at.exception
    assert any(m.value == "**Done** · 4 / 4 answers" for m in at.markdown)
    grid = at.dataframe[1].value
    assert list(grid.columns) == ["#", "Prompt", "1 · fake-small", "2 · fake-small"]
    assert grid.iloc[0, 2].startswith("✓ [fake-small] turn 1: hello")
    assert grid.iloc[1, 3].startswith("✗ ")
    run_id = state(at).prompt_run_id
    assert at.query_params["run"] == run_id
    assert len(server.chat_requests(scenario_name(url))) == 4


def test_a_malformed_set_says_why_and_sends_nothing(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value("prompt,expected\nok,json\nbad,max-tokens:lots\n")
    at.text_area(key="ps-template").set_value("{{prompt}} in {{lang}}").run()
    assert [shown(e.value) for e in at.error] == [
        "The template has unknown placeholders: {{lang}}. It can use: {{prompt}}."
    ]
    assert at.button(key="ps-run").disabled
    at.text_area(key="ps-template").set_value("").run()
    assert [shown(e.value) for e in at.error] == [
        "Row 2: max-tokens needs a whole number, not 'lots'."
    ]
    assert at.button(key="ps-run").disabled
    assert at.text_area(key="ps-text").value.endswith("bad,max-tokens:lots\n")  # kept
    assert server.chat_requests(scenario_name(url)) == []
