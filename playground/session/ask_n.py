"""Ask N times: N answers to one prompt at once, on a card or every card (Sync Input).

- ``run_size``: what a run would ask before it starts: answers, estimated tokens in
  and out, and the cost by each card's pricing (where it has one).
- ``ask``: sends it (``commands.send`` with ``runs``), or holds it as the session's
  ``pending_ask`` when it asks more answers than ``[limits] confirm_answers_over``;
  ``confirm_ask`` / ``cancel_ask`` answer that question.
- ``keep``: the answer of tab ``run`` becomes the one the conversation goes on from.

Not in a blind round: N answers side by side show one card's spread, and a kept answer
chosen among them is a choice the vote would not see (the round asks for one answer per
model, drawn the same way for every model). The page draws no "Ask N times" then, and
``ask`` refuses with a notice holding the prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playground.chat.metrics import Metrics
from playground.chat.runs import agreement, kept_as, mean_similarity, ordered
from playground.config.bounded import Done, Evaluator, default_evaluator
from playground.config.limits import EVAL_DIFF_SECONDS, MAX_RUNS_PER_PROMPT
from playground.costs.tokens import estimate_text, estimate_tokens
from playground.endpoints.targets import resolve_target
from playground.errors import PlaygroundError
from playground.session import commands
from playground.session.services import Services
from playground.session.session import PendingAsk, Session
from playground.workspace.types import Card, Message

# Tokens out per answer when the card sets no max tokens and has no answer to go by.
DEFAULT_OUTPUT_TOKENS = 500


@dataclass(frozen=True)
class RunSize:
    answers: int
    input_tokens: int  # estimated, all answers together
    output_tokens: int  # estimated (max tokens, or the card's answers so far)
    cost_usd: float | None  # the cards with a price (None: none has one)
    unpriced: int  # cards without a price

    def summary(self) -> str:
        """ "10 answers · ≈ 1,200 tokens in, ≈ 5,000 out · ≈ $0.0123"."""
        text = (
            f"{self.answers} answers · ≈ {self.input_tokens:,} tokens in, "
            f"≈ {self.output_tokens:,} out"
        )
        if self.cost_usd is not None:
            text += f" · ≈ ${self.cost_usd:.4f}"
        if self.unpriced:
            text += f" · no price for {self.unpriced} card" + ("s" if self.unpriced > 1 else "")
        return text


def _output_tokens(card: Card) -> int:
    if card.config.settings.max_tokens is not None:
        return card.config.settings.max_tokens
    seen = [
        m.metrics.output_tokens
        for m in card.messages
        if m.role == "assistant" and m.metrics is not None and m.metrics.output_tokens
    ]
    return round(sum(seen) / len(seen)) if seen else DEFAULT_OUTPUT_TOKENS


def _card_cost(session: Session, services: Services, card: Card, metrics: Metrics) -> float | None:
    loaded = services.config()
    try:
        target = resolve_target(
            card.config,
            services.catalog(),
            session.runtime(card.id).token_value,
            allow_custom=loaded.security.allow_custom_endpoints,
            egress=loaded.security.policy(),
        )
    except PlaygroundError:
        return None
    priced = target.cost(metrics)
    return None if priced is None else priced[0]


def run_size(
    session: Session, services: Services, card_ids: Sequence[str], prompt: str, runs: int
) -> RunSize:
    """What asking ``prompt`` ``runs`` times of each card would take (estimates)."""
    cards = [c for c in (session.card(i) for i in card_ids) if c is not None]
    tokens_in = tokens_out = 0
    cost: float | None = None
    unpriced = 0
    for card in cards:
        one_in = estimate_tokens(card.history_for_request()) + estimate_text(prompt)
        one_out = _output_tokens(card)
        tokens_in, tokens_out = tokens_in + one_in * runs, tokens_out + one_out * runs
        metrics = Metrics(input_tokens=one_in, output_tokens=one_out)
        one_cost = _card_cost(session, services, card, metrics)
        if one_cost is None:
            unpriced += 1
        else:
            cost = (cost or 0.0) + one_cost * runs
    return RunSize(len(cards) * runs, tokens_in, tokens_out, cost, unpriced)


def ask(
    session: Session,
    services: Services,
    card_ids: Sequence[str],
    prompt: object,
    files: Sequence[tuple[str, bytes]] = (),
    runs: int = 1,
) -> None:
    """Send ``prompt`` to each card ``runs`` times at once (1: an ordinary send)."""
    text = prompt if isinstance(prompt, str) else ""
    if runs <= 1:
        commands.send(session, services, list(card_ids), prompt, files)
        return
    held = f" Your prompt:\n{text}" if text.strip() else ""
    if runs > MAX_RUNS_PER_PROMPT:
        session.notices.append(f"Not sent: ask at most {MAX_RUNS_PER_PROMPT} times.{held}")
        return
    if session.arena.hiding:
        session.notices.append(f"Not sent: Ask N times is off during a blind round.{held}")
        return
    size = run_size(session, services, card_ids, text, runs)
    if size.answers > services.config().limits.confirm_answers_over:
        session.pending_ask = PendingAsk(tuple(card_ids), text, tuple(files), runs, size.summary())
        return
    commands.send(session, services, list(card_ids), prompt, files, runs=runs)


def confirm_ask(session: Session, services: Services) -> None:
    """Yes to the held run: it is sent as it was asked."""
    pending, session.pending_ask = session.pending_ask, None
    if pending is not None:
        ids = list(pending.card_ids)
        commands.send(session, services, ids, pending.prompt, pending.files, runs=pending.runs)


def cancel_ask(session: Session) -> None:
    """No to the held run: nothing is sent; a notice holds the prompt."""
    pending, session.pending_ask = session.pending_ask, None
    if pending is not None and pending.prompt.strip():
        session.notices.append(f"Not sent. Your prompt:\n{pending.prompt}")


def keep(session: Session, card_id: str, run: int) -> bool:
    """Make tab ``run`` of the card's last answer the kept one (the next request's history
    holds it); False when there is no such answer or one of them still streams."""
    card = session.card(card_id)
    if card is None or not card.messages or card.is_streaming:
        return False
    swapped = kept_as(card.messages[-1], run)
    if swapped is None:
        return False
    card.messages[-1] = swapped
    return True


def _compared(answer: Message) -> str:
    """An answer's text, then each call it made as ``name(arguments)`` (as received)."""
    return answer.content + "".join(f"\n{c.name}({c.arguments})" for c in answer.tool_calls)


def agreement_line(answer: Message, evaluator: Evaluator | None = None) -> str:
    """ "4 of 5 agree · similarity 91%" for an answer asked N times ("" when it was not).

    The similarity is worked out in the bounded evaluator (``runs.mean_similarity``):
    it is pure Python over every pair, seconds for long answers; past its time limit
    the line says so."""
    answers = ordered(answer)
    if len(answers) < 2:
        return ""
    texts = tuple(_compared(m) for m in answers)
    found = agreement(texts)
    if found.agree == found.answers:
        return found.summary(None)
    result = (evaluator or default_evaluator()).cached_call(
        mean_similarity, texts, seconds=EVAL_DIFF_SECONDS
    )
    if isinstance(result, Done):
        return found.summary(result.value)
    return f"{found.summary(None)} · similarity not worked out: it {result.message}"
