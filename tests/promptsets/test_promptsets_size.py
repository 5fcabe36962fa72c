"""A run's size before it starts: answers, estimated tokens, cost from the cards' prices."""

from __future__ import annotations

from pydantic import SecretStr

from playground.config.settings import EndpointConfig, Limits, LoadedConfig, SourcedEndpoint
from playground.costs.pricing import Price
from playground.promptsets.records import RunRow
from playground.promptsets.size import TYPICAL_ANSWER_TOKENS
from playground.session import PlainServices
from playground.session.evaluation.promptset_runs import needs_confirm, size_of
from tests.promptset_helpers import session_on

ROWS = [RunRow(number=1, prompt="x" * 40), RunRow(number=2, prompt="y" * 80)]


def priced_services(confirm_over: int = 200) -> PlainServices:
    endpoint = EndpointConfig(
        name="Paid",
        base_url="http://127.0.0.1:9/v1",
        token=SecretStr("sk-t"),
        price=Price(input_per_mtok=2.0, output_per_mtok=10.0),
    )
    loaded = LoadedConfig(
        endpoints=[SourcedEndpoint(endpoint, "test")],
        limits=Limits(confirm_answers_over=confirm_over),
    )
    return PlainServices(loaded=loaded, environ={})


def test_size_counts_answers_tokens_and_cost() -> None:
    svc = priced_services()
    session = session_on(("Paid", "m1"), ("Paid", "m2"))
    session.workspace.cards[1].config.settings.max_tokens = 50
    size = size_of(session, svc, ROWS, 3)
    assert size.answers == 2 * 2 * 3
    # each prompt: 4 chars a token, 4 of framing, 2 opening the reply (playground.costs.tokens):
    # (10 + 4 + 2) + (20 + 4 + 2) = 42, per run and card
    assert size.prompt_tokens == 42 * 3 * 2
    assert size.answer_tokens == (TYPICAL_ANSWER_TOKENS + 50) * 2 * 3
    assert not size.answer_tokens_capped  # card 1 sets no max tokens: a typical answer
    expected = (42 * 3 * 2 * 2.0 + (TYPICAL_ANSWER_TOKENS + 50) * 6 * 10.0) / 1e6
    assert abs((size.cost or 0) - expected) < 1e-12 and size.unpriced == 0
    assert size.label.startswith("12 answers · ≈ ")


def test_an_unpriced_card_is_counted_not_guessed() -> None:
    svc = priced_services()
    session = session_on(("Paid", "m1"), ("Gone", "m2"))  # no such endpoint: no target
    size = size_of(session, svc, ROWS, 1)
    assert size.unpriced == 1 and size.cost is not None
    assert "(+ 1 card unpriced)" in size.label


def test_confirm_threshold_comes_from_limits() -> None:
    svc = priced_services(confirm_over=12)
    assert not needs_confirm(svc, 12) and needs_confirm(svc, 13)
