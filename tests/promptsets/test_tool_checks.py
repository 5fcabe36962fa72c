"""Issue 28: prompt-set checks on an answer's tool calls and on its response format."""

from __future__ import annotations

import json
import time

import pytest

from playground.chat.tools.calls import ToolCall
from playground.chat.tools.settings import ResponseFormat
from playground.errors import PromptSetProblem
from playground.promptsets.checks.checks import evaluate, parse_checks
from playground.promptsets.checks.tool_checks import TOOL_KINDS
from playground.promptsets.records import CellResult
from playground.promptsets.running.cells import answered_cell
from playground.session.evaluation.promptsets import prepare
from playground.workspace.types import Message
from tests.promptsets.test_hostile_checks import exponential_schema

CITY = json.dumps({"type": "object", "properties": {"city": {"type": "string"}}})
WEATHER = ToolCall(index=0, id="call_0", name="get_weather", arguments='{"city": "Paris"}')
CLOCK = ToolCall(index=1, id="call_1", name="get_time", arguments='{"zone": 3}')
OBJECT = ResponseFormat(kind="json_object")
SCHEMA_FORMAT = ResponseFormat(
    kind="json_schema", schema_text=CITY.replace("}}}", '}}, "required": ["city"]}')
)


@pytest.mark.parametrize(
    ("expected", "calls", "passed"),
    [
        pytest.param("tool-call:get_weather", [WEATHER], True, id="tool-call"),
        pytest.param("tool-call:get_weather", [CLOCK], False, id="tool-call-other"),
        pytest.param("tool-call:get_weather", [], False, id="tool-call-none"),
        pytest.param("no-tool-call", [], True, id="no-tool-call"),
        pytest.param("no-tool-call", [CLOCK], False, id="no-tool-call-fails"),
        pytest.param(f"tool-args:{CITY}", [WEATHER], True, id="tool-args"),
        pytest.param(f"tool-args:{CITY}", [WEATHER, CLOCK], True, id="tool-args-object"),
        pytest.param('tool-args:{"required": ["city"]}', [WEATHER, CLOCK], False, id="every"),
        pytest.param(
            'tool-call:get_weather && tool-args:{"required": ["city"]}',
            [WEATHER, CLOCK],
            True,
            id="tool-args-of-the-named-tool",
        ),
        pytest.param(
            'tool-call:get_time && tool-args:{"required": ["city"]}',
            [WEATHER, CLOCK],
            False,
            id="tool-args-of-the-named-tool-fails",
        ),
        pytest.param(f"tool-args:{CITY}", [], False, id="tool-args-no-call"),
    ],
)
def test_each_tool_check_passes_and_fails(
    expected: str, calls: list[ToolCall], passed: bool
) -> None:
    outcomes = evaluate(parse_checks(expected), "", None, calls=calls)
    assert all(o.passed for o in outcomes) is passed
    assert all(o.detail for o in outcomes if not o.passed)


def test_the_failures_say_what_the_answer_did() -> None:
    [call] = evaluate(parse_checks("tool-call:get_weather"), "", None, calls=[CLOCK])
    assert call.detail == "calls get_time"
    [none] = evaluate(parse_checks("no-tool-call"), "", None, calls=[CLOCK, WEATHER])
    assert none.detail == "calls get_time, get_weather"
    checks = parse_checks('tool-call:get_time && tool-args:{"required": ["city"]}')
    _, args = evaluate(checks, "", None, calls=[WEATHER, CLOCK])
    assert args.check == 'tool-args:{"required": ["city"]}'
    assert args.detail.startswith("call 1 (get_time): arguments do not fit the schema")
    assert "'city' is a required property" in args.detail
    broken = ToolCall(index=0, name="get_weather", arguments='{"city": ')
    [bad] = evaluate(parse_checks(f"tool-args:{CITY}"), "", None, calls=[broken])
    assert bad.detail.startswith("call 1 (get_weather): arguments are not JSON")


