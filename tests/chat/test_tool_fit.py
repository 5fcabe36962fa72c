"""playground.chat.tools.fit: a finished answer's calls against their tools' parameters and its
text against the response format, through the bounded evaluator, each asked once."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from playground.chat.tools.calls import ToolCall
from playground.chat.tools.fit import Fit, answer_fit, argument_fit
from playground.chat.tools.settings import ResponseFormat, ToolSettings
from playground.config.bounded import Evaluator, Result
from playground.config.bounded.schemas import check_text
from tests.promptsets.test_hostile_checks import exponential_schema

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def _tools(*functions: dict[str, Any]) -> ToolSettings:
    return ToolSettings(text=json.dumps([{"type": "function", "function": f} for f in functions]))


class CountingEvaluator(Evaluator):
    """The real evaluator, counting the calls that reach a worker."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def call(
        self,
        function: Any,
        *args: Any,
        seconds: float | None = None,
        cancel: threading.Event | None = None,
    ) -> Result[Any]:
        self.calls += 1
        return super().call(function, *args, seconds=seconds, cancel=cancel)


@pytest.fixture
def counting() -> Any:
    evaluator = CountingEvaluator()
    yield evaluator
    evaluator.close()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        pytest.param('{"city": "Oslo"}', Fit(True, "arguments fit w's parameters"), id="fits"),
        pytest.param(
            '{"city": 3}', Fit(False, "at $.city: 3 is not of type 'string'"), id="wrong-type"
        ),
        pytest.param("{}", Fit(False, "'city' is a required property"), id="missing"),
        pytest.param("city=Oslo", None, id="not-json-is-call_marks-business"),
    ],
)
def test_arguments_against_the_tools_parameters(arguments: str, expected: Fit | None) -> None:
    call = ToolCall(index=0, id="c", name="w", arguments=arguments)
    assert argument_fit(_tools({"name": "w", "parameters": CITY}), call) == expected


def test_an_unknown_tool_and_a_card_without_tools() -> None:
    call = ToolCall(index=0, id="c", name="other", arguments="{}")
    fit = argument_fit(_tools({"name": "w", "parameters": CITY}), call)
    assert fit == Fit(False, "this card has no tool named 'other'")
    assert argument_fit(ToolSettings(), call) is None
    free = argument_fit(_tools({"name": "other"}), call)
    assert free is not None and free.fits and "no parameters schema" in free.text


def test_an_unknown_tool_is_said_even_when_its_arguments_are_not_json() -> None:
    tools = _tools({"name": "w", "parameters": CITY})
    garbled = ToolCall(index=0, id="c", name="other", arguments="go!")
    assert argument_fit(tools, garbled) == Fit(False, "this card has no tool named 'other'")
    nameless = ToolCall(index=0, id="c", name="", arguments="{}")
    assert argument_fit(tools, nameless) is None  # call_marks says "no function name"


def test_a_verdict_is_checked_once_and_then_remembered(counting: CountingEvaluator) -> None:
    tools = _tools({"name": "w", "parameters": CITY})
    call = ToolCall(index=0, id="c", name="w", arguments='{"city": 3}')
    first = argument_fit(tools, call, evaluator=counting)
    for _ in range(5):  # page runs
        assert argument_fit(tools, call, evaluator=counting) == first
    assert counting.calls == 1
    other = call.model_copy(update={"arguments": '{"city": "Oslo"}'})
    assert argument_fit(tools, other, evaluator=counting) == Fit(
        True, "arguments fit w's parameters"
    )
    assert counting.calls == 2


@pytest.mark.parametrize(
    ("response_format", "text", "expected"),
    [
        pytest.param(ResponseFormat(), '{"a": 1}', None, id="text-format"),
        pytest.param(
            ResponseFormat(kind="json_object"), '{"a": [1]}', Fit(True, "valid JSON"), id="obj"
        ),
        pytest.param(
            ResponseFormat(kind="json_object"),
            "[1]",
            Fit(False, "the answer is JSON but is not a JSON object"),
            id="obj-not-an-object",
        ),
        pytest.param(
            ResponseFormat(kind="json_object"),
            "Sure! {",
            Fit(False, "the answer is not JSON: Expecting value at character 0"),
            id="not-json",
        ),
        pytest.param(
            ResponseFormat(kind="json_schema", schema_text=json.dumps(CITY)),
            '{"city": "Oslo"}',
            Fit(True, "valid against the schema"),
            id="fits",
        ),
        pytest.param(
            ResponseFormat(kind="json_schema", schema_text=json.dumps(CITY)),
            '{"city": ["Oslo"]}',
            Fit(False, "at $.city: ['Oslo'] is not of type 'string'"),
            id="violation",
        ),
        pytest.param(ResponseFormat(kind="json_object"), "", None, id="only-calls"),
    ],
)
def test_an_answer_against_its_response_format(
    response_format: ResponseFormat, text: str, expected: Fit | None
) -> None:
    assert answer_fit(response_format, text) == expected


def test_an_exponential_parameters_schema_fails_within_limits() -> None:
    """A workspace imported with tools nobody applied here: checking arguments against an
    exponential schema fails in its worker, named, and the page goes on."""
    parameters = json.loads(exponential_schema(40))
    call = ToolCall(index=0, id="c", name="w", arguments="1")
    started = time.monotonic()
    fit = argument_fit(_tools({"name": "w", "parameters": parameters}), call)
    assert time.monotonic() - started < 15
    assert fit is not None and not fit.fits
    assert fit.text.startswith("the parameters of w") and "more than" in fit.text


def test_text_that_is_not_json_is_read_in_the_worker_and_named() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    fits, why = check_text(json.dumps(CITY), deep, "the schema")
    assert not fits and why.startswith("the schema: checking against it failed")
    assert "not JSON this app reads" in why
