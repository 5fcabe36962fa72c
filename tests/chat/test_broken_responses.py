"""The broken-server fuzzer, for the Responses API (issue 28, point 6): an event stream
that ends early anywhere (before, inside or between text, reasoning and function-call
items), or that ends with ``response.failed`` or ``response.incomplete``, found by
hypothesis and streamed over real HTTP by ``tests/fake_responses.py``.

Whatever comes: what arrived is kept (text as a prefix of the answer, calls with the
arguments received, marked cut short), the card says how the answer ended, and it
answers the next prompt normally through the same API.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from playground.chat.tools.calls import call_marks
from playground.session import Session, commands
from tests.chat.test_broken_servers import FUZZ
from tests.chat.test_responses_choice import services
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.fake_tool_calls import FakeCall
from tests.session.test_commands import finish

CUT = "cut short: the answer ended before the server said it was finished"
_REPLY = "one two three four"
_ARGS = '{"city": "Seoul", "unit": "celsius"}'


@st.composite
def broken_answers(draw: st.DrawFn) -> dict[str, Any]:
    calls = draw(st.integers(0, 2))
    return {
        "reply": draw(st.sampled_from([None, _REPLY])) if calls else _REPLY,
        "reasoning": draw(st.sampled_from([None, "thinking it over"])),
        "tool_calls": [FakeCall("get_weather", _ARGS, f"call_{n}") for n in range(calls)] or None,
        "tool_piece_chars": draw(st.integers(1, 12)),
        "events_cut_after": draw(st.none() | st.integers(0, 60)),
        "ending": draw(st.sampled_from(["completed", "failed", "incomplete"])),
    }


@FUZZ
@given(answer=broken_answers())
def test_any_responses_stream_keeps_what_came_and_the_card_keeps_working(
    server: FakeOpenAIServer, answer: dict[str, Any]
) -> None:
    ending = answer.pop("ending")
    knobs: dict[str, Any] = {"failed_message": "overloaded"} if ending == "failed" else {}
    knobs["incomplete"] = ending == "incomplete"
    scenario = Scenario(**answer, **knobs)
    name = f"resp-broken-{len(server.requests)}"
    url = server.add(name, scenario)
    session = Session()
    card = session.workspace.cards[0]
    card.config.endpoint, card.config.model = "R", "fake-small"
    svc = services(R=(url, "responses"))
    commands.send(session, svc, [card.id], "weather?")
    finish(session)
    got = card.messages[-1]
    assert got.status in ("done", "error"), got.status
    assert _REPLY.startswith(got.content)  # text is kept as it came, never invented
    for call in got.tool_calls:
        assert call.name == "get_weather" and _ARGS.startswith(call.arguments)
    cut = answer["events_cut_after"] is not None and got.status == "error"
    if got.status == "done":  # every event came, and it ended well or at the length limit
        assert ending != "failed"
        assert got.content == (answer["reply"] or "")
        assert [c.arguments for c in got.tool_calls] == [_ARGS] * len(answer["tool_calls"] or [])
    else:
        assert got.error, "an answer that failed says why"
        assert ending == "failed" or answer["events_cut_after"] is not None
        if ending == "failed" and not cut:
            assert "overloaded" in got.error
    if cut and got.tool_calls:
        marks = call_marks(got.tool_calls, got.finish_reason, True)
        assert any(CUT in m for m in marks[-1]), marks

    # The card keeps working: the next prompt, on a sound stream, is answered in full.
    server.scenarios[name] = Scenario(reply="fine")
    commands.send(session, svc, [card.id], "again")
    finish(session)
    assert card.messages[-1].status == "done" and card.messages[-1].content == "fine"
    assert card.messages[-2].content == "again"
