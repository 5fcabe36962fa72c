"""A run's size before it starts: answers, estimated tokens and cost.

Prompt tokens are estimated as the chat cards estimate a prompt that is not counted
exactly (``playground.costs.tokens.estimate_tokens``: about four characters a token plus a
few of framing per message; the system prompt counted with each prompt). Answer tokens
are each card's max tokens (the card's setting, else its endpoint's) when one is set:
an upper bound; else ``TYPICAL_ANSWER_TOKENS`` a typical answer (marked ≈). Cost uses
the card's endpoint price (``price = {...}``) or the ``genai-prices`` tables
(``playground.costs.pricing.listed_cost``); a card on ``gpu_hour`` or without a known price
adds none, and ``unpriced`` counts such cards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playground.costs.pricing import listed_cost
from playground.costs.tokens import estimate_tokens
from playground.endpoints.targets import Target
from playground.promptsets.records import RunRow
from playground.workspace.types import CardConfig

TYPICAL_ANSWER_TOKENS = 300  # assumed per answer when a card sets no max tokens


@dataclass(frozen=True)
class RunSize:
    answers: int
    prompt_tokens: int
    answer_tokens: int
    answer_tokens_capped: bool  # every card has max tokens: answer tokens are an upper bound
    cost: float | None  # dollars for the priced cards; None: no card has a known price
    unpriced: int  # cards without a known price (not in ``cost``)

    @property
    def label(self) -> str:
        """ "12 answers · ≈ 3,456 tokens · ≈ $0.0123" """
        tokens = self.prompt_tokens + self.answer_tokens
        bound = "≤" if self.answer_tokens_capped else "≈"
        text = f"{self.answers:,} answers · {bound} {tokens:,} tokens"
        text += f" ({self.prompt_tokens:,} in, {self.answer_tokens:,} out)"
        if self.cost is not None:
            text += f" · {bound} ${self.cost:,.4f}"
            if self.unpriced:
                text += f" (+ {self.unpriced} card{'s' if self.unpriced > 1 else ''} unpriced)"
        else:
            text += " · cost unknown"
        return text


def _cost(target: Target | str, model: str, tokens_in: int, tokens_out: int) -> float | None:
    if not isinstance(target, Target):
        return None
    pricing = target.pricing
    if pricing.price is not None:
        price = pricing.price
        return (tokens_in * price.input_per_mtok + tokens_out * price.output_per_mtok) / 1e6
    if pricing.gpu_hour is not None:
        return None  # charged by time, which is not known before
    return listed_cost(model, target.base_url, tokens_in, tokens_out)


def run_size(
    rows: Sequence[RunRow],
    columns: Sequence[tuple[CardConfig, Target | str]],
    runs: int,
) -> RunSize:
    """The size of asking every row ``runs`` times of each column (its config and where
    it would send, or why it cannot)."""
    user_tokens = [estimate_tokens([{"role": "user", "content": r.prompt}]) for r in rows]
    per_run_prompts = sum(user_tokens)
    prompt_total = answer_total = 0
    capped = True
    cost: float | None = None
    unpriced = 0
    for config, target in columns:
        system = config.settings.system_prompt.strip()
        framing = estimate_tokens([{"role": "system", "content": system}]) if system else 0
        tokens_in = (per_run_prompts + framing * len(rows)) * runs
        limit = config.settings.max_tokens or (
            target.max_tokens if isinstance(target, Target) else None
        )
        capped = capped and limit is not None
        tokens_out = (limit or TYPICAL_ANSWER_TOKENS) * len(rows) * runs
        prompt_total += tokens_in
        answer_total += tokens_out
        model = target.model if isinstance(target, Target) else ""
        dollars = _cost(target, model, tokens_in, tokens_out)
        if dollars is None:
            unpriced += 1
        else:
            cost = (cost or 0.0) + dollars
    return RunSize(
        len(rows) * len(columns) * runs,
        prompt_total,
        answer_total,
        capped and bool(columns),
        cost,
        unpriced,
    )
