"""Blind comparison: turning it on and off, starting a round, voting, withdrawing a vote.

A round is one conversation: starting one (turning blind comparison on, or "New
round") lets go of the saved workspace (it stays in History), clears every card's
history, optionally draws the cards' models from the pool, shuffles the cards and
labels them A, B, ... Sync Input is on for the whole round. One vote per round, cast
while the identities are hidden; the vote reveals them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pydantic import ValidationError

from playground.arena.round import (
    MIN_CARDS,
    Contestant,
    answered_prompt,
    can_vote,
    contestant_of,
    draw_models,
    new_round_id,
    shuffle_cards,
)
from playground.arena.vote_store import VoteStore, new_vote_id
from playground.arena.votes import Entry, Outcome, VoteRecord
from playground.session.backendai import PREFIX as BACKENDAI_PREFIX
from playground.session.compare import last_answer
from playground.session.services import Services
from playground.session.session import Session
from playground.session.workspaces.history import history_scope
from playground.session.workspaces.saving import leave
from playground.store import StoreError
from playground.workspace.types import Card

_SYSTEM_RANDOM = random.SystemRandom()  # no state a person could predict the shuffle from


def _endpoint_label(session: Session, services: Services, card: Card) -> str | None:
    value = card.config.endpoint
    if value and value.startswith(BACKENDAI_PREFIX):
        seen = session.backendai_seen.get(value.removeprefix(BACKENDAI_PREFIX))
        return seen.name if seen is not None else value
    endpoint = services.catalog().get(value)
    return endpoint.label if endpoint is not None else value


def contestants(session: Session, services: Services) -> dict[str, Contestant | None]:
    """Who every card is (card id -> contestant; None: no model chosen)."""
    return {
        c.id: contestant_of(c, _endpoint_label(session, services, c))
        for c in session.workspace.cards
    }


def set_pool(session: Session, draw: bool, pool: list[Contestant]) -> None:
    """Draw the models at random from ``pool`` at each round's start (or not)."""
    session.arena.draw = draw
    session.arena.pool = list(pool)


def set_blind(
    session: Session, services: Services, on: bool, rng: random.Random | None = None
) -> bool:
    """The sidebar's "Blind comparison"; whether it is on now (a round that cannot
    start leaves it off, with ``arena.problem`` saying why)."""
    if not on:
        session.arena.on = False
        session.arena.labels = {}
        session.arena.problem = None
        session.workspace.blind_round = None  # its History entry names the models again
        return False
    if session.arena.on:
        return True
    return start_round(session, services, rng)


def start_round(session: Session, services: Services, rng: random.Random | None = None) -> bool:
    """Start a blind round (also "New round"); whether it started."""
    rng = rng or _SYSTEM_RANDOM
    state = session.arena
    cards = session.workspace.cards
    if len(cards) < MIN_CARDS:
        state.on, state.problem = False, "Blind comparison needs two or more cards."
        return False
    drawn: list[Contestant] = []
    if state.draw:
        result = draw_models(state.pool, len(cards), rng)
        if isinstance(result, str):
            state.on, state.problem = False, result
            return False
        drawn = result
    leave(session)  # the last round stays saved; this one is saved as a new workspace
    for card in cards:
        session.clear_history(card.id)
    for card, who in zip(cards, drawn, strict=False):
        card.config.endpoint, card.config.model = who.endpoint, who.model
        runtime = session.runtime(card.id)
        runtime.compare_hint = runtime.fell_back = False
        runtime.wanted_model = None
    session.renew_card_ids()
    state.labels = shuffle_cards(cards, rng)
    state.on = True
    state.round_id = session.workspace.blind_round = new_round_id()
    state.rounds += 1
    state.vote_id = state.verdict = state.problem = None
    session.workspace.sync_input = True
    return True


def vote_store(services: Services) -> VoteStore | StoreError:
    store = services.store()
    return store if isinstance(store, StoreError) else VoteStore(store)


