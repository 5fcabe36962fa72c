"""Import JSON with the two prompt-set inputs of issue 27: a message, never an exception.

The streaming scan (``playground.workspace.export_scan``) already refuses them; these cases pin
that down where the values sit: the top level, the envelope, deep in a workspace.
"""

from __future__ import annotations

import pytest

from playground.workspace.export import ImportProblem, import_json

HEAD = b'{"format": "llm-playground/workspace", "version": 1, '
DIGITS = b"9" * 5_000
DEEP = b"[" * 5_000 + b"]" * 5_000
DEEP_OBJECTS = b'{"a":' * 5_000 + b"1" + b"}" * 5_000


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        pytest.param(DIGITS, "number too large", id="digits-alone"),
        pytest.param(b"-" + DIGITS, "number too large", id="negative-digits-alone"),
        pytest.param(HEAD + b'"x": ' + DIGITS + b"}", "number too large", id="digits-field"),
        pytest.param(
            b'{"format": "llm-playground/workspace", "version": ' + DIGITS + b"}",
            "number too large",
            id="digits-as-version",
        ),
        pytest.param(
            HEAD
            + b'"workspace": {"cards": [{"config": {"settings": {"seed": '
            + DIGITS
            + b"}}}]}}",
            "number too large",
            id="digits-as-seed",
        ),
        pytest.param(DEEP, "not an LLM Playground workspace export", id="deep-alone"),
        pytest.param(DEEP_OBJECTS, "nested too deeply", id="deep-objects-alone"),
        pytest.param(HEAD + b'"x": ' + DEEP + b"}", "nested too deeply", id="deep-field"),
        pytest.param(
            HEAD + b'"workspace": {"cards": [{"messages": [' + DEEP + b"]}]}}",
            "nested too deeply",
            id="deep-in-messages",
        ),
    ],
)
def test_a_5000_digit_integer_or_5000_deep_nesting_is_refused_with_a_message(
    data: bytes, needle: str
) -> None:
    with pytest.raises(ImportProblem) as refused:
        import_json(data, endpoints=["Alpha"], max_cards=8)
    assert needle in refused.value.message
