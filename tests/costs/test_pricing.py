"""What answers cost: prices from config, GPU hours, genai-prices, over real HTTP."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from playground.arena import ratings
from playground.arena.tally import tally_of
from playground.arena.votes import Outcome, VoteRecord
from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint
from playground.costs.money import dollars
from playground.costs.pricing import Pricing, card_cost, listed_cost, workspace_cost
from playground.promptsets.export import export_csv
from playground.promptsets.registry import RunRegistry
from playground.promptsets.summary import summarize
from playground.session import PlainServices, Session, commands
from playground.session.evaluation import arena
from playground.session.evaluation.promptsets import prepare, start_run
from playground.store import StoreConfig
from playground.workspace.export import export_json, export_markdown
from tests.session.test_commands import finish, on

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


def test_a_prompt_set_run_costs_each_answer_and_sums_them_per_card(scenario: Scenario) -> None:
    url = scenario(reply="one two three", prompt_tokens=1000)
    svc = priced_services(url, price={"input_per_mtok": 2.0, "output_per_mtok": 8.0})
    session = on(svc)
    runner = start_run(session, svc, RunRegistry(), prepare("first\nsecond\nthird"))
    runner.join(20)
    cells = runner.cells()
    assert len(cells) == 6 and all(c.status == "done" for c in cells.values())
    costs = []
    for cell in cells.values():
        m = cell.metrics
        assert m is not None and m.output_tokens and m.cost_usd is not None
        assert m.cost_usd == pytest.approx((1000 * 2.0 + m.output_tokens * 8.0) / 1_000_000)
        costs.append(m.cost_usd)
    first, _ = summarize(runner.spec, cells)
    mine = [c.metrics.cost_usd for (_, col, _), c in cells.items() if col == 0 and c.metrics]
    assert first.cost is not None and not first.cost.estimated
    assert first.cost.dollars == pytest.approx(sum(v for v in mine if v is not None))
    rows = list(csv.reader(io.StringIO(export_csv(runner.spec, cells).decode("utf-8-sig"))))
    column = rows[0].index("1 · fake-small cost_usd")
    assert float(rows[1][column]) == pytest.approx(cells[(0, 0, 0)].metrics.cost_usd)  # type: ignore[union-attr]


def test_a_prompt_set_on_an_unpriced_endpoint_shows_no_cost(scenario: Scenario) -> None:
    svc = PlainServices(
        loaded=LoadedConfig(
            endpoints=[SourcedEndpoint(EndpointConfig(name="A", base_url=scenario()), "t")]
        ),
        environ={},
    )
    runner = start_run(on(svc), svc, RunRegistry(), prepare("only"))
    runner.join(20)
    assert all(c.metrics and c.metrics.cost_usd is None for c in runner.cells().values())
    assert [s.cost for s in summarize(runner.spec, runner.cells())] == [None, None]


def test_a_blind_vote_keeps_each_answers_cost_for_the_leaderboard(
    scenario: Scenario, tmp_path: Path
) -> None:
    priced = EndpointConfig.model_validate(
        {
            "name": "Paid",
            "base_url": scenario(reply="paid answer", prompt_tokens=500),
            "price": {"input_per_mtok": 3.0, "output_per_mtok": 15.0},
        }
    )
    free = EndpointConfig(name="Free", base_url=scenario(reply="free answer"))
    svc = PlainServices(
        loaded=LoadedConfig(
            endpoints=[SourcedEndpoint(priced, "t"), SourcedEndpoint(free, "t")],
            store=StoreConfig(data_dir=str(tmp_path / "data")),
        ),
        environ={},
    )
    session = Session()
    paid_card, free_card = session.workspace.cards
    paid_card.config.endpoint, paid_card.config.model = "Paid", "fake-small"
    free_card.config.endpoint, free_card.config.model = "Free", "fake-large"
    assert arena.set_blind(session, svc, True, random.Random(1))
    commands.send_to_all(session, svc, "which?")
    finish(session)
    paid = paid_card.messages[-1].metrics
    assert paid is not None and paid.cost_usd is not None
    done = arena.vote(session, svc, Outcome(kind="tie"), tag="", comment="", voter=None)
    assert isinstance(done, VoteRecord)
    costs = {e.endpoint: e.cost_usd for e in done.entries}
    assert costs == {"Paid": paid.cost_usd, "Free": None}
    rows = {s.model.endpoint: s for s in ratings.standings(tally_of([done, done]), rounds=5)}
    shown = rows["Paid"].cost_per_answer
    assert shown is not None and shown.dollars == pytest.approx(paid.cost_usd)
    assert rows["Free"].cost_per_answer is None  # no price: no figure
