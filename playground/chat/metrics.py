"""One answer's figures: timing, token counts and cost (``Metrics``), and how a
finished stream's figures are made and priced (``answer_metrics``, ``priced``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from playground.costs.money import dollars
from playground.costs.tokens import estimate_tokens

if TYPE_CHECKING:
    from playground.chat.answer_shapes import Delta

log = logging.getLogger(__name__)

MIN_RATE_SPAN_S = 0.25  # first to last token: shorter spans give no honest rate
MIN_RATE_TOKENS = 5


class Metrics(BaseModel):
    """Timing and size of one answer."""

    model_config = ConfigDict(extra="forbid")

    ttft_s: float | None = None  # request sent -> first token
    last_token_s: float | None = None  # request sent -> last token
    total_s: float | None = None  # request sent -> stream closed
    output_tokens: int | None = None
    tokens_estimated: bool = True  # counted from the stream, not the server's usage
    input_tokens: int | None = None  # the prompt's tokens (the server's usage, or estimated)
    cost_usd: float | None = Field(default=None, ge=0)  # None: no price known (pricing.py)
    cost_estimated: bool = False  # the cost rests on estimated token counts
    # the server's count of output tokens spent reasoning (part of output_tokens), and
    # what they cost at the output price (None: not sent, or no per-token price known)
    reasoning_tokens: int | None = Field(default=None, ge=0)
    reasoning_cost_usd: float | None = Field(default=None, ge=0)

    @property
    def tokens_per_second(self) -> float | None:
        """Output tokens per second from the first token to the last; None when the answer
        spans too short a time to measure (a burst of a few chunks reads thousands a second)."""
        if (
            self.output_tokens is None
            or self.ttft_s is None
            or self.last_token_s is None
            or self.output_tokens < MIN_RATE_TOKENS
        ):
            return None
        span = self.last_token_s - self.ttft_s
        return (self.output_tokens - 1) / span if span >= MIN_RATE_SPAN_S else None

    def summary(self) -> str:
        """The figures in one short line ("first token 0.21 s · total 1.30 s · ...")."""
        parts = []
        if self.ttft_s is not None:
            parts.append(f"first token {self.ttft_s:.2f} s")
        if self.total_s is not None:
            parts.append(f"total {self.total_s:.2f} s")
        if self.output_tokens:
            tokens = f"{'≈' if self.tokens_estimated else ''}{self.output_tokens} tokens"
            if self.reasoning_tokens:
                tokens += f" (of which {self.reasoning_tokens} reasoning)"
            parts.append(tokens)
        if (tps := self.tokens_per_second) is not None:
            parts.append(f"{tps:.1f} tok/s")
        if self.cost_usd is not None:
            cost = dollars(self.cost_usd, self.cost_estimated)
            if self.reasoning_tokens and self.reasoning_cost_usd is not None:
                cost += f" (reasoning {dollars(self.reasoning_cost_usd)})"
            parts.append(cost)
        return " · ".join(parts)


@dataclass
class StreamCounts:
    """What a streaming answer has counted so far (written by its job's thread only)."""

    first: float | None = None  # clock() at the first token
    last: float | None = None  # clock() at the latest token
    chunks: int = 0  # chunks that carried text or reasoning
    usage_tokens: int | None = None  # the server's count of output tokens, if it sent one
    prompt_tokens: int | None = None  # the server's count of prompt tokens, if it sent one
    reasoning_tokens: int | None = None  # of the output tokens, those spent reasoning

    def take_usage(self, delta: Delta) -> None:
        """Keep the server's token counts, if ``delta`` carries them."""
        if delta.usage_tokens is not None:
            self.usage_tokens = delta.usage_tokens
            self.prompt_tokens = delta.prompt_tokens
            self.reasoning_tokens = delta.reasoning_tokens


def answer_metrics(
    counts: StreamCounts, started: float, end: float, history: list[dict[str, Any]]
) -> Metrics:
    """A finished stream's figures: the server's token counts where it sent them, else
    counted from the stream (output) or estimated from the history (input)."""
    return Metrics(
        ttft_s=(counts.first - started) if counts.first is not None else None,
        last_token_s=(counts.last - started) if counts.last is not None else None,
        total_s=end - started,
        output_tokens=counts.usage_tokens if counts.usage_tokens is not None else counts.chunks,
        tokens_estimated=counts.usage_tokens is None,
        input_tokens=counts.prompt_tokens
        if counts.prompt_tokens is not None
        else estimate_tokens(history),
        reasoning_tokens=counts.reasoning_tokens if counts.usage_tokens is not None else None,
    )


def priced(metrics: Metrics, cost: Callable[[Metrics], tuple[float, bool] | None] | None) -> None:
    """Set the answer's cost from ``cost`` (dollars, estimated); never fails the answer.

    Its reasoning tokens are output tokens (OpenAI bills them as such): their share is
    what ``cost`` asks for those tokens alone, as output of an answer with no input and
    no time, so a price per token gives output price x reasoning tokens and a price per
    GPU hour (charged by time) gives none."""
    if cost is None:
        return
    try:
        found = cost(metrics)
        if found is not None:
            metrics.cost_usd, metrics.cost_estimated = found
            if metrics.reasoning_tokens:
                alone = Metrics(
                    input_tokens=0, output_tokens=metrics.reasoning_tokens, tokens_estimated=False
                )
                share = cost(alone)
                metrics.reasoning_cost_usd = share[0] if share is not None else None
    except Exception:  # a price lookup must never lose the answer
        log.warning("could not price an answer", exc_info=True)
