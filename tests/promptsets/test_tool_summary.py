"""Issue 28: the per-card summary counts tool calls, valid arguments and schema-valid
answers; the CSV export keeps the calls; the Prompt sets page shows the counts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from playground.chat.tools.calls import ToolCall
from playground.chat.tools.settings import ResponseFormat, ToolSettings
from playground.promptsets.export import export_csv, export_json
from playground.promptsets.records import CellResult, RunColumn, RunRow, RunSpec
from playground.promptsets.summary import grid, summarize
from playground.workspace.types import CardConfig, SamplingSettings
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import cards, endpoints_toml, new_app, scenario_name
from tests.ui.test_prompt_sets_page import prompt_sets_page, wait_done
from tests.ui.test_tools_ui import TOOLS, _apply_tools

CITY = json.dumps({"type": "object", "properties": {"city": {"type": "string"}}})


def _column(label: str, settings: SamplingSettings) -> RunColumn:
    return RunColumn(
        card_id=label, label=label, config=CardConfig(endpoint="e", model="m", settings=settings)
    )


def _call(name: str, arguments: str, index: int = 0) -> ToolCall:
    return ToolCall(index=index, id=f"call_{index}", name=name, arguments=arguments)


def test_the_summary_counts_calls_valid_arguments_and_schema_valid_answers() -> None:
    tools = SamplingSettings(tools=ToolSettings(text=TOOLS))
    json_card = SamplingSettings(
        response_format=ResponseFormat(kind="json_schema", schema_text=CITY)
    )
    object_card = SamplingSettings(response_format=ResponseFormat(kind="json_object"))
    spec = RunSpec(
        title="t",
        columns=[
            _column("tools", tools),
            _column("schema", json_card),
            _column("object", object_card),
            _column("plain", SamplingSettings()),
        ],
        rows=[RunRow(number=1, prompt="a"), RunRow(number=2, prompt="b")],
    )
    calls = [
        _call("get_weather", '{"city": "Paris"}'),
        _call("get_weather", '{"city": 3}', 1),  # does not fit
        _call("get_time", "zone=UTC", 2),  # not JSON: nothing to say
        _call("get_stock", "{}", 3),  # no such tool
    ]
    cells = {
        (0, 0, 0): CellResult(row=0, col=0, status="done", tool_calls=calls[:2]),
        (1, 0, 0): CellResult(row=1, col=0, status="done", tool_calls=calls[2:]),
        (0, 1, 0): CellResult(row=0, col=1, status="done", text='{"city": "Paris"}'),
        (1, 1, 0): CellResult(row=1, col=1, status="done", text='{"city": 3}'),
        (0, 2, 0): CellResult(row=0, col=2, status="done", text="[1]"),  # JSON, not an object
        (1, 2, 0): CellResult(row=1, col=2, status="done", text='{"a": 1}'),
        (0, 3, 0): CellResult(row=0, col=3, status="done", text='{"a": 1}', tool_calls=calls[:1]),
        (1, 3, 0): CellResult(row=1, col=3, status="stopped", tool_calls=calls[:1]),  # not counted
    }
    got = summarize(spec, cells)
    assert [(s.tool_calls, s.args_valid, s.args_checked) for s in got] == [
        (4, 1, 3),
        (0, 0, 0),
        (0, 0, 0),
        (1, 0, 0),  # the card has no tools: nothing to say of its call
    ]
    assert [(s.schema_valid, s.schema_checked) for s in got] == [(0, 0), (1, 2), (1, 2), (0, 0)]
    assert [(s.arguments, s.schema) for s in got] == [
        ("1/3", "–"),
        ("–", "1/2"),
        ("–", "1/2"),
        ("–", "–"),
    ]
    # The grid marks each cell of a card with a JSON format as the card's caption does.
    rows = grid(spec, cells)
    assert [row.cells[1].split(" — ")[-1] for row in rows] == [
        "JSON ✓ valid against the schema",
        "JSON ✗ at $.city: 3 is not of type 'string'",
    ]
    assert rows[0].cells[2].endswith("JSON ✗ the answer is JSON but is not a JSON object")
    assert "JSON" not in rows[0].cells[0] + rows[0].cells[3]  # Text formats: no mark


def test_the_exports_keep_the_calls() -> None:
    spec = RunSpec(
        title="t",
        columns=[_column("1 · m", SamplingSettings())],
        rows=[RunRow(number=1, prompt="a")],
    )
    call = _call("get_weather", '{"city": "Paris"}')
    cells = {(0, 0, 0): CellResult(row=0, col=0, status="done", tool_calls=[call])}
    rows = list(csv.reader(io.StringIO(export_csv(spec, cells).decode("utf-8-sig"))))
    assert rows[0][-1] == "1 · m tool_calls"
    assert json.loads(rows[1][-1]) == [{"name": "get_weather", "arguments": '{"city": "Paris"}'}]
    payload = json.loads(export_json(spec, cells))
    assert payload["cells"][0]["tool_calls"][0]["name"] == "get_weather"


def test_the_prompt_sets_page_checks_and_counts_tool_calls(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    calls = [FakeCall("get_weather", '{"city": "Paris"}'), FakeCall("get_weather", '{"city": 3}')]
    url = scenario(tool_calls=calls)
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    card = cards(at)[0]
    _apply_tools(at, card, TOOLS)  # the first card has tools, the second none
    at = prompt_sets_page(at)
    rows = [
        {"prompt": "weather?", "expected": f"tool-call:get_weather && tool-args:{CITY}"},
        {"prompt": "quiet?", "expected": "no-tool-call"},
    ]
    at.text_area(key="ps-text").set_value("\n".join(json.dumps(r) for r in rows) + "\n").run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert not at.exception
    bodies = [r.body or {} for r in server.chat_requests(scenario_name(url))]
    assert sum("tools" in b for b in bodies) == 2  # only the first card's two prompts
    summary = at.dataframe[0].value
    assert list(summary["Tool calls"]) == [4, 4]
    assert list(summary["Arguments valid"]) == ["2/4", "–"]
    assert list(summary["Schema-valid"]) == ["–", "–"]
    # tool-args fails on {"city": 3}; no-tool-call fails: no row passes
    assert list(summary["Checks passed"]) == ["0/2", "0/2"]
    grid = at.dataframe[1].value
    assert all(str(v).startswith("✗ ") for v in grid.iloc[:, 2:].to_numpy().ravel())
