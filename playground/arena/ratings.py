"""Bradley–Terry ratings of the voted models, on an Elo-like scale, with bootstrap intervals.

The model: P(i beats j) = 1 / (1 + exp(θ_j − θ_i)). Strengths are fitted by choix's
iterative Luce spectral ranking (``choix.ilsr_pairwise_dense``: maximum likelihood,
with a small ``ALPHA`` so that a model that never lost keeps a finite rating), then
shown as ``BASE + SCALE · θ / ln 10``: 400 points is a 10:1 winning chance, as in Elo
and Chatbot Arena; the ratings average ``BASE``.

Counting (``playground.arena.votes``): a win is one win; a tie is half a win each;
"Both are bad" is a tie unless ``both_bad="drop"`` leaves those votes out. The 95 %
interval is the 2.5th to 97.5th percentile of the ratings fitted on ``rounds`` votes
resampled with replacement (whole votes, so the pairs of one vote stay together).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import choix
import numpy as np

from playground.arena.round import Contestant
from playground.arena.votes import Comparison, Entry, VoteRecord, comparisons
from playground.pricing import Cost

BASE = 1000.0
SCALE = 400.0
ALPHA = 0.01  # choix's regularization: finite ratings for a model that never lost
ROUNDS = 1000
BothBad = Literal["tie", "drop"]


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard."""

    model: Contestant
    rating: float
    low: float  # 95 % bootstrap interval
    high: float
    votes: int  # votes it took part in
    wins: int
    losses: int
    ties: int  # "Both are bad" included, when counted as ties
    cost_per_answer: Cost | None = None  # mean over its voted answers that had a price


@dataclass(frozen=True)
class WinRate:
    """How often ``row`` beat ``column`` in their direct comparisons (ties: half)."""

    row: Contestant
    column: Contestant
    rate: float
    games: int


def vote_pairs(records: Sequence[VoteRecord], both_bad: BothBad = "tie") -> list[list[Comparison]]:
    """Each vote's comparisons; with ``both_bad="drop"`` those votes are left out."""
    out = []
    for record in records:
        pairs = comparisons(record)
        if both_bad == "drop":
            pairs = [p for p in pairs if not p.both_bad]
        if pairs:
            out.append(pairs)
    return out


def _models(votes: Sequence[Sequence[Comparison]]) -> list[Contestant]:
    return sorted({m for pairs in votes for p in pairs for m in (p.first, p.second)})


def _entries(
    votes: Sequence[Sequence[Comparison]], index: dict[Contestant, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(vote, winner, loser, weight) arrays: a win weighs 1, a tie 0.5 each way."""
    rows: list[tuple[int, int, int, float]] = []
    for v, pairs in enumerate(votes):
        for p in pairs:
            i, j = index[p.first], index[p.second]
            if p.tie:
                rows += [(v, i, j, 0.5), (v, j, i, 0.5)]
            else:
                rows.append((v, i, j, 1.0))
    a = np.array(rows, dtype=float).reshape(-1, 4)
    return a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3]


def _fit(n: int, winner: np.ndarray, loser: np.ndarray, weight: np.ndarray) -> np.ndarray:
    wins = np.zeros((n, n))
    np.add.at(wins, (winner, loser), weight)
    return choix.ilsr_pairwise_dense(wins, alpha=ALPHA)


def to_scale(theta: np.ndarray) -> np.ndarray:
    """Strengths (natural log odds) on the Elo-like scale, averaging ``BASE``."""
    centered = theta - theta.mean()
    return BASE + SCALE * centered / math.log(10)


def fit_ratings(votes: Sequence[Sequence[Comparison]]) -> dict[Contestant, float]:
    """The Bradley–Terry rating of every model in the votes."""
    models = _models(votes)
    if len(models) < 2:
        return {}
    index = {m: i for i, m in enumerate(models)}
    _, winner, loser, weight = _entries(votes, index)
    return dict(
        zip(models, to_scale(_fit(len(models), winner, loser, weight)).tolist(), strict=True)
    )


def bootstrap(
    votes: Sequence[Sequence[Comparison]], rounds: int = ROUNDS, seed: int = 0
) -> dict[Contestant, np.ndarray]:
    """Each model's ratings over ``rounds`` resamples of the votes (``rng.integers``
    of ``default_rng(seed)``: one row of vote indices per round)."""
    models = _models(votes)
    if len(models) < 2 or rounds < 1:
        return {}
    index = {m: i for i, m in enumerate(models)}
    vote, winner, loser, weight = _entries(votes, index)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(votes), size=(rounds, len(votes)))
    out = np.empty((rounds, len(models)))
    for r in range(rounds):
        times = np.bincount(draws[r], minlength=len(votes))[vote]
        out[r] = to_scale(_fit(len(models), winner, loser, weight * times))
    return {m: out[:, i] for m, i in index.items()}


def standings(
    records: Sequence[VoteRecord],
    both_bad: BothBad = "tie",
    rounds: int = ROUNDS,
    seed: int = 0,
) -> list[Standing]:
    """The leaderboard, best first."""
    votes = vote_pairs(records, both_bad)
    ratings = fit_ratings(votes)
    samples = bootstrap(votes, rounds, seed)
    counts: dict[Contestant, list[int]] = {m: [0, 0, 0, 0] for m in ratings}
    costs = mean_costs(records)
    for pairs in votes:
        for model in {m for p in pairs for m in (p.first, p.second)}:
            counts[model][0] += 1
        for p in pairs:
            if p.tie:
                counts[p.first][3] += 1
                counts[p.second][3] += 1
            else:
                counts[p.first][1] += 1
                counts[p.second][2] += 1
    rows = []
    for model, rating in ratings.items():
        low, high = (
            np.percentile(samples[model], [2.5, 97.5]) if model in samples else (rating, rating)
        )
        n, w, lost, t = counts[model]
        cost = costs.get(model)
        rows.append(Standing(model, rating, float(low), float(high), n, w, lost, t, cost))
    return sorted(rows, key=lambda s: (-s.rating, s.model))


def mean_costs(records: Sequence[VoteRecord]) -> dict[Contestant, Cost]:
    """Each model's mean cost per voted answer, over the answers whose price was known
    (a model with none is absent: no figure, never a made-up one)."""
    paid: dict[Contestant, list[Entry]] = {}
    for record in records:
        for entry in record.entries:
            if entry.cost_usd is not None:
                paid.setdefault(entry.contestant, []).append(entry)
    return {
        model: Cost(
            sum(e.cost_usd or 0.0 for e in entries) / len(entries),
            any(e.cost_estimated for e in entries),
        )
        for model, entries in paid.items()
    }


def win_rates(records: Sequence[VoteRecord], both_bad: BothBad = "tie") -> list[WinRate]:
    """The pairwise win-rate matrix, from direct comparisons only (pairs never compared
    are absent); a tie counts half."""
    score: dict[tuple[Contestant, Contestant], list[float]] = {}
    for pairs in vote_pairs(records, both_bad):
        for p in pairs:
            for row, col, points in (
                (p.first, p.second, 0.5 if p.tie else 1.0),
                (p.second, p.first, 0.5 if p.tie else 0.0),
            ):
                cell = score.setdefault((row, col), [0.0, 0])
                cell[0] += points
                cell[1] += 1
    return [
        WinRate(row, col, points / games, int(games))
        for (row, col), (points, games) in sorted(score.items())
    ]