def _entry(card: Card, label: str, who: Contestant | None) -> Entry:
    """One card's side of a vote: its answer is everything the model sent since the last
    prompt (texts, and tool calls as ``name(arguments)`` lines, over every tool round),
    its cost the sum of those rounds' costs."""
    since = max(i for i, m in enumerate(card.messages) if m.role == "user")
    earlier, exchange = card.messages[:since], card.messages[since + 1 :]
    paid = [m.metrics for m in exchange if m.metrics and m.metrics.cost_usd is not None]
    parts = last_answer(card) or ()
    return Entry(
        label=label,
        endpoint=who.endpoint if who else "",
        model=who.model if who else "",
        settings=card.config.settings.model_copy(deep=True),
        answer="\n".join(p if isinstance(p, str) else f"{p.name}({p.arguments})" for p in parts),
        history=[{"role": m.role, "content": m.content} for m in earlier if m.content],
        cost_usd=sum(m.cost_usd or 0.0 for m in paid) if paid else None,
        cost_estimated=any(m.cost_estimated for m in paid),
    )


def vote(
    session: Session,
    services: Services,
    outcome: Outcome,
    *,
    tag: str | None = None,
    comment: str = "",
    voter: str | None = None,
    now: dt.datetime | None = None,
) -> VoteRecord | str:
    """Cast the round's vote; the stored vote, or a message why not (nothing revealed)."""
    state = session.arena
    cards = session.workspace.cards
    if not can_vote(state, cards):
        if state.voted:
            return "This round has its vote: start a new round to vote again."
        return "Vote once every card has answered the same prompt in a blind round."
    who = contestants(session, services)
    try:
        record = VoteRecord(
            id=new_vote_id(),
            created_at=now or dt.datetime.now(dt.UTC),
            voter=voter,
            round_id=state.round_id,
            outcome=outcome,
            tag=(tag or "").strip().lower() or None,
            comment=comment.strip(),
            prompt=answered_prompt(cards) or "",
            entries=[_entry(c, state.label(c.id), who[c.id]) for c in cards],
        )
    except ValidationError as exc:
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    store = vote_store(services)
    if isinstance(store, StoreError):
        return f"The vote could not be stored: {store.message}"
    try:
        store.add(record)
    except StoreError as exc:
        return f"The vote could not be stored: {exc.message}"
    state.vote_id, state.verdict = record.id, outcome.describe()
    session.workspace.blind_round = None  # revealed: its link and History may name them
    return record


@dataclass(frozen=True)
class VoteScope:
    """What a visitor may do with stored votes besides seeing the leaderboard."""

    detail: bool  # see and export the votes (prompts and answers)
    voter: str | None  # whose votes they may withdraw (when ``detail``)


def vote_scope(user: str | None, shared: bool) -> VoteScope:
    """Signed in: the team's votes, withdrawing one's own. Not signed in: single-user
    mode sees everything and withdraws votes cast without sign-in; a shared
    deployment shows only the leaderboard."""
    scope = history_scope(user, shared)
    return VoteScope(scope.enabled, scope.owner)


def withdraw(session: Session, services: Services, vote_id: str, voter: str | None) -> bool:
    """Withdraw a vote cast by ``voter``; whether one was."""
    store = vote_store(services)
    if isinstance(store, StoreError):
        return False
    try:
        done = store.withdraw(vote_id, voter)
    except StoreError:
        return False
    if done and session.arena.vote_id == vote_id:
        session.arena.verdict = "withdrawn"
    return done


def pool_options(services: Services) -> list[Contestant]:
    """Every endpoint x model the pool may draw from: the models each configured endpoint
    lists (an endpoint with no base URL, such as Backend.AI's picker, has none)."""
    options = []
    for endpoint in services.catalog().endpoints:
        if endpoint.base_url:
            listed = services.models(endpoint, 0)
            options += [Contestant(endpoint.name, model) for model in listed.models]
    return options
