"""Compare answers with tool calls and JSON answers: calls diffed as ``name(canonical
JSON)`` lines, JSON answers canonically (key order and spacing are no difference)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playground.rendering.diffing import CallLine, comparable_text
from playground.session import commands
from playground.session.compare import compare_answers, last_answer
from tests.fake_tool_calls import FakeCall
from tests.helpers import cards, endpoints_toml, key, new_app, send_synced, shown
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param(['{"b": 1,  "a": {"d": 2, "c": 3}}'], None, id="object"),
        pytest.param(['\n {"a":{"c":3,"d":2},"b":1}\n'], None, id="compact-with-space-around"),
        pytest.param(['```json\n{"b":1, "a":{"d":2,"c":3}}\n```'], None, id="fenced"),
    ],
)
def test_json_answers_read_alike_whatever_their_key_order(parts: list[str], expected: None) -> None:
    assert comparable_text(parts) == '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}'


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('Here it is: {"a": 1}', id="text-around"),
        pytest.param('{"a": 1,}', id="not-json"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="nested-too-deeply"),
        pytest.param("42", id="a-bare-number"),
        pytest.param('```json\n{"a": 1}\n```\n```json\n{"b": 2}\n```', id="two-fenced-blocks"),
    ],
)
def test_other_answers_are_compared_as_sent(text: str) -> None:
    assert comparable_text([text]) == text


def test_calls_are_lines_of_name_and_compact_canonical_arguments() -> None:
    parts = [
        "Let me look.",
        CallLine("get_weather", '{ "unit": "C",\n "city": "Paris" }'),
        CallLine("lookup", "city=Paris"),
    ]
    assert comparable_text(parts) == (
        'Let me look.\nget_weather({"city":"Paris","unit":"C"})\nlookup(city=Paris)'
    )


def _two_cards(svc_scenarios: dict[str, str]):  # type: ignore[no-untyped-def]
    svc = services(**svc_scenarios)
    session = on(svc)
    first, second = session.workspace.cards
    second.config.endpoint = "B"
    commands.send_to_all(session, svc, "weather in Paris?")
    finish(session)
    return session, first, second


def test_calls_with_the_same_arguments_in_another_order_are_the_same(scenario: Scenario) -> None:
    session, first, second = _two_cards(
        {
            "A": scenario(tool_calls=[FakeCall("get_weather", '{"city": "Paris", "unit": "C"}')]),
            "B": scenario(tool_calls=[FakeCall("get_weather", '{"unit":"C","city":"Paris"}')]),
        }
    )
    assert last_answer(first) == (CallLine("get_weather", '{"city": "Paris", "unit": "C"}'),)
    [result] = compare_answers(session, first.id, [second.id])
    assert result.problem is None and result.diff is not None and result.diff.identical


def test_calls_that_differ_are_diffed(scenario: Scenario) -> None:
    session, first, second = _two_cards(
        {
            "A": scenario(tool_calls=[FakeCall("get_weather", '{"city": "Paris"}')]),
            "B": scenario(
                reply="Checking.",
                tool_calls=[FakeCall("get_weather", '{"city": "Lyon"}'), FakeCall("now", "{}")],
            ),
        }
    )
    [result] = compare_answers(session, first.id, [second.id])
    assert result.diff is not None
    assert result.diff.markers() == (
        '{+Checking.\n+}get_weather({"city":"[-Paris-]{+Lyon+}"}){+\nnow({})+}'
    )


def test_json_answers_in_another_key_order_are_the_same(scenario: Scenario) -> None:
    session, first, second = _two_cards(
        {"A": scenario(reply='{"b": 1, "a": 2}'), "B": scenario(reply='{"a":2,"b":1}')}
    )
    [result] = compare_answers(session, first.id, [second.id])
    assert result.diff is not None and result.diff.identical


def test_the_panel_shows_calls_and_json_compared_canonically(
    write_config: Callable[..., Path], scenario: Scenario
) -> None:
    write_config(
        endpoints_toml(
            A=scenario(reply='{"b": 1, "a": 2}', tool_calls=[FakeCall("f", '{"x": 1, "y": 2}')]),
            B=scenario(reply='{"a":2,"b":1}', tool_calls=[FakeCall("f", '{"y":2,"x":1}')]),
            C=scenario(reply='{"a":2,"b":1}', tool_calls=[FakeCall("f", '{"y":3,"x":1}')]),
        )
    )
    at = new_app()
    at.button(key="add_card").click().run()
    for card, name in zip(cards(at)[1:], ["B", "C"], strict=True):
        at.selectbox(key=key(card, "endpoint")).set_value(name).run()
    send_synced(at, "go")
    assert not at.exception
    panel = next(e for e in at.expander if e.label == "Compare answers")
    said = [shown(c.value) for c in panel.caption]
    assert sum("The same answer, word for word." in c for c in said) == 1  # B, not C
    assert any(
        'First differs at line 5, word 9, after ""a": 2, "b": 1 } f({"x":1,"y":' in c for c in said
    )
    at.toggle(key="compare_markers").set_value(True).run()
    panel = next(e for e in at.expander if e.label == "Compare answers")
    [code] = [c.value for c in panel.code]
    assert 'f({"x":1,"y":[-2-]{+3+}})' in code


def test_a_blind_comparison_masks_names_in_calls(scenario: Scenario) -> None:
    session, first, second = _two_cards(
        {
            "A": scenario(tool_calls=[FakeCall("ask_fake-small", '{"me": "fake-small"}')]),
            "B": scenario(tool_calls=[FakeCall("ask_fake-small", '{"me":"fake-small" }')]),
        }
    )
    [result] = compare_answers(
        session, first.id, [second.id], hide=lambda t: t.replace("fake-small", "[hidden]")
    )
    assert result.diff is not None and result.diff.identical
    assert result.diff.markers() == 'ask_[hidden]({"me":"[hidden]"})'
