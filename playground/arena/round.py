"""A blind round: who the cards are, in which order and under which label, and what
each card may show while its identity is hidden.

Every place that draws a card asks ``what_card_shows``; nothing else decides
whether a model's name may appear.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from playground.workspace.types import CUSTOM, Card, Workspace, new_id

HIDDEN = "[hidden]"  # what replaces a contestant's name in anything a blind card draws
MIN_CARDS = 2


@dataclass(frozen=True, order=True)
class Contestant:
    """A model as the leaderboard knows it: the endpoint it was reached on and its id."""

    endpoint: str
    model: str

    @property
    def key(self) -> str:
        return f"{self.model} · {self.endpoint}"


def contestant_of(card: Card, endpoint_label: str | None = None) -> Contestant | None:
    """Who the card talks to; None when it has no model yet.

    ``endpoint_label`` is how its endpoint is named (a Backend.AI endpoint's name);
    a Custom card is named by its baseURL (kept without credentials).
    """
    config = card.config
    if config.model == CUSTOM:
        model = config.custom.model_id.strip()
        base = config.custom.base_url.strip()
        return Contestant(base or CUSTOM, model) if model else None
    if not config.model:
        return None
    return Contestant(endpoint_label or config.endpoint or "", config.model)


@dataclass
class BlindRound:
    """The session's blind comparison: on or off, the current round, its vote."""

    on: bool = False
    round_id: str = ""
    rounds: int = 0  # rounds started in this session
    labels: dict[str, str] = field(default_factory=dict)  # card id -> "A", "B", ...
    # Drawing the cards' models at random from a pool the person picked.
    draw: bool = False
    pool: list[Contestant] = field(default_factory=list)
    vote_id: str | None = None  # the round's vote, once cast: identities are revealed
    verdict: str | None = None  # what the vote said ("A is better")
    problem: str | None = None  # why the round could not start as asked

    @property
    def voted(self) -> bool:
        return self.vote_id is not None or self.verdict is not None

    @property
    def hiding(self) -> bool:
        """A round runs and has no vote yet: nothing may name a model, an endpoint or
        say which card is which (on any page, in any caption, key or address)."""
        return self.on and not self.voted

    def label(self, card_id: str) -> str:
        return self.labels.get(card_id, "?")


def letters(count: int) -> list[str]:
    """ "A", "B", ... (then "AA", "AB", ... past 26 cards)."""
    out = []
    for index in range(count):
        name, index = "", index + 1
        while index:
            index, rest = divmod(index - 1, 26)
            name = string.ascii_uppercase[rest] + name
        out.append(name)
    return out


def shuffle_cards(cards: list[Card], rng: random.Random) -> dict[str, str]:
    """Shuffle the cards in place and label them A, B, ... in their new order."""
    rng.shuffle(cards)
    return label_cards(cards)


def label_cards(cards: Sequence[Card]) -> dict[str, str]:
    """Card id -> "A", "B", ... in the cards' order."""
    return dict(zip([c.id for c in cards], letters(len(cards)), strict=True))


def resume(state: BlindRound, workspace: Workspace) -> None:
    """A workspace was opened: a saved blind round (``Workspace.blind_round``) goes on
    blind, its cards labelled in their saved (shuffled) order; any other workspace
    ends the session's round."""
    if workspace.blind_round is None:
        if state.on:
            state.on, state.labels = False, {}
        return
    state.on = True
    state.round_id = workspace.blind_round
    state.rounds += 1
    state.labels = label_cards(workspace.cards)
    state.vote_id = state.verdict = state.problem = None


def draw_models(
    pool: Sequence[Contestant], count: int, rng: random.Random
) -> list[Contestant] | str:
    """``count`` different models from the pool, at random; or why not."""
    unique = sorted(set(pool))
    if len(unique) < count:
        return (
            f"Pick at least {count} models for the pool ({count} cards), "
            f"or turn off drawing at random; {len(unique)} picked."
        )
    return rng.sample(unique, count)


# -- what a card may show ---------------------------------------------------------
@dataclass(frozen=True)
class CardShows:
    """What one card may draw. ``hide`` every outside string drawn in it."""

    title: str | None = None  # "Model A" while blind; None: the usual title
    selectors: bool = True  # Endpoint, Model, Custom fields
    menus: bool = True  # Settings, More, "x"
    summary: bool = True  # the settings summary under the title
    metrics: bool = True  # timing figures (a fast model gives itself away)
    reveal: str | None = None  # after the vote: who this card was
    hidden: tuple[str, ...] = ()  # names masked in answers, reasoning, errors

    @property
    def blind(self) -> bool:
        return self.title is not None

    def hide(self, text: str) -> str:
        return mask(text, self.hidden)


OPEN = CardShows()


def identity_strings(
    contestants: Iterable[Contestant | None], extra: Iterable[str] = ()
) -> tuple[str, ...]:
    """Every string that names one of these models or endpoints, longest first."""
    names: set[str] = {e.strip() for e in extra if e and e.strip()}
    for who in contestants:
        if who is not None:
            names.update(n.strip() for n in (who.endpoint, who.model) if n and n.strip())
            if "/" in who.model:  # "org/model": the short name too
                names.add(who.model.rsplit("/", 1)[-1])
    names.discard(CUSTOM)
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def mask(text: str, hidden: Sequence[str]) -> str:
    """``text`` with every ``hidden`` name replaced by ``HIDDEN`` (case-insensitive).

    A short name (under 4 characters) is replaced only as a whole word.
    """
    if not text or not hidden:
        return text
    parts = [
        re.escape(n) if len(n) >= 4 else rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])"
        for n in hidden
    ]
    return re.sub("|".join(parts), HIDDEN, text, flags=re.IGNORECASE)


