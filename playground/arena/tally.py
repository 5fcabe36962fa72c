"""``Tally``: votes counted by what they compare, the leaderboard's only input.

Votes that make the same comparisons (the same pairs, the same winners, the same
ties) weigh the same in every figure of the leaderboard, so they are kept as one
``Group`` with a count. The store counts them in SQL (``VoteStore.tally``: a GROUP BY
over the ``pattern`` key each vote carries, see ``encode`` and ``key_of``); ``tally_of``
counts the same from vote objects. Ratings, bootstrap intervals, wins/losses/ties and the
win-rate matrix (``playground.arena.ratings``) are computed from the groups, so their
cost grows with the number of distinct comparisons, not of votes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from playground.arena.round import Contestant
from playground.arena.votes import Comparison, VoteRecord, comparisons
from playground.costs.pricing import Cost

BothBad = Literal["tie", "drop"]


@dataclass(frozen=True)
class Group:
    """``count`` votes that each made these comparisons (sorted; a vote's whole set)."""

    pairs: tuple[Comparison, ...]
    count: int

    @cached_property
    def both_bad(self) -> bool:
        return any(p.both_bad for p in self.pairs)

    @cached_property
    def models(self) -> frozenset[Contestant]:
        return frozenset(m for p in self.pairs for m in (p.first, p.second))


@dataclass(frozen=True)
class Tally:
    """The votes of a filter: their groups, each model's mean cost per voted answer (over
    the answers whose price was known; a model with none is absent), how many votes and
    how many signed-in voters."""

    groups: tuple[Group, ...] = ()
    costs: dict[Contestant, Cost] = field(default_factory=dict)
    votes: int = 0
    voters: int = 0

    def kept(self, both_bad: BothBad = "tie") -> list[Group]:
        """The groups counted: with ``both_bad="drop"`` the "Both are bad" votes are out."""
        return [g for g in self.groups if not (both_bad == "drop" and g.both_bad)]


def pattern(record: VoteRecord) -> tuple[Comparison, ...]:
    """A vote's comparisons in a canonical order (votes that compare alike are equal)."""
    return tuple(sorted(comparisons(record), key=_order))


def _order(p: Comparison) -> tuple[str, str, str, str, bool]:
    return (p.first.endpoint, p.first.model, p.second.endpoint, p.second.model, p.tie)


def encode(pairs: Sequence[Comparison]) -> str:
    """The ``pairs`` column of a vote: JSON ``[[e1, m1, e2, m2, tie, both_bad], ...]``."""
    return json.dumps(
        [[*_order(p), p.both_bad] for p in pairs], ensure_ascii=False, separators=(",", ":")
    )


def key_of(pairs_text: str) -> str:
    """The ``pattern`` column of a vote: a short hash of its ``encode``d comparisons."""
    return hashlib.blake2b(pairs_text.encode("utf-8"), digest_size=16).hexdigest()


def decode(text: str) -> tuple[Comparison, ...]:
    """The comparisons of a ``pairs`` column (``encode``'s inverse)."""
    return tuple(
        Comparison(Contestant(e1, m1), Contestant(e2, m2), tie=bool(tie), both_bad=bool(bad))
        for e1, m1, e2, m2, tie, bad in json.loads(text)
    )


def grouped(patterns: Iterable[tuple[tuple[Comparison, ...], int]]) -> tuple[Group, ...]:
    """Groups of (comparisons, count) rows, in a fixed order; votes comparing nothing
    (a model against itself) are left out, as they rate nobody."""
    counts: Counter[tuple[Comparison, ...]] = Counter()
    for pairs, count in patterns:
        if pairs:
            counts[pairs] += count
    return tuple(Group(pairs, n) for pairs, n in sorted(counts.items(), key=lambda i: encode(i[0])))


def mean_costs(sums: Iterable[tuple[Contestant, float, int, bool]]) -> dict[Contestant, Cost]:
    """Mean costs from (model, sum of costs, answers with a cost, any estimated) rows."""
    return {model: Cost(total / n, estimated) for model, total, n, estimated in sums if n}


def tally_of(records: Sequence[VoteRecord]) -> Tally:
    """The tally of vote objects (what ``VoteStore.tally`` counts in SQL)."""
    paid: dict[Contestant, list[float]] = {}
    estimated: set[Contestant] = set()
    for record in records:
        for entry in record.entries:
            if entry.cost_usd is not None:
                paid.setdefault(entry.contestant, []).append(entry.cost_usd)
                if entry.cost_estimated:
                    estimated.add(entry.contestant)
    return Tally(
        grouped((pattern(r), 1) for r in records),
        mean_costs((m, sum(c), len(c), m in estimated) for m, c in paid.items()),
        votes=len(records),
        voters=len({r.voter for r in records if r.voter is not None}),
    )