@pytest.mark.parametrize(
    ("response_format", "answer", "passed", "why"),
    [
        pytest.param(OBJECT, '{"a": 1}', True, "", id="object"),
        pytest.param(OBJECT, "[1, 2]", False, "is not a JSON object", id="object-not-object"),
        pytest.param(OBJECT, "{a: 1}", False, "the answer is not JSON", id="object-not-json"),
        pytest.param(SCHEMA_FORMAT, '{"city": "Paris"}', True, "", id="schema"),
        pytest.param(SCHEMA_FORMAT, '{"town": "Paris"}', False, "'city' is a required", id="sf"),
        pytest.param(ResponseFormat(), '{"a": 1}', False, "no JSON response format", id="text"),
        pytest.param(None, '{"a": 1}', False, "no JSON response format", id="no-card"),
        pytest.param(OBJECT, "", False, "has no text", id="only-calls"),
    ],
)
def test_schema_valid(
    response_format: ResponseFormat | None, answer: str, passed: bool, why: str
) -> None:
    [outcome] = evaluate(
        parse_checks("schema-valid"), answer, None, response_format=response_format
    )
    assert outcome.passed is passed
    assert why in outcome.detail
    assert outcome.check == "schema-valid"


@pytest.mark.parametrize(
    ("expected", "needle"),
    [
        pytest.param("tool-call:", "needs a value", id="tool-call-empty"),
        pytest.param("no-tool-call:x", "takes no value", id="no-tool-call-value"),
        pytest.param("schema-valid:{}", "takes no value", id="schema-valid-value"),
        pytest.param("tool-args:", "needs a value", id="tool-args-empty"),
    ],
)
def test_a_bad_tool_check_names_its_row(expected: str, needle: str) -> None:
    with pytest.raises(PromptSetProblem) as caught:
        parse_checks(f"contains:x && {expected}", row=4)
    assert needle in caught.value.message
    assert caught.value.row == 4


def test_every_tool_kind_is_covered_above() -> None:
    assert set(TOOL_KINDS) == {"tool-call", "no-tool-call", "tool-args", "schema-valid"}


def test_a_tool_args_schema_is_checked_before_the_run() -> None:
    prep = prepare('prompt,expected\nhi,"tool-args:{""type"": ""nope""}"\n')
    assert not prep.ready
    assert prep.problems[0].startswith("Row 1: the tool-args schema is not a valid schema")
    assert prepare(json.dumps({"prompt": "hi", "expected": f"tool-args:{CITY}"}) + "\n").ready


def test_a_remote_ref_in_tool_args_fetches_nothing(
    listener: tuple[str, list[str]],
) -> None:
    url, hits = listener
    schema = json.dumps({"$ref": f"{url}/s.json"})
    prep = prepare(json.dumps({"prompt": "hi", "expected": f"tool-args:{schema}"}) + "\n")
    assert not prep.ready
    assert prep.problems[0].startswith("Row 1: the tool-args schema refers to")
    assert url in prep.problems[0] and "nothing is fetched" in prep.problems[0]
    [outcome] = evaluate(parse_checks(f"tool-args:{schema}"), "", None, calls=[WEATHER])
    assert not outcome.passed and outcome.detail.startswith("call 1 (get_weather): ")
    assert hits == []


def test_an_exponential_tool_args_schema_fails_by_name() -> None:
    schema = exponential_schema(40)
    checks = parse_checks(f"tool-args:{schema}")
    started = time.monotonic()
    [outcome] = evaluate(checks, "", None, calls=[WEATHER])
    assert time.monotonic() - started < 15
    assert not outcome.passed
    assert outcome.detail.startswith("call 1 (get_weather): arguments do not fit the schema")
    assert "the tool-args schema" in outcome.detail and "more than" in outcome.detail


def test_a_cell_keeps_the_calls_and_old_cells_still_load() -> None:
    message = Message(role="assistant", status="done", tool_calls=[WEATHER])
    cell = answered_cell((0, 0, 0), message, parse_checks("tool-call:get_weather"))
    assert cell.tool_calls == [WEATHER] and cell.passed
    again = CellResult.model_validate_json(cell.model_dump_json())
    assert again.tool_calls == [WEATHER]
    old = json.loads(cell.model_dump_json())
    del old["tool_calls"]
    assert CellResult.model_validate(old).tool_calls == []
