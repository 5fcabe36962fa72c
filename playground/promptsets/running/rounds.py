"""A prompt-set cell's tool exchange, run to a final answer with mock results.

With "Answer tool calls with mock results" on for a run (``RunSpec.mock_results``), an
answer that ends with calls gets each answerable call's mock result
(``tools.mocks.mock_results``, the card's mocks as they were when the run started), is
sent back as the API specifies (the assistant message with its ``tool_calls``, then one
``tool`` message per call: ``tools.calls.api_messages``) and the model answers again, as
a chat card does (``session.tool_rounds``). At most ``MAX_TOOL_ROUNDS`` rounds: a model
that still calls after them is stopped, its last answer an error that says so.

Figures add up over the rounds (``summed``): tokens, cost and time are the exchange's;
the first token is the first answer's; tokens per second run over the whole exchange.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.chat.metrics import Metrics
from playground.chat.tools.calls import api_messages
from playground.chat.tools.mocks import ToolMock, mock_results, rounds_exceeded
from playground.config.limits import MAX_TOOL_ROUNDS
from playground.promptsets.records import ToolRound
from playground.workspace.types import Message

# Streams one answer to a history (the runner's, holding the endpoint's gate; Stop ends it).
Stream = Callable[[list[dict[str, Any]]], Message]
AGAIN = "Retry failed asks it again from the prompt."


@dataclass(frozen=True)
class Exchange:
    answer: Message  # the final answer (done, failed, stopped, or stopped at the bound)
    rounds: list[ToolRound]  # the answers before it, their calls with the results sent


def _total(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _count(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def summed(figures: list[Metrics | None]) -> Metrics | None:
    """One answer's figures for the whole exchange: times, tokens and cost added up."""
    known = [m for m in figures if m is not None]
    if not known:
        return None
    first, last = known[0], known[-1]
    before = _total([m.total_s for m in known[:-1]]) or 0.0
    return Metrics(
        ttft_s=first.ttft_s,
        last_token_s=before + last.last_token_s if last.last_token_s is not None else None,
        total_s=_total([m.total_s for m in known]),
        output_tokens=_count([m.output_tokens for m in known]),
        tokens_estimated=any(m.tokens_estimated for m in known),
        input_tokens=_count([m.input_tokens for m in known]),
        cost_usd=_total([m.cost_usd for m in known]),
        cost_estimated=any(m.cost_estimated for m in known),
    )


def run_exchange(
    stream: Stream,
    history: list[dict[str, Any]],
    mocks: dict[str, ToolMock] | None,
    max_rounds: int = MAX_TOOL_ROUNDS,
) -> Exchange:
    """Stream the answer to ``history``; with ``mocks`` (None: mock results off), answer
    its calls with them and stream again until an answer calls nothing, fails or is
    stopped, or ``max_rounds`` rounds have been answered."""
    answer = stream(history)
    rounds: list[ToolRound] = []
    figures = [answer.metrics]
    while mocks is not None and answer.status == "done":
        calls = answer.tool_calls
        if not any(call.answerable for call in calls):
            break
        if len(rounds) >= max_rounds:
            answer.status, answer.error = "error", rounds_exceeded(max_rounds, AGAIN)
            break
        results = mock_results(mocks, calls)
        for call in calls:
            call.result = results.get(call.id) if call.answerable else None
        rounds.append(ToolRound(text=answer.content, tool_calls=calls))
        history = [*history, *api_messages("assistant", answer.content, calls)]
        answer = stream(history)
        figures.append(answer.metrics)
    if rounds:
        answer.metrics = summed(figures)
    return Exchange(answer, rounds)
