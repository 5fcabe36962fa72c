"""Blind comparison with tools (AppTest, real HTTP): each card's calls and results are
drawn, nothing names a model or endpoint (not a call's name, arguments, result or mock
result), and a vote counts answers that are tool calls."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from playground.arena.round import HIDDEN, answered_prompt
from playground.arena.vote_store import VoteStore
from playground.arena.votes import VoteRecord
from playground.chat.tools.calls import ToolCall
from playground.store import StoreConfig, WorkspaceStore
from playground.ui.state import MOCK_TOGGLE
from playground.workspace.types import Card, Message, Status
from tests.fake_tool_calls import FakeCall
from tests.helpers import cards, endpoints_toml, key, new_app, open_settings, shown, state
from tests.ui.test_arena_app import names_in, send_synced, tree_text

Config = Callable[..., Path]
MakeScenario = Callable[..., str]
WHO = {"type": "object", "properties": {"who": {"type": "string"}}}
TOOLS = json.dumps([{"type": "function", "function": {"name": "lookup", "parameters": WHO}}])


def _says_results(model: str, messages: list[dict[str, Any]]) -> str:
    if messages[-1]["role"] != "tool":
        return ""
    return "Found: " + "; ".join(m["content"] for m in messages if m["role"] == "tool")


def _setup(write_config: Config, scenario: MakeScenario, tmp_path: Path, *, mocks: bool) -> AppTest:
    # Each model's call names it: in the arguments, and (Southwind's) in the call's name.
    north = [FakeCall("lookup", '{"who": "north-7b on Northwind"}')]
    south = [FakeCall("lookup_south-13b", '{"who": "Southwind"}')]
    after = {"text_after_results": True, "reply_fn": _says_results}
    write_config(
        endpoints_toml(
            Northwind=scenario(models=["north-7b"], tool_calls=north, **after),
            Southwind=scenario(models=["south-13b"], tool_calls=south, **after),
        )
        + f'\n[store]\ndata_dir = "{tmp_path / "data"}"\n'
    )
    at = new_app()
    first, second = cards(at)
    open_settings(at, first)
    at.text_area(key=key(first, "tools")).set_value(TOOLS).run()
    at.button(key=key(first, "tools_apply")).click().run()
    if mocks:  # a mock result that names both models
        at.text_area(key=key(first, "mock-0-result-g1")).set_value("north-7b beats south-13b")
        at.button(key=key(first, "mock-0-set-g1")).click().run()
    prefix = key(first, "tools_apply_all")
    next(b for b in at.button if (b.key or "").startswith(prefix)).click().run()
    at.selectbox(key=key(second, "endpoint")).set_value("Southwind").run()
    assert [c.config.settings.tools.text for c in cards(at)] == [TOOLS, TOOLS]
    at.toggle(key="blind_toggle").set_value(True).run()
    assert not at.exception and names_in(tree_text(at)) == []
    if mocks:
        at.toggle(key=MOCK_TOGGLE).set_value(True).run()
    send_synced(at, "Who are you?")
    for _ in range(6):  # each answer's end starts one more page run
        if not mocks or all(c.messages[-1].content.startswith("Found") for c in cards(at)):
            break
        at.run()
    assert not at.exception
    return at


def _vote(at: AppTest, tmp_path: Path) -> VoteRecord:
    at.button(key="arena-vote-a").click().run()
    assert not at.exception and any("Voted: A is better" in s.value for s in at.success)
    store = WorkspaceStore.from_config(StoreConfig(data_dir=str(tmp_path / "data")))
    try:
        (vote,) = VoteStore(store).list()
    finally:
        store.close()
    return vote


def test_a_blind_round_with_mock_results_shows_calls_and_results_and_no_names(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = _setup(write_config, scenario, tmp_path, mocks=True)
    results = {}
    for card in cards(at):
        assert [m.role for m in card.messages] == ["user", "assistant", "assistant"]
        results[card.config.model] = card.messages[1].tool_calls[0].result  # kept raw
    assert results == {
        "north-7b": "north-7b beats south-13b",
        "south-13b": "No mock result is set for tool 'lookup_south-13b'.",  # it names itself
    }
    text = tree_text(at)
    assert names_in(text) == [], names_in(text)
    codes = [shown(c.value) for c in at.code]
    # Each card's call (arguments masked) and its result (masked) are drawn.
    assert f"{HIDDEN} beats {HIDDEN}" in codes
    assert f"No mock result is set for tool 'lookup_{HIDDEN}'." in codes
    assert f'{{\n  "who": "{HIDDEN} on {HIDDEN}"\n}}' in codes
    assert f'{{\n  "who": "{HIDDEN}"\n}}' in codes
    labels = [shown(m.value) for m in at.markdown if "function" in m.value]
    assert sorted(labels) == [":material/function: lookup", f":material/function: lookup_{HIDDEN}"]
    vote = _vote(at, tmp_path)
    answers = {e.model: e.answer for e in vote.entries}
    assert answers["north-7b"] == (
        'lookup({"who": "north-7b on Northwind"})\nFound: north-7b beats south-13b'
    )


def test_a_vote_on_answers_that_are_only_tool_calls(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = _setup(write_config, scenario, tmp_path, mocks=False)
    assert all(c.messages[-1].tool_calls and not c.messages[-1].content for c in cards(at))
    text = tree_text(at)
    assert names_in(text) == [], names_in(text)
    # The Tool result field under the call names the function as the model wrote it, masked.
    result_labels = sorted(shown(t.label) for t in at.text_area if "-result-" in (t.key or ""))
    assert result_labels == ["Tool result: lookup", f"Tool result: lookup_{HIDDEN}"]
    assert [b.label for b in at.button if b.key and b.key.startswith("arena-vote-")][:1] == [
        "A is better"
    ]
    a_model = next(c for c in cards(at) if state(at).arena.label(c.id) == "A").config.model
    vote = _vote(at, tmp_path)
    assert vote.prompt == "Who are you?" and vote.entry("A").model == a_model
    answers = {e.model: e.answer for e in vote.entries}
    assert answers == {
        "north-7b": 'lookup({"who": "north-7b on Northwind"})',
        "south-13b": 'lookup_south-13b({"who": "Southwind"})',
    }


def _card(*answers: tuple[str, list[ToolCall], Status]) -> Card:
    card = Card(messages=[Message(role="user", content="Who are you?")])
    for text, calls, status in answers:
        card.messages.append(
            Message(role="assistant", content=text, tool_calls=calls, status=status)
        )
    return card


CALL = ToolCall(index=0, id="call_0", name="lookup", arguments="{}")
ANSWERED = ToolCall(index=0, id="call_0", name="lookup", arguments="{}", result="ok")


def test_an_answer_of_tool_calls_or_after_tool_rounds_is_an_answer() -> None:
    calls_only = _card(("", [CALL], "done"))
    after_round = _card(("", [ANSWERED], "done"), ("It is fine.", [], "done"))
    assert answered_prompt([calls_only, after_round]) == "Who are you?"


def test_no_answer_yet_is_no_answered_prompt() -> None:
    text = _card(("Hi", [], "done"))
    assert answered_prompt([text, _card()]) is None  # only the prompt
    assert answered_prompt([text, _card(("", [], "done"))]) is None  # empty
    assert answered_prompt([text, _card(("", [ANSWERED], "done"), ("", [], "error"))]) is None
