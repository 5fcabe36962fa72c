"""One JSON Schema validator (playground.config.bounded.schemas) in every place a schema comes from:
prompt-set checks (tests/promptsets/test_hostile_checks.py), tool parameters, response formats."""

from __future__ import annotations

import json
import time

import pytest

from playground.config.bounded.schemas import (
    check_schema,
    check_value,
    schema_problem,
    validation_error,
)
from playground.session import Session
from playground.session.tools import apply_response_format, apply_tools
from tests.promptsets.test_hostile_checks import exponential_schema, rss

MB = 1_000_000
CITY = json.dumps({"type": "object", "properties": {"city": {"type": "string"}}})


def test_the_first_violation_names_its_json_path() -> None:
    assert validation_error(CITY, {"city": 3}) == "at $.city: 3 is not of type 'string'"
    assert validation_error(CITY, []) == "[] is not of type 'object'"  # the root: no path
    assert validation_error(CITY, {"city": "Paris"}) is None


def test_a_problem_names_what_was_checked() -> None:
    assert schema_problem('{"type": "nothing"}').startswith("the json-schema is not a valid")
    problem = schema_problem("{nope", "the parameters of tool 'w'")
    assert problem is not None and problem.startswith("the parameters of tool 'w' is not JSON")


def test_checks_in_the_app_run_in_a_worker_and_say_why() -> None:
    assert check_schema(CITY, "the schema") is None
    assert check_value(CITY, {"city": 3}, "the schema") == (
        False,
        "at $.city: 3 is not of type 'string'",
    )
    assert check_value(CITY, {"city": "Oslo"}, "the schema") == (True, "")


def _tool(parameters: object) -> str:
    return json.dumps({"type": "function", "function": {"name": "w", "parameters": parameters}})


def test_a_tools_remote_reference_is_refused_and_fetched_never(
    listener: tuple[str, list[str]],
) -> None:
    url, hits = listener
    session = Session()
    card = session.workspace.cards[0]
    schema = {"type": "object", "properties": {"a": {"$ref": f"{url}/s.json"}}}
    message = apply_tools(session, card.id, _tool(schema))
    assert message is not None and message.startswith("Tools not applied: The parameters of tool")
    assert f"{url}/s.json" in message and "nothing is fetched" in message
    assert card.config.settings.tools.text == ""  # nothing applied
    # And arguments checked against it (a later tool call) fetch nothing either.
    fits, why = check_value(json.dumps(schema), {"a": 1}, "the parameters of tool 'w'")
    assert not fits and "nothing is fetched" in why
    assert hits == []


def test_a_response_formats_remote_reference_is_refused_and_fetched_never(
    listener: tuple[str, list[str]],
) -> None:
    url, hits = listener
    session = Session()
    card = session.workspace.cards[0]
    schema = json.dumps({"$id": f"{url}/", "$ref": "s.json"})
    message = apply_response_format(
        session, card.id, {"kind": "json_schema", "schema_text": schema}
    )
    assert message is not None and message.startswith("Response format not applied: ")
    assert f"{url}/s.json" in message and "nothing is fetched" in message
    assert card.config.settings.response_format.kind == "text"
    fits, why = check_value(schema, "x", "the response format's schema")
    assert not fits and "nothing is fetched" in why
    assert hits == []


@pytest.mark.parametrize("place", ["tool", "response-format"])
def test_an_exponential_schema_costs_the_app_nothing(place: str) -> None:
    """Valid as a schema (so it applies), but checking a value against it explodes:
    the check fails within its limits, in a worker, and the app does not grow."""
    schema = exponential_schema(40)
    session = Session()
    card = session.workspace.cards[0]
    before = rss()
    started = time.monotonic()
    if place == "tool":
        applied = apply_tools(session, card.id, _tool(json.loads(schema)))
        what = "the parameters of tool 'w'"
    else:
        response_format = {"kind": "json_schema", "schema_text": schema}
        applied = apply_response_format(session, card.id, response_format)
        what = "the response format's schema"
    assert applied is None
    fits, why = check_value(schema, 1, what)
    assert time.monotonic() - started < 15
    assert not fits and why.startswith(what) and "more than" in why
    assert rss() - before < 100 * MB
