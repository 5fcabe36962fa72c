"""The page: a finished answer is in the store the moment it ends (issue 13, part 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.apptest import cards, new_app, open_with, send_to_card, state
from tests.conftest import endpoints_toml

# The timer alone would save a minute later: only a save at the answer's end helps.
SLOW_TIMER = "\n[store]\nautosave_interval = 60\n"


def test_a_new_session_opened_at_once_sees_the_whole_answer(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario(tokens=40, tokens_per_second=100)) + SLOW_TIMER)
    at = new_app()
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
