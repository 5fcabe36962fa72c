"""What an answer cost: a price set on its endpoint, else the ``genai-prices`` tables.

An endpoint may carry ``price = { input_per_mtok = 2.5, output_per_mtok = 10.0 }``
(dollars per million tokens) or ``gpu_hour = 2.4`` (dollars per hour of a
self-hosted server, charged by the answer's time). With neither, a well-known API
model is looked up in ``genai-prices`` (Pydantic's maintained price tables, shipped
as a data snapshot in the wheel: no network) by the endpoint's URL and the model
id, so a self-hosted "gpt-4o" on 127.0.0.1 is never priced as OpenAI's.
No price known: no figure (``None``), never a made-up one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from playground.workspace.types import Card, Message, Metrics

log = logging.getLogger(__name__)
MAX_PRICE = 100_000.0  # dollars per million tokens or per GPU hour: a typo guard


class Price(BaseModel):
    """``price = { input_per_mtok = ..., output_per_mtok = ... }`` of one endpoint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_per_mtok: float = Field(ge=0, le=MAX_PRICE)
    output_per_mtok: float = Field(ge=0, le=MAX_PRICE)


@dataclass(frozen=True)
class Pricing:
    """How one endpoint's answers are charged (both None: ask ``genai-prices``)."""

    price: Price | None = None
    gpu_hour: float | None = None


@dataclass(frozen=True)
class Cost:
    dollars: float
    estimated: bool  # the token counts behind it were estimated, not the server's


def answer_cost(metrics: Metrics, pricing: Pricing, model: str, base_url: str) -> Cost | None:
    """The cost of one answer, or None when no price is known or a count is missing."""
    if pricing.gpu_hour is not None:
        if metrics.total_s is None:
            return None
        return Cost(pricing.gpu_hour * metrics.total_s / 3600, estimated=False)
    if metrics.input_tokens is None or metrics.output_tokens is None:
        return None
    if pricing.price is not None:
        amount = (
            metrics.input_tokens * pricing.price.input_per_mtok
            + metrics.output_tokens * pricing.price.output_per_mtok
        ) / 1_000_000
        return Cost(amount, metrics.tokens_estimated)
    amount = listed_cost(model, base_url, metrics.input_tokens, metrics.output_tokens)
    return None if amount is None else Cost(amount, metrics.tokens_estimated)


def listed_cost(model: str, base_url: str, input_tokens: int, output_tokens: int) -> float | None:
    """The ``genai-prices`` price of this call on this provider's URL; None when it has none."""
    if not model or not base_url.startswith("https://"):
        return None  # the tables know public APIs only (all https)
    from genai_prices import Usage, calc_price  # imported on first use: its tables are large

    try:
        result = calc_price(
            Usage(input_tokens=input_tokens, output_tokens=output_tokens),
            model_ref=model,
            provider_api_url=base_url,
        )
    except LookupError:
        return None
    except Exception:  # a table it cannot read must not break an answer
        log.warning("genai-prices could not price %s", model, exc_info=True)
        return None
    return float(result.total_price)


def priced(message: Message) -> list[Message]:
    """The message, the earlier answers a Regenerate replaced and the answers asked with it
    (Ask N times): each was paid for."""
    return [*message.earlier, *message.runs, message]


def total_cost(messages: Iterable[Message]) -> Cost | None:
    """The sum of the answers' costs; None when none of them has one."""
    amounts = [
        answer.metrics
        for message in messages
        for answer in priced(message)
        if answer.metrics is not None and answer.metrics.cost_usd is not None
    ]
    if not amounts:
        return None
    return Cost(sum(m.cost_usd or 0.0 for m in amounts), any(m.cost_estimated for m in amounts))


def card_cost(card: Card) -> Cost | None:
    return total_cost(m for m in card.messages if m.role == "assistant")


def workspace_cost(cards: Iterable[Card]) -> Cost | None:
    return total_cost(m for c in cards for m in c.messages if m.role == "assistant")
