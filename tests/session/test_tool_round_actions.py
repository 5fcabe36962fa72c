"""Stop, Regenerate, Edit, Delete Chat History and the Markdown transcript with tool calls
and results (session layer, real HTTP to tests/fake_openai.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt

from playground.chat.tools.calls import ToolCall, call_marks
from playground.config.limits import MAX_TOOL_RESULT_CHARS
from playground.session import commands
from playground.session.tool_rounds import keep_draft, open_calls, send_results
from playground.workspace.export import export_markdown
from playground.workspace.types import Message, Workspace
from tests.fake_openai import FakeOpenAIServer
from tests.fake_tool_calls import FakeCall
from tests.session.test_commands import finish, on, services
from tests.session.test_tool_results import _sent, _tool_round

Scenario = Callable[..., str]

LONG = FakeCall("get_weather", json.dumps({"city": "Seoul", "note": "x" * 200}))
# What a server may put in a call: HTML, a Markdown link, a javascript: URL, a token.
HOSTILE_NAME = "<img src=x onerror=alert(1)>[click](javascript:alert(1))"
HOSTILE_ARGS = '{"html": "<script>alert(1)</script>", "link": "[x](javascript:alert(2))"}'
HOSTILE_RESULT = "</details><a href='javascript:alert(3)'>sk-live-0123456789abcdef</a>\n```\n# h"


def dangling(messages: list[dict[str, Any]]) -> list[str]:
    """What the API would refuse in a history: a ``tool`` message whose id no earlier
    assistant ``tool_calls`` names, or a call no ``tool`` message answers."""
    problems, open_ids = [], set()
    for message in messages:
        if message["role"] == "tool":
            if message["tool_call_id"] not in open_ids:
                problems.append(f"tool message for {message['tool_call_id']} answers no call")
            open_ids.discard(message["tool_call_id"])
            continue
        problems += [f"call {i} unanswered" for i in sorted(open_ids)]
        open_ids = {c["id"] for c in message.get("tool_calls") or []}
    return problems + [f"call {i} unanswered" for i in sorted(open_ids)]


def test_stop_mid_call_keeps_the_partial_call_marked_cut(scenario: Scenario) -> None:
    url = scenario(tool_calls=[LONG], tool_piece_chars=2, tokens_per_second=40)
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "Weather?")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        calls = card.messages[-1].tool_calls
        if calls and len(calls[0].arguments) >= 10:
            break
        time.sleep(0.02)
    commands.stop(session, card.id)
    finish(session)
    answer = card.messages[-1]
    assert answer.status == "stopped"
    [call] = answer.tool_calls
    assert call.name == "get_weather" and call.id
    assert 10 <= len(call.arguments) < len(LONG.arguments)
    assert LONG.arguments.startswith(call.arguments)
    [marks] = call_marks(answer.tool_calls, answer.finish_reason, ended=True)
    assert any("cut short" in mark for mark in marks)
    assert card.history_for_request()[-1]["role"] == "user"  # an unanswered call is not sent
    assert "cut short" in export_markdown(session.workspace)


def test_regenerate_replaces_the_whole_round_and_sends_no_dangling_tool_message(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    svc, session, card = _tool_round(scenario)
    url = svc.loaded.endpoints[0].config.base_url
    round_trip = _sent(server, url)[-1]  # the results went back as the API specifies
    assert [m["role"] for m in round_trip] == ["user", "assistant", "tool"]
    commands.regenerate(session, svc, card.id)
    finish(session)
    sent = _sent(server, url)
    assert [m["role"] for m in sent[-1]] == ["user"]  # asked again from the prompt alone
    assert [dangling(messages) for messages in sent] == [[]] * len(sent)
    assert [m.role for m in card.messages] == ["user", "assistant"]
    assert len(open_calls(card)) == 1  # the new answer's call waits for its result
    send_results(session, svc, card.id, {card.messages[-1].tool_calls[0].id: "9 C"})
    finish(session)
    assert dangling(_sent(server, url)[-1]) == []
    assert [m["role"] for m in _sent(server, url)[-1]] == ["user", "assistant", "tool"]


def test_edit_of_the_prompt_drops_the_round_and_delete_clears_calls_and_results(
    scenario: Scenario, server: FakeOpenAIServer
) -> None:
    svc, session, card = _tool_round(scenario)
    url = svc.loaded.endpoints[0].config.base_url
    commands.edit_and_resend(session, svc, [card.id], "Weather now?")
    finish(session)
    last = _sent(server, url)[-1]
    assert last == [{"role": "user", "content": "Weather now?"}]
    assert [m.role for m in card.messages] == ["user", "assistant"]
    assert card.messages[-1].tool_calls[0].result is None  # a new round, not the old one
    commands.delete_history(session, card.id)
    assert card.messages == [] and open_calls(card) == [] and card.history_for_request() == []
    assert "Tool call" not in export_markdown(session.workspace)


def _transcript_of(answer: Message) -> str:
    workspace = Workspace()
    card = workspace.cards[0]
    card.messages = [Message(role="user", content="Weather?"), answer]
    return export_markdown(workspace)


def test_the_transcript_writes_calls_and_results_in_order_with_text_and_reasoning() -> None:
    answer = Message(
        role="assistant",
        reasoning="I should look it up.",
        content="Let me check.",
        tool_calls=[
            ToolCall(index=0, id="c0", name="get_weather", arguments='{"city":"Seoul"}'),
            ToolCall(index=1, id="c1", name="get_time", arguments="zone=Asia", result="noon"),
        ],
        parts=["reasoning", "call:0", "text", "call:1"],
        finish_reason="tool_calls",
        status="done",
    )
    text = _transcript_of(answer)
    pretty = json.dumps({"city": "Seoul"}, indent=2)
    order = [
        "I should look it up.",
        "**Tool call:** ` get_weather `",
        f"```json\n{pretty}\n```",
        "Let me check.",
        "**Tool call:** ` get_time `",
        "```\nzone=Asia\n```",
        "not JSON",
        "**Tool result:**",
        "```\nnoon\n```",
    ]
    places = [text.find(piece) for piece in order]
    assert -1 not in places, [p for p, at in zip(order, places, strict=True) if at == -1]
    assert places == sorted(places)


def test_a_hostile_call_and_result_stay_text_in_the_transcript() -> None:
    answer = Message(
        role="assistant",
        tool_calls=[ToolCall(index=0, id="c0", name=HOSTILE_NAME, arguments=HOSTILE_ARGS)],
        parts=["call:0"],
        finish_reason="tool_calls",
        status="done",
    )
    answer.tool_calls[0].result = HOSTILE_RESULT
    text = _transcript_of(answer)
    tokens = MarkdownIt("commonmark").parse(text)
    inline = [child for t in tokens for child in (t.children or [])]
    kinds = {t.type for t in tokens} | {t.type for t in inline}
    assert not kinds & {"html_block", "html_inline", "link_open", "image"}
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(h.startswith(("LLM Playground", "Card ")) for h in headings)  # none of the result
    code = "\n".join(t.content for t in tokens if t.type == "fence")
    assert HOSTILE_RESULT in code and "sk-live-0123456789abcdef" in code  # shown, as text
    assert json.dumps(json.loads(HOSTILE_ARGS), indent=2) in code
    spans = [t.content for t in inline if t.type == "code_inline"]
    assert spans == [HOSTILE_NAME]


def test_a_typed_result_is_kept_on_its_open_call_until_it_is_sent(scenario: Scenario) -> None:
    url = scenario(tool_calls=[FakeCall("get_weather", '{"city": "Seoul"}')])
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "Weather?")
    finish(session)
    [call] = card.messages[-1].tool_calls
    keep_draft(session, card.id, "no-such-call", "lost")
    keep_draft(session, card.id, call.id, "x" * (MAX_TOOL_RESULT_CHARS + 10))
    assert call.draft == "x" * MAX_TOOL_RESULT_CHARS  # bounded as a result is
    keep_draft(session, card.id, call.id, "12 C")
    assert call.draft == "12 C" and call.result is None
    assert all(m.get("role") != "tool" for m in card.history_for_request())  # not sent
    send_results(session, svc, card.id, {call.id: "12 C"})
    finish(session)
    assert (call.result, call.draft) == ("12 C", "")
    keep_draft(session, card.id, call.id, "late")  # an answered call takes no draft
    assert call.draft == ""


def test_mocks_are_due_for_a_card_that_ended_with_open_calls_only(scenario: Scenario) -> None:
    """The page asks this after drawing the controls of cards that streamed when it gave
    mocks out: one that ended meanwhile still gets its mocks (a new run)."""
    from playground.session.tool_rounds import mocks_due

    url = scenario(tool_calls=[FakeCall("get_weather", '{"city": "Seoul"}')], tokens_per_second=40)
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    session.mock_answers = True
    commands.send(session, svc, [card.id], "Weather?")
    assert card.is_streaming and not mocks_due(session, {card.id})  # still answering
    finish(session)
    assert open_calls(card) and mocks_due(session, {card.id})
    assert not mocks_due(session, set()) and not mocks_due(session, {"no-such-card"})
    session.mock_answers = False
    assert not mocks_due(session, {card.id})  # mock answers off: nothing is due
