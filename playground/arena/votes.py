"""A vote and the pairwise comparisons it makes.

With two cards a vote is one of ``a`` ("A is better"), ``b``, ``tie`` or ``bothbad``
("Both are bad"). With more cards it is ``best`` (one label) and, optionally, the
worst. Each vote becomes comparisons between pairs of models:

- ``a`` / ``b``: the better one beats the other;
- ``tie``: a tie (half a win each, as Chatbot Arena counts it);
- ``bothbad``: a tie too, by default (Chatbot Arena's "tie (bothbad)"): neither
  gained on the other; the leaderboard can leave these votes out instead;
- ``best``: the best beats every other card; with a worst, every other card also
  beats the worst. Cards in the middle are not compared with each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playground.arena.round import Contestant
from playground.config.limits import MAX_VOTE_COMMENT_CHARS, MAX_VOTE_TAG_CHARS
from playground.workspace.types import SamplingSettings

Kind = Literal["a", "b", "tie", "bothbad", "best"]
TWO_CARD_KINDS: dict[str, str] = {
    "a": "A is better",
    "b": "B is better",
    "tie": "Tie",
    "bothbad": "Both are bad",
}
TAGS = ("coding", "writing", "reasoning", "math", "knowledge", "chat", "other")


class Outcome(BaseModel):
    """What the person chose."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    best: str | None = None  # a label, for ``best``
    worst: str | None = None  # a label, optional, for ``best``

    @model_validator(mode="after")
    def _check(self) -> Outcome:
        if self.kind == "best":
            if not self.best:
                raise ValueError("Pick the best answer.")
            if self.worst == self.best:
                raise ValueError("The best and the worst answer must differ.")
        elif self.best is not None or self.worst is not None:
            raise ValueError("Best and worst are for votes on three or more cards.")
        return self

    def describe(self) -> str:
        if self.kind != "best":
            return TWO_CARD_KINDS[self.kind]
        worst = f", worst: {self.worst}" if self.worst else ""
        return f"Best: {self.best}{worst}"


class Entry(BaseModel):
    """One card of a voted round: who it was and what it said."""

    model_config = ConfigDict(extra="forbid")

    label: str
    endpoint: str
    model: str
    settings: SamplingSettings = Field(default_factory=SamplingSettings)
    answer: str = ""
    history: list[dict[str, str]] = Field(default_factory=list)  # earlier turns (role, content)
    cost_usd: float | None = Field(default=None, ge=0)  # the answer's, when its price is known
    cost_estimated: bool = False  # that cost rests on estimated token counts

    @property
    def contestant(self) -> Contestant:
        return Contestant(self.endpoint, self.model)


class VoteRecord(BaseModel):
    """A stored vote."""

    model_config = ConfigDict(extra="forbid")

    id: str
    created_at: dt.datetime  # aware, UTC
    voter: str | None = None  # the signed-in person, None without sign-in
    round_id: str = ""
    outcome: Outcome
    tag: str | None = Field(default=None, max_length=MAX_VOTE_TAG_CHARS)
    comment: str = Field(default="", max_length=MAX_VOTE_COMMENT_CHARS)
    prompt: str
    entries: list[Entry]

    @model_validator(mode="after")
    def _labels(self) -> VoteRecord:
        labels = [e.label for e in self.entries]
        if len(labels) < 2 or len(set(labels)) != len(labels):
            raise ValueError("A vote needs two or more cards with different labels.")
        if self.outcome.kind == "best":
            if self.outcome.best not in labels or self.outcome.worst not in (None, *labels):
                raise ValueError("The best or worst answer is not one of the cards.")
        elif len(labels) != 2:
            raise ValueError("A, B, Tie and Both are bad are for votes on two cards.")
        return self

    def entry(self, label: str) -> Entry:
        return next(e for e in self.entries if e.label == label)


@dataclass(frozen=True)
class Comparison:
    """One pair from a vote: ``first`` beat ``second``, or they tied."""

    first: Contestant
    second: Contestant
    tie: bool = False
    both_bad: bool = False


def label_pairs(record: VoteRecord) -> list[tuple[str, str, bool]]:
    """(first, second, tie) by label: the pairs a vote makes (see the module's docstring)."""
    out = record.outcome
    a, b = record.entries[0].label, record.entries[1].label
    if out.kind == "a":
        return [(a, b, False)]
    if out.kind == "b":
        return [(b, a, False)]
    if out.kind in ("tie", "bothbad"):
        return [(a, b, True)]
    labels = [e.label for e in record.entries]
    pairs = [(out.best, other, False) for other in labels if other != out.best]
    if out.worst:
        pairs += [
            (other, out.worst, False) for other in labels if other not in (out.best, out.worst)
        ]
    return [(str(first), str(second), tie) for first, second, tie in pairs]


def comparisons(record: VoteRecord) -> list[Comparison]:
    """The pairs of models a vote compares (a model compared with itself is left out)."""
    both_bad = record.outcome.kind == "bothbad"
    out = []
    for first, second, tie in label_pairs(record):
        one, other = record.entry(first).contestant, record.entry(second).contestant
        if one != other:
            out.append(Comparison(one, other, tie=tie, both_bad=both_bad))
    return out


def preferences(record: VoteRecord) -> list[tuple[Entry, Entry]]:
    """(chosen, rejected) answers for fine-tuning: every strict win of the vote."""
    return [
        (record.entry(first), record.entry(second))
        for first, second, tie in label_pairs(record)
        if not tie
    ]
