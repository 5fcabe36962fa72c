"""What answers cost: prices from config, GPU hours, genai-prices, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from playground.config import EndpointConfig, LoadedConfig, SourcedEndpoint
from playground.export import export_json, export_markdown
from playground.money import dollars
from playground.pricing import Pricing, card_cost, listed_cost, workspace_cost
from playground.session import PlainServices, commands
from tests.test_commands import finish, on

Scenario = Callable[..., str]


def priced_services(url: str, **price: object) -> PlainServices:
    endpoint = EndpointConfig.model_validate({"name": "A", "base_url": url, **price})
    return PlainServices(
        loaded=LoadedConfig(endpoints=[SourcedEndpoint(endpoint, "test")]), environ={}
    )


@pytest.mark.parametrize(
    ("amount", "estimated", "shown"),
    [
        pytest.param(0.000048, False, "$0.000048", id="tiny"),
        pytest.param(0.0000481234, True, "≈$0.000048", id="estimated"),
        pytest.param(0.01234, False, "$0.012", id="cents"),
        pytest.param(1.25, False, "$1.2", id="dollar"),
        pytest.param(3456.0, False, "$3,500", id="thousands"),
        pytest.param(0.0, False, "$0", id="zero"),
    ],
)
def test_two_significant_figures(amount: float, estimated: bool, shown: str) -> None:
    assert dollars(amount, estimated) == shown


def test_cost_from_the_servers_usage_and_the_configured_price(scenario: Scenario) -> None:
    url = scenario(reply="one two three", prompt_tokens=1200)
    svc = priced_services(url, price={"input_per_mtok": 2.5, "output_per_mtok": 10.0})
    session = on(svc)
    first, second = session.workspace.cards
    commands.send_to_all(session, svc, "hello")
    finish(session)
    metrics = first.messages[-1].metrics
    assert metrics is not None and not metrics.tokens_estimated
    assert metrics.input_tokens == 1200
    output = metrics.output_tokens
    assert output is not None and output > 0
    assert metrics.cost_usd == pytest.approx((1200 * 2.5 + output * 10.0) / 1_000_000)
    assert not metrics.cost_estimated
    assert dollars(metrics.cost_usd) in metrics.summary()
    total = workspace_cost(session.workspace.cards)
    assert total is not None and total.dollars == pytest.approx(2 * metrics.cost_usd)
    one = card_cost(second)
    assert one is not None and one.dollars == pytest.approx(metrics.cost_usd)
    # Exports carry it: the JSON's metrics and the Markdown's figures line.
    exported = export_json(session.workspace).decode()
    assert f'"cost_usd":{metrics.cost_usd}' in exported.replace(" ", "")
    assert dollars(metrics.cost_usd) in export_markdown(session.workspace)


def test_without_usage_the_cost_is_marked_estimated(scenario: Scenario) -> None:
    svc = priced_services(
        scenario(reply="one two", usage=False),
        price={"input_per_mtok": 1.0, "output_per_mtok": 1.0},
    )
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "x" * 400)
    finish(session)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.tokens_estimated and metrics.cost_estimated
    assert metrics.input_tokens is not None and metrics.input_tokens >= 100  # ≈ 400 chars / 4
    assert "≈$" in metrics.summary()


def test_gpu_hour_charges_the_answers_time(scenario: Scenario) -> None:
    svc = priced_services(scenario(reply="a b c", latency=0.2), gpu_hour=3.6)
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "hi")
    finish(session)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.total_s is not None and metrics.total_s >= 0.2
    assert metrics.cost_usd == pytest.approx(3.6 * metrics.total_s / 3600)


def test_no_price_known_shows_no_figure(scenario: Scenario) -> None:
    svc = priced_services(scenario(models=["gpt-4o"], reply="hi"))  # a loopback "gpt-4o"
    session = on(svc, model="gpt-4o")
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "hi")
    finish(session)
    metrics = card.messages[-1].metrics
    assert metrics is not None and metrics.cost_usd is None and "$" not in metrics.summary()
    assert card_cost(card) is None


def test_genai_prices_knows_public_apis_only() -> None:
    listed = listed_cost("gpt-4o", "https://api.openai.com/v1", 1_000_000, 0)
    assert listed is not None and listed > 0
    assert listed_cost("gpt-4o", "http://127.0.0.1:8000/v1", 1_000_000, 0) is None
    assert listed_cost("no-such-model-xyz", "https://api.openai.com/v1", 1000, 10) is None


def test_a_bad_price_is_a_config_error() -> None:
    with pytest.raises(ValidationError) as caught:
        EndpointConfig.model_validate(
            {"name": "A", "base_url": "http://h/v1", "price": {"input_per_mtok": -1}}
        )
    fields = {e["loc"] for e in caught.value.errors()}
    assert ("price", "input_per_mtok") in fields and ("price", "output_per_mtok") in fields
    assert Pricing().price is None