def what_card_shows(
    state: BlindRound,
    card_id: str,
    contestants: dict[str, Contestant | None],
    extra_names: Iterable[str] = (),
) -> CardShows:
    """What the card may draw: everything when blind comparison is off; while a round
    is unvoted, a label and the answers with every contestant's name masked; after the
    vote, the label and who it was (its selectors stay hidden until the round ends).

    ``contestants`` are every card of the round (card id -> who); ``extra_names`` are
    further names to mask (the pool, the endpoints' own names).
    """
    if not state.on:
        return OPEN
    title = f"Model {state.label(card_id)}"
    if state.voted:
        who = contestants.get(card_id)
        return CardShows(
            title=title,
            selectors=False,
            menus=False,
            reveal=f"{title} was {who.model} on {who.endpoint}" if who else f"{title}: no model",
        )
    pool = [*contestants.values(), *state.pool]
    return CardShows(
        title=title,
        selectors=False,
        menus=False,
        summary=False,
        metrics=False,
        hidden=identity_strings(pool, extra_names),
    )


def answered_prompt(cards: Sequence[Card]) -> str | None:
    """The prompt every card has answered (the same last prompt, each answer done with
    text or tool calls, after any tool rounds), or None while one is missing, streaming
    or failed."""
    prompts = set()
    for card in cards:
        prompt = card.last_prompt()
        if card.is_streaming or prompt is None or prompt is card.messages[-1]:
            return None
        answer = card.messages[-1]
        if answer.status != "done" or not (answer.content.strip() or answer.tool_calls):
            return None
        prompts.add(prompt.content)
    return prompts.pop() if len(prompts) == 1 else None


def can_vote(state: BlindRound, cards: Sequence[Card]) -> bool:
    """A vote is open in a blind, unvoted round of 2+ cards once every card answered."""
    return (
        state.on
        and not state.voted
        and len(cards) >= MIN_CARDS
        and all(c.id in state.labels for c in cards)
        and answered_prompt(cards) is not None
    )


def new_round_id() -> str:
    return new_id()
