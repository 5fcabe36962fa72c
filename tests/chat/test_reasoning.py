"""Reasoning of thinking models: split from the answer, shown apart, never sent back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.chat.reasoning import Split, split_think
from playground.workspace.types import Card
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import (
    cards,
    endpoints_toml,
    new_app,
    scenario_name,
    send_to_card,
    shown,
    sync_off,
)
from tests.helpers import start_stream as start


@pytest.mark.parametrize(
    ("text", "final", "expected"),
    [
        pytest.param("plain answer", False, Split("", "plain answer", False), id="plain"),
        pytest.param("<think>hmm", False, Split("hmm", "", True), id="open"),
        pytest.param("<think>hmm", True, Split("hmm", "", False), id="open-at-end"),
        pytest.param("<think>a</think>\n\nB", False, Split("a", "B", False), id="closed"),
        pytest.param("  <think> a </think> B", False, Split("a", "B", False), id="spaces"),
        pytest.param("<thi", False, Split("", "", True), id="partial-tag-held"),
        pytest.param("<thi", True, Split("", "<thi", False), id="partial-tag-at-end"),
        pytest.param("a</think>\n\nB", False, Split("a", "B", False), id="opened-by-template"),
        pytest.param("a</think>", False, Split("a", "", False), id="template-close-so-far"),
        pytest.param(
            "Qwen ends reasoning with </think> and then answers.",
            True,
            Split("", "Qwen ends reasoning with </think> and then answers.", False),
            id="an-answer-that-mentions-the-tag",
        ),
        pytest.param("x < y", False, Split("", "x < y", False), id="less-than"),
    ],
)
def test_split_think(text: str, final: bool, expected: Split) -> None:
    assert split_think(text, final=final) == expected


@given(st.text(alphabet="ab <>/thinkn\n", max_size=40))
def test_split_never_invents_text(text: str) -> None:
    split = split_think(text, final=True)
    assert not split.thinking
    for part in (split.reasoning, split.answer):
        assert part in text


@pytest.mark.parametrize("style", ["field", "tags"])
def test_reasoning_streams_apart_and_is_not_sent_back(
    style: str, scenario: Callable[..., str]
) -> None:
    url = scenario(
        reply="Paris.", reasoning="The capital of France is Paris.", reasoning_style=style
    )
    card, job = start(url, "capital?")
    job.join(10)
    answer = card.messages[-1]
    assert answer.status == "done"
    assert answer.content == "Paris."
    assert answer.reasoning == "The capital of France is Paris."
    assert answer.metrics is not None and answer.metrics.ttft_s is not None
    card.messages.append(answer.model_copy(update={"role": "user", "content": "and Spain?"}))
    sent = Card(messages=card.messages).history_for_request()
    assert all("capital of France" not in m["content"] for m in sent)
    assert [m["content"] for m in sent] == ["capital?", "Paris.", "and Spain?"]


def test_card_shows_reasoning_in_a_collapsed_expander(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario(reply="Four.", reasoning="Two plus two is four.")
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    send_to_card(at, first, "2+2?")
    send_to_card(at, first, "and 3+3?")
    expanders = [e for e in at.expander if e.label == "Reasoning"]
    assert len(expanders) == 2
    assert "Two plus two is four." in shown(expanders[0].markdown[0].value)
    assert [m.content for m in first.messages] == ["2+2?", "Four.", "and 3+3?", "Four."]
    second_request = server.chat_requests(scenario_name(url))[-1].body
    assert second_request is not None
    assert [m["content"] for m in second_request["messages"]] == ["2+2?", "Four.", "and 3+3?"]
