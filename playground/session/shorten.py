"""A conversation longer than the model's context: say so, and offer to shorten it.

llama.cpp's server answers such a request with 200 and an empty stream; others
answer 400 ``context_length_exceeded``. Retry cannot help either way: the card
offers "Drop oldest turns and retry" (``drop_oldest_turns``) and Delete Chat
History instead.
"""

from __future__ import annotations

from playground.errors import ContextTooLong, EmptyStream
from playground.session import commands
from playground.session.services import Services
from playground.session.session import Session
from playground.workspace.types import Card


def may_be_too_long(session: Session, card_id: str) -> bool:
    """Whether the card's last answer failed in a way that says the conversation may not
    fit the model's context (a 400 saying so, or llama.cpp's 200 with an empty stream):
    then Retry cannot help, but clearing or shortening the history can."""
    card = session.card(card_id)
    job = session.job(card_id)
    return (
        card is not None
        and commands.can_retry(card)
        and job is not None
        and job.message is card.messages[-1]
        and isinstance(job.failure, ContextTooLong | EmptyStream)
    )


def earlier_turns(card: Card) -> int:
    """How many turns (a prompt and its answers) come before the card's last prompt."""
    return max(0, sum(1 for m in card.messages if m.role == "user") - 1)


def drop_oldest_turns(session: Session, services: Services, card_id: str) -> int:
    """Drop the oldest half (at least one) of the turns before the last prompt, then
    answer it again; how many turns were dropped (0: the last prompt is all there is)."""
    card = session.card(card_id)
    if card is None or card.is_streaming:
        return 0
    earlier = earlier_turns(card)
    if earlier == 0:
        return 0
    drop = (earlier + 1) // 2
    starts = [i for i, m in enumerate(card.messages) if m.role == "user"]
    del card.messages[: starts[drop]]
    commands.regenerate(session, services, card_id)
    return drop
