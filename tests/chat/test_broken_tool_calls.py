"""The broken-server fuzzer, for tool calls (issue 28, point 6): calls whose arguments are
not JSON, calls without an id or a name, a tool the card does not have, index gaps,
parallel calls interleaved, a stream cut mid-call, found by hypothesis and streamed over
real HTTP by ``tests/fake_openai.py`` (the chunk format of ``tests/fake_tool_calls.py``).

Whatever comes: the card keeps every call as received, each breakage is marked as such
(``call_marks``, and ``argument_fit`` for a tool the card does not have: the marks the
card draws under the call, ``playground/ui/tools/calls.py``), and the card answers
the next prompt normally.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.chat.tools.calls import call_marks
from playground.chat.tools.fit import argument_fit
from playground.session import Session, commands
from playground.session.tools import apply_tools
from playground.workspace.types import Card, Message
from tests.chat.test_broken_servers import FUZZ, fresh
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.helpers import scenario_name
from tests.session.test_commands import finish, services

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
NO_ID = "no id: the server sent this call without one"
NO_NAME = "no function name"
GAP = "(an index gap)"
CUT = "cut short: the answer ended before the server said it was finished"
NOT_JSON = "not JSON"
UNKNOWN = "this card has no tool named 'launch_rockets'"


def _marks(card: Card, answer: Message, position: int) -> list[str]:
    """Every mark the card shows under the call at ``position`` (whether it fits the
    card's tools only once the answer is done, as ``tool_calls_view.draw_calls_part``)."""
    marks = call_marks(answer.tool_calls, answer.finish_reason, answer.status != "streaming")
    fit = None
    if answer.status == "done":
        fit = argument_fit(card.config.settings.tools, answer.tool_calls[position])
    return marks[position] + ([fit.text] if fit is not None and not fit.fits else [])


def _first_answer(server: FakeOpenAIServer, **knobs: Any) -> tuple[Session, Any, Card, str]:
    url = fresh(server, **knobs)
    svc = services(A=url)
    session = Session()
    card = session.workspace.cards[0]
    card.config.endpoint, card.config.model = "A", "fake-small"
    assert apply_tools(session, card.id, json.dumps([WEATHER_TOOL])) is None
    commands.send(session, svc, [card.id], "first prompt")
    finish(session)
    return session, svc, card, url


def _answers_next(
    server: FakeOpenAIServer, session: Session, svc: Any, card: Card, url: str
) -> None:
    """The server is fixed: the card answers the next prompt, its history kept."""
    kept = [(m.role, m.content, m.status, len(m.tool_calls)) for m in card.messages]
    fixed = server.scenarios[scenario_name(url)]
    fixed.tool_calls, fixed.tool_cut_after, fixed.reply = None, None, "fine again"
    commands.send(session, svc, [card.id], "second prompt")
    finish(session)
    assert [(m.role, m.content, m.status, len(m.tool_calls)) for m in card.messages[:2]] == kept
    assert card.messages[2].content == "second prompt"
    last = card.messages[3]
    assert (last.status, last.content, last.error, last.tool_calls) == (
        "done",
        "fine again",
        None,
        [],
    )


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(FakeCall("get_weather", '{"city": "Se'), NOT_JSON, id="not-json"),
        pytest.param(FakeCall("get_weather", '{"city": "Seoul"}', id=None), NO_ID, id="no-id"),
        pytest.param(FakeCall("launch_rockets", '{"n": 3}'), UNKNOWN, id="unknown-tool"),
        pytest.param(FakeCall("launch_rockets", "go!"), UNKNOWN, id="unknown-and-not-json"),
        pytest.param(FakeCall("", '{"city": "Seoul"}'), NO_NAME, id="no-name"),
        pytest.param(FakeCall("get_weather", '{"city": "Seoul"}', index=2), GAP, id="index-gap"),
    ],
)
def test_each_broken_call_is_marked_as_such_and_the_card_keeps_working(
    server: FakeOpenAIServer, call: FakeCall, expected: str
) -> None:
    session, svc, card, url = _first_answer(server, tool_calls=[call])
    answer = card.messages[-1]
    assert (answer.status, answer.finish_reason) == ("done", "tool_calls"), answer.error
    assert [c.arguments for c in answer.tool_calls] == [call.arguments]
    assert any(expected in mark for mark in _marks(card, answer, 0)), _marks(card, answer, 0)
    _answers_next(server, session, svc, card, url)


def test_a_stream_cut_mid_call_is_marked_cut_and_the_card_keeps_working(
    server: FakeOpenAIServer,
) -> None:
    calls = [FakeCall("get_weather", '{"city": "Seoul"}')]
    session, svc, card, url = _first_answer(server, tool_calls=calls, tool_cut_after=2)
    answer = card.messages[-1]
    assert answer.tool_calls[0].arguments == '{"city": "Se'[:8]  # two pieces of four
    marks = _marks(card, answer, 0)
    assert any(CUT in mark for mark in marks) and any(NOT_JSON in mark for mark in marks)
    _answers_next(server, session, svc, card, url)


@st.composite
def broken_calls(draw: st.DrawFn) -> list[FakeCall]:
    """One to three calls, each maybe broken: any name (the card's, another, none), any
    arguments (JSON or not), maybe no id, maybe after an index gap."""
    calls = []
    index = 0
    for position in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(["get_weather", "launch_rockets", ""]))
        arguments = draw(
            st.one_of(
                st.just('{"city": "Seoul"}'),
                st.dictionaries(st.text(max_size=5), st.integers(), max_size=3).map(json.dumps),
                st.text(max_size=20),  # not JSON, mostly
            )
        )
        index += draw(st.sampled_from([0, 0, 1, 3]))  # a gap before this call
        calls.append(
            FakeCall(
                name,
                arguments,
                id=draw(st.sampled_from(["", None])),
                index=None if index == position else index,
            )
        )
        index += 1
    return calls


@FUZZ
@given(
    calls=broken_calls(),
    piece_chars=st.integers(1, 6),
    interleave=st.booleans(),
    cut_after=st.one_of(st.none(), st.integers(0, 8)),
)
def test_any_broken_tool_calls_are_marked_and_the_card_keeps_working(
    server: FakeOpenAIServer,
    calls: list[FakeCall],
    piece_chars: int,
    interleave: bool,
    cut_after: int | None,
) -> None:
    session, svc, card, url = _first_answer(
        server,
        tool_calls=calls,
        tool_piece_chars=piece_chars,
        tool_interleave=interleave,
        tool_cut_after=cut_after,
    )
    answer = card.messages[-1]
    assert answer.status in ("done", "error"), answer
    if answer.status == "error":
        assert answer.error and answer.error.isprintable(), answer.error
    cut = cut_after is not None
    sent = {position if c.index is None else c.index: c for position, c in enumerate(calls)}
    assert len(answer.tool_calls) <= len(calls) and (cut or len(answer.tool_calls) == len(calls))
    for position, got in enumerate(answer.tool_calls):
        call = sent[got.index]  # each call kept under the index it came with
        marks = _marks(card, answer, position)
        assert call.arguments.startswith(got.arguments)
        assert cut or got.arguments == call.arguments
        assert (NO_ID in " ".join(marks)) == (call.id is None)
        assert (NO_NAME in marks) == (call.name == "")
        assert (GAP in " ".join(marks)) == (got.index != position)
        assert (CUT in marks) == cut
        if got.arguments_problem() is not None:
            assert any(mark.startswith(NOT_JSON) for mark in marks), marks
        if call.name == "launch_rockets" and answer.status == "done":
            assert UNKNOWN in marks, marks
    _answers_next(server, session, svc, card, url)
