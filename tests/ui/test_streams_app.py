"""The page: a finished answer is in the store the moment it ends (issue 13, part 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.fake_openai import FakeOpenAIServer
from tests.helpers import (
    cards,
    endpoints_toml,
    key,
    new_app,
    open_with,
    scenario_name,
    send_to_card,
    state,
    sync_off,
)

# The timer alone would save a minute later: only a save at the answer's end helps.
SLOW_TIMER = "\n[store]\nautosave_interval = 60\n"


def test_a_new_session_opened_at_once_sees_the_whole_answer(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario(tokens=40, tokens_per_second=100)) + SLOW_TIMER)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "the whole thing")  # the run ends when the answer does
    answer = cards(at)[0].messages[-1]
    assert answer.status == "done" and answer.content.endswith("w39")
    saver = state(at).saver
    assert saver is not None and saver.workspace_id is not None

    again = open_with(ws=saver.workspace_id)
    restored = cards(again)[0].messages[-1]
    assert restored.status == "done"
    assert restored.content == answer.content
    assert not [c for c in again.caption if "Stopped" in c.value]


def test_an_empty_stream_offers_to_shorten_the_history_instead_of_retry(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    card = cards(at)[0]
    send_to_card(at, card, "one")
    send_to_card(at, card, "two")
    behaviour = server.scenarios[scenario_name(url)]
    behaviour.reply, behaviour.no_done = "", True  # as llama.cpp past its context: 200, nothing
    send_to_card(at, card, "three")
    answer = cards(at)[0].messages[-1]
    assert answer.status == "error" and "too long" in (answer.error or "")
    assert not [b for b in at.button if b.label == "Retry"]
    shortened = at.button(key=key(card, "shorten"))
    assert shortened.label == "Drop oldest turns and retry"
    assert at.button(key=key(card, "too_long_clear")).label == "Delete Chat History"

    behaviour.reply, behaviour.no_done = None, False
    shortened.click().run()
    messages = cards(at)[0].messages
    assert [m.content for m in messages if m.role == "user"] == ["two", "three"]
    assert messages[-1].status == "done" and messages[-1].content.endswith("three")
    assert [b for b in at.button if b.label == "Regenerate"]


def test_the_last_prompt_alone_too_long_says_to_edit_it(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario(reply="", no_done=True)))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    card = cards(at)[0]
    send_to_card(at, card, "a very long prompt")
    assert [c for c in at.caption if "last prompt alone may be too long" in c.value]
    at.button(key=key(card, "too_long_clear")).click().run()
    assert cards(at)[0].messages == []
