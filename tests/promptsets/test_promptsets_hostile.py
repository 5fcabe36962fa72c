"""A hostile prompt-set file is a message naming its row, never an exception.

Issue 27: a JSONL integer of 5,000 digits (``ValueError`` from ``int``) or a line
nested 5,000 deep (``RecursionError``) replaced the Prompt sets page with an
exception box. Here every exception reading a file can raise is a
``PromptSetProblem``; the fuzz test feeds CSV, JSONL and plain text built from the
worst parts (huge integers, deep nesting, lone surrogates, NULs, invalid UTF-8,
BOMs) and random bytes, and only ever sees a set or a ``PromptSetProblem``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.errors import PromptSetProblem
from playground.promptsets.parse import read_prompt_set
from playground.session.evaluation.promptsets import prepare
from tests.helpers import endpoints_toml, new_app, shown
from tests.ui.test_prompt_sets_page import prompt_sets_page

HUGE_INTEGER = '{"prompt": "hi", "n": ' + "9" * 5_000 + "}"
DEEP = '{"prompt": "hi", "n": ' + "[" * 5_000 + "]" * 5_000 + "}"
OK = '{"prompt": "fine"}'


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        pytest.param(HUGE_INTEGER, "Row 2: a number on this line is too long", id="5000-digits"),
        pytest.param(DEEP, "Row 2: this line is nested too deeply", id="5000-deep"),
        pytest.param(
            '{"prompt": "hi", "expected": ' + "9" * 5_000 + "}",
            "Row 2: a number on this line is too long",
            id="5000-digits-in-expected",
        ),
    ],
)
def test_a_hostile_jsonl_line_is_a_problem_naming_its_row(line: str, needle: str) -> None:
    text = f"{OK}\n{line}\n{OK}\n"
    with pytest.raises(PromptSetProblem) as caught:
        read_prompt_set(text)
    assert needle in caught.value.message
    with pytest.raises(PromptSetProblem) as from_file:
        read_prompt_set(text.encode(), name="set.jsonl")
    assert needle in from_file.value.message
    prep = prepare(text)
    assert not prep.ready and len(prep.problems) == 1 and needle in prep.problems[0]


def test_a_value_nested_just_under_the_parsers_limit_is_still_read_or_refused() -> None:
    # json.loads reads a depth the encoder may not write back within the same stack:
    # either way the row is read, or refused by its number, never an exception.
    for depth in (100, 500, 900, 990, 1_000):
        line = '{"prompt": "hi", "n": ' + "[" * depth + "]" * depth + "}"
        try:
            found = read_prompt_set(line)
        except PromptSetProblem as exc:
            assert exc.row == 1
        else:
            assert found.rows[0].variables["n"].startswith("[[")


# -- fuzz -----------------------------------------------------------------------------

_PARTS = [
    "9" * 5_000,
    "-" + "1" * 4_301,
    "[" * 5_000 + "]" * 5_000,
    '{"a":' * 3_000 + "1" + "}" * 3_000,
    "1e999999",
    "NaN",
    "\ud800",
    "\udfff\ud800",
    '"\\ud800"',
    "\x00",
    "\ufeff",
    '"',
    ",",
    "\r",
    "\n",
    "prompt",
    "expected",
    "{",
    '{"prompt": ',
    '"prompt"',
    ", ",
    "}",
]
_RAW = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00", b"\r\n"]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates as (invalid) UTF-8


_TEXT = st.lists(st.one_of(st.sampled_from(_PARTS), st.text(max_size=20)), max_size=12).map("".join)
_BYTES = st.one_of(
    _TEXT.map(_encode),
    st.lists(
        st.one_of(_TEXT.map(_encode), st.sampled_from(_RAW), st.binary(max_size=20)), max_size=8
    ).map(b"".join),
)
# Lines a parser reads whole: hostile values where JSON and CSV put values.
_VALUES = st.sampled_from(
    [
        "9" * 5_000,
        "-" + "1" * 4_301,
        "0." + "1" * 5_000,
        "[" * 5_000 + "]" * 5_000,
        '{"a":' * 3_000 + "1" + "}" * 3_000,
        "[" * 990 + "]" * 990,
        "1e999",
        "-Infinity",
        "NaN",
        '"\\ud800"',
        '"\\u0000"',
        '["\\udfff", 1]',
        '"' + "x" * 600_000 + '"',
        "null",
        "true",
    ]
)
_JSONL_LINE = st.one_of(
    _VALUES,
    _VALUES.map(lambda v: '{"prompt": "p", "x": ' + v + "}"),
    _VALUES.map(lambda v: '{"prompt": ' + v + "}"),
    _VALUES.map(lambda v: '{"prompt": "p", "expected": ' + v + "}"),
    _VALUES.map(lambda v: '{"prompt": "p", "expected": [' + v + "]}"),
    _TEXT,
)
_CSV_LINE = st.lists(st.one_of(_VALUES, _TEXT, _TEXT.map(lambda t: f'"{t}"')), max_size=4).map(
    ",".join
)
_LINES = st.one_of(
    st.lists(_JSONL_LINE, min_size=1, max_size=4).map("\n".join),
    st.lists(_CSV_LINE, min_size=1, max_size=4).map(lambda rows: "prompt,x\n" + "\n".join(rows)),
)
_DATA = st.one_of(_LINES, _LINES.map(_encode), _TEXT, _BYTES)
_HEADS = st.sampled_from(["", "prompt,expected\n", "\ufeffprompt\n", OK + "\n", '{"prompt": 1}\n'])
_NAMES = st.sampled_from([None, "set.csv", "set.jsonl", "set.ndjson", "set.txt", "set"])


def _with_head(head: str, data: str | bytes) -> str | bytes:
    return head + data if isinstance(data, str) else _encode(head) + data


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(head=_HEADS, data=_DATA, name=_NAMES)
def test_reading_any_file_returns_a_set_or_a_problem(
    head: str, data: str | bytes, name: str | None
) -> None:
    data = _with_head(head, data)
    try:
        found = read_prompt_set(data, name=name)
    except PromptSetProblem as exc:
        assert exc.message  # something a person can read
    else:
        assert found.rows and all(isinstance(r.prompt, str) for r in found.rows)
    prep = prepare(data, name=name)  # the page's own call: never raises
    assert prep.ready or prep.problems


# -- the page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        pytest.param(HUGE_INTEGER, "Row 2: a number on this line is too long", id="5000-digits"),
        pytest.param(DEEP, "Row 2: this line is nested too deeply", id="5000-deep"),
    ],
)
def test_the_prompt_sets_page_shows_a_hostile_line_as_a_message(
    write_config: Callable[..., Path], scenario: Callable[..., str], line: str, needle: str
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = prompt_sets_page(new_app())
    text = f"{OK}\n{line}\n"
    at.text_area(key="ps-text").set_value(text).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error if needle in shown(e.value)]
    assert at.button(key="ps-run").disabled
    assert at.text_area(key="ps-text").value == text  # what was typed is kept
    at.text_area(key="ps-text").set_value(OK).run()  # and the page goes on
    assert not at.exception and not at.button(key="ps-run").disabled
