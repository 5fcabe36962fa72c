"""Reasoning tokens from the server's usage: counted, shown with the figures, priced."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.chat.answer_shapes import whole_completion
from playground.chat.metrics import Metrics
from playground.costs.money import dollars
from playground.promptsets.export import export_csv
from playground.promptsets.registry import RunRegistry
from playground.promptsets.summary import summarize
from playground.session import commands
from playground.session.evaluation.promptsets import prepare, start_run
from tests.costs.test_pricing import priced_services
from tests.helpers import cards, endpoints_toml, new_app, send_to_card, sync_off
from tests.helpers import start_stream as start
from tests.session.test_commands import finish, on

Scenario = Callable[..., str]


def test_reasoning_tokens_come_from_the_usage_details(scenario: Scenario) -> None:
    card, job = start(scenario(tokens=10, reasoning_tokens=9))
    job.join(10)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.output_tokens == 14 and metrics.reasoning_tokens == 9
    assert "14 tokens (of which 9 reasoning)" in metrics.summary()


def test_without_details_there_is_no_reasoning_count(scenario: Scenario) -> None:
    card, job = start(scenario(tokens=10))
    job.join(10)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.reasoning_tokens is None
    assert "reasoning" not in metrics.summary()


def test_estimated_counts_carry_no_reasoning_count(scenario: Scenario) -> None:
    card, job = start(scenario(tokens=3, usage=False, reasoning_tokens=2))
    job.join(10)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.tokens_estimated and metrics.reasoning_tokens is None


def _whole(details: object) -> list[int | None]:
    usage = {"prompt_tokens": 3, "completion_tokens": 8, "completion_tokens_details": details}
    body = {"choices": [{"message": {"content": "hi"}, "finish_reason": "stop"}], "usage": usage}
    deltas = whole_completion(json.dumps(body).encode(), "The server", ())
    return [d.reasoning_tokens for d in deltas if d.usage_tokens is not None]


@pytest.mark.parametrize(
    ("details", "found"),
    [
        pytest.param({"reasoning_tokens": 5}, 5, id="counted"),
        pytest.param({"reasoning_tokens": -5}, None, id="negative"),
        pytest.param({"reasoning_tokens": "5"}, None, id="text"),
        pytest.param({"reasoning_tokens": True}, None, id="bool"),
        pytest.param("lots", None, id="details-not-an-object"),
        pytest.param(None, None, id="no-details"),
    ],
)
def test_a_whole_completions_usage_details(details: object, found: int | None) -> None:
    assert _whole(details) == [found]


def test_an_old_save_without_the_field_loads() -> None:
    old = {"ttft_s": 0.1, "output_tokens": 4, "tokens_estimated": False, "cost_usd": 0.5}
    metrics = Metrics.model_validate(old)
    assert metrics.reasoning_tokens is None and metrics.reasoning_cost_usd is None


def test_reasoning_is_priced_as_output(scenario: Scenario) -> None:
    url = scenario(reply="one two three", prompt_tokens=1000, reasoning_tokens=2)
    svc = priced_services(url, price={"input_per_mtok": 2.5, "output_per_mtok": 10.0})
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "think")
    finish(session)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.output_tokens == 3 and metrics.reasoning_tokens == 2
    assert metrics.cost_usd == pytest.approx((1000 * 2.5 + 3 * 10.0) / 1_000_000)
    assert metrics.reasoning_cost_usd == pytest.approx(2 * 10.0 / 1_000_000)
    shown = f"{dollars(metrics.cost_usd)} (reasoning {dollars(metrics.reasoning_cost_usd)})"
    assert shown in metrics.summary()


def test_a_gpu_hour_price_gives_reasoning_no_share(scenario: Scenario) -> None:
    svc = priced_services(scenario(reply="a b c", reasoning_tokens=2), gpu_hour=3.6)
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "think")
    finish(session)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.cost_usd is not None
    assert metrics.reasoning_tokens == 2 and metrics.reasoning_cost_usd is None
    assert "(of which 2 reasoning)" in metrics.summary() and "(reasoning $" not in metrics.summary()


def test_the_card_shows_the_reasoning_tokens(
    write_config: Callable[..., Path], scenario: Scenario
) -> None:
    url = scenario(tokens=10, reasoning_tokens=9)
    price = "price = { input_per_mtok = 1, output_per_mtok = 2 }\n"
    write_config(endpoints_toml(Alpha=url) + price)
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "figures")
    captions = [c.value for m in at.chat_message if m.name == "assistant" for c in m.caption]
    figures = [c for c in captions if "first token" in c]
    assert len(figures) == 1 and "14 tokens (of which 9 reasoning)" in figures[0]
    assert f"(reasoning {dollars(9 * 2 / 1_000_000)})" in figures[0]


def test_a_prompt_set_counts_reasoning_in_its_summary_and_csv(scenario: Scenario) -> None:
    svc = priced_services(scenario(reply="a b c", reasoning_tokens=2), gpu_hour=1.0)
    runner = start_run(on(svc), svc, RunRegistry(), prepare("first\nsecond"))
    runner.join(20)
    cells = runner.cells()
    assert len(cells) == 4 and all(c.status == "done" for c in cells.values())
    first, second = summarize(runner.spec, cells)
    assert (first.total_tokens, first.reasoning_tokens) == (6, 4)
    assert second.reasoning_tokens == 4
    rows = list(csv.reader(io.StringIO(export_csv(runner.spec, cells).decode("utf-8-sig"))))
    column = rows[0].index("1 · fake-small reasoning_tokens")
    assert [row[column] for row in rows[1:]] == ["2", "2"]
