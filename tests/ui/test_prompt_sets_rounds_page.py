"""The Prompt sets page with "Answer tool calls with mock results" on (AppTest, real HTTP to
tests/fake_openai.py): cells run their tool rounds, and a cell shows the whole exchange."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from playground.chat.tools.calls import ToolCall
from playground.promptsets.records import CellResult, ToolRound
from playground.ui.state import MOCK_TOGGLE
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import (
    cards,
    endpoints_toml,
    key,
    new_app,
    open_settings,
    scenario_name,
    shown,
    state,
)
from tests.ui.test_prompt_sets_page import prompt_sets_page, wait_done

CITY = {"type": "object", "properties": {"city": {"type": "string"}}}
TOOLS = json.dumps([{"type": "function", "function": {"name": "get_weather", "parameters": CITY}}])
SEOUL = FakeCall("get_weather", '{"city": "Seoul"}')


def _says_results(model: str, messages: list[dict[str, Any]]) -> str:
    if messages[-1]["role"] != "tool":
        return ""
    return "Weather: " + "; ".join(m["content"] for m in messages if m["role"] == "tool")


def test_with_the_mock_toggle_on_a_run_answers_calls_and_checks_the_final_answer(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(tool_calls=[SEOUL], text_after_results=True, reply_fn=_says_results)
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    card = cards(at)[0]
    open_settings(at, card)
    at.text_area(key=key(card, "tools")).set_value(TOOLS).run()
    at.button(key=key(card, "tools_apply")).click().run()
    at.text_area(key=key(card, "mock-0-result-g1")).set_value("12 C, rain")
    at.button(key=key(card, "mock-0-set-g1")).click().run()
    assert cards(at)[0].config.settings.tool_mocks["get_weather"].result == "12 C, rain"
    at.toggle(key=MOCK_TOGGLE).set_value(True).run()
    prompt_sets_page(at)
    assert at.checkbox(key="ps-mocks").value is True  # the Playground's toggle, at first
    at.text_area(key="ps-text").set_value(
        '{"prompt": "Weather?", "expected": "contains:rain && tool-call:get_weather"}\n'
    )
    at.run()
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert not at.exception
    grid = at.dataframe[1].value
    # The first card has the mock; the second none, so its tool says so, and it answers.
    assert grid.iloc[0, 2].startswith("✓ Weather: 12 C, rain — after 1 tool round")
    assert grid.iloc[0, 3].startswith("✗ Weather: No mock result is set for tool 'get_weather'.")
    run = state(at).prompt_run_id
    assert run is not None
    assert len(server.chat_requests(scenario_name(url))) == 4  # two cards, two rounds each

    # Unticked: the next run sends each prompt once, as before.
    at.checkbox(key="ps-mocks").uncheck().run()
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert state(at).prompt_run_id != run
    assert len(server.chat_requests(scenario_name(url))) == 6
    assert at.dataframe[1].value.iloc[0, 2].startswith("✗ (empty)")


def test_a_cell_shows_its_calls_with_results_then_the_final_answer() -> None:
    def page(data: str) -> None:
        from playground.promptsets.records import CellResult
        from playground.ui.prompt_sets.grid import draw_exchange
        from playground.workspace.types import SamplingSettings

        draw_exchange(CellResult.model_validate_json(data), SamplingSettings())

    call = ToolCall(index=0, id="call_0", name="get_weather", arguments='{"city":"Seoul"}')
    cell = CellResult(
        row=0,
        col=0,
        status="done",
        text="It rains in **Seoul**.",
        rounds=[
            ToolRound(
                text="Let me look.", tool_calls=[call.model_copy(update={"result": "<b>12 C</b>"})]
            )
        ],
    )
    at = AppTest.from_function(page, args=(cell.model_dump_json(),), default_timeout=30).run()
    assert not at.exception
    assert [c.value for c in at.caption][:2] == [
        ":material/build: Tool round 1",
        ":material/output: Result",
    ]
    assert at.caption[-1].value == ":material/flag: Final answer"
    codes = [c.value for c in at.code]
    assert codes == ['{\n  "city": "Seoul"\n}', "<b>12 C</b>"]  # the result as plain text
    texts = [shown(m.value).strip() for m in at.markdown]
    assert texts.index("Let me look.") < texts.index("It rains in **Seoul**.")
