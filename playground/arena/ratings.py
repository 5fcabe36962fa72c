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

Everything is computed from a ``Tally`` (``playground.arena.tally``): votes grouped by
the comparisons they make. A resample draws N vote indices with replacement
(``default_rng(seed).integers(0, N, (k, N), dtype=int32)``, k rounds per call) over the
N votes laid out group after group, and counts how many were drawn from each group.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import choix
import numpy as np

from playground.arena.round import Contestant
from playground.arena.tally import BothBad, Group, Tally
from playground.costs.pricing import Cost

BASE = 1000.0
SCALE = 400.0
ALPHA = 0.01  # choix's regularization: finite ratings for a model that never lost
ROUNDS = 1000
_BATCH_CELLS = 1_000_000  # a bootstrap fits this many win-matrix cells at once (8 MB)


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


def _models(groups: Sequence[Group]) -> list[Contestant]:
    return sorted({m for g in groups for m in g.models})


def _entries(
    groups: Sequence[Group], index: dict[Contestant, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(group, winner·n + loser, weight per vote) arrays: a win weighs 1, a tie 0.5 each way."""
    n = len(index)
    rows: list[tuple[int, int, float]] = []
    for g, group in enumerate(groups):
        for p in group.pairs:
            i, j = index[p.first], index[p.second]
            if p.tie:
                rows += [(g, i * n + j, 0.5), (g, j * n + i, 0.5)]
            else:
                rows.append((g, i * n + j, 1.0))
    a = np.array(rows, dtype=float).reshape(-1, 3)
    return a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2]


def _fit(n: int, cell: np.ndarray, weight: np.ndarray) -> np.ndarray:
    wins = np.bincount(cell, weights=weight, minlength=n * n).reshape(n, n)
    return choix.ilsr_pairwise_dense(wins, alpha=ALPHA)


def to_scale(theta: np.ndarray) -> np.ndarray:
    """Strengths (natural log odds) on the Elo-like scale, averaging ``BASE``."""
    centered = theta - theta.mean(axis=-1, keepdims=True)
    return BASE + SCALE * centered / math.log(10)


def fit_ratings(tally: Tally, both_bad: BothBad = "tie") -> dict[Contestant, float]:
    """The Bradley–Terry rating of every model in the votes."""
    groups = tally.kept(both_bad)
    models = _models(groups)
    if len(models) < 2:
        return {}
    index = {m: i for i, m in enumerate(models)}
    group, cell, weight = _entries(groups, index)
    counts = np.array([g.count for g in groups], dtype=float)
    theta = _fit(len(models), cell, weight * counts[group])
    return dict(zip(models, to_scale(theta).tolist(), strict=True))


def bootstrap(
    tally: Tally, both_bad: BothBad = "tie", rounds: int = ROUNDS, seed: int = 0
) -> dict[Contestant, np.ndarray]:
    """Each model's ratings over ``rounds`` resamples of the votes (see the module)."""
    groups = tally.kept(both_bad)
    models = _models(groups)
    if len(models) < 2 or rounds < 1:
        return {}
    n = len(models)
    index = {m: i for i, m in enumerate(models)}
    group, cell, weight = _entries(groups, index)
    counts = np.array([g.count for g in groups])
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(groups), dtype=np.int32), counts)  # vote -> its group
    rng = np.random.default_rng(seed)
    out = np.empty((rounds, n))
    batch = max(1, _BATCH_CELLS // max(n * n, total))
    for start in range(0, rounds, batch):
        k = min(batch, rounds - start)
        draws = rng.integers(0, total, size=(k, total), dtype=np.int32)
        wins = np.empty((k, n * n))
        for r, drawn in enumerate(owner[draws]):  # the groups of the votes drawn
            times = np.bincount(drawn, minlength=len(groups))
            wins[r] = np.bincount(cell, weights=weight * times[group], minlength=n * n)
        out[start : start + k] = to_scale(fit_many(wins.reshape(k, n, n)))
    return {m: out[:, i] for m, i in index.items()}


def fit_many(wins: np.ndarray, tol: float = 1e-8, max_iter: int = 100) -> np.ndarray:
    """``choix.ilsr_pairwise_dense(w, alpha=ALPHA)`` of each matrix of a (k, n, n) stack,
    as one array computation (a bootstrap's thousand small fits, without a thousand
    loops of Python): the same iteration (LSR's Markov chain, its stationary
    distribution, centered log weights) until every fit moves less than choix's
    ``tol``. A stationary distribution solves the chain's balance equations with the
    last one replaced by "the weights sum to n" (choix solves the same system by LU)."""
    k, n, _ = wins.shape
    weights = np.ones((k, n))
    wins_t = wins.transpose(0, 2, 1)
    diagonal = np.arange(n)
    total = np.zeros((k, n, 1))
    total[:, -1] = n
    previous = None
    for _ in range(max_iter):
        chain = ALPHA + wins_t / (weights[:, None, :] + weights[:, :, None])
        chain[:, diagonal, diagonal] -= chain.sum(axis=2)
        balance = chain.transpose(0, 2, 1).copy()
        balance[:, -1, :] = 1.0
        params = np.log(np.linalg.solve(balance, total)[..., 0])
        params -= params.mean(axis=1, keepdims=True)
        if previous is not None and (np.abs(previous - params).sum(axis=1) <= tol * n).all():
            return params
        previous = params
        weights = np.exp(params)
        weights *= n / weights.sum(axis=1, keepdims=True)
    raise RuntimeError(f"Did not converge after {max_iter} iterations")


def standings(
    tally: Tally, both_bad: BothBad = "tie", rounds: int = ROUNDS, seed: int = 0
) -> list[Standing]:
    """The leaderboard, best first."""
    ratings = fit_ratings(tally, both_bad)
    samples = bootstrap(tally, both_bad, rounds, seed)
    counts: dict[Contestant, list[int]] = {m: [0, 0, 0, 0] for m in ratings}
    for g in tally.kept(both_bad):
        for model in g.models:
            counts[model][0] += g.count
        for p in g.pairs:
            if p.tie:
                counts[p.first][3] += g.count
                counts[p.second][3] += g.count
            else:
                counts[p.first][1] += g.count
                counts[p.second][2] += g.count
    rows = []
    for model, rating in ratings.items():
        low, high = (
            np.percentile(samples[model], [2.5, 97.5]) if model in samples else (rating, rating)
        )
        n, w, lost, t = counts[model]
        cost = tally.costs.get(model)
        rows.append(Standing(model, rating, float(low), float(high), n, w, lost, t, cost))
    return sorted(rows, key=lambda s: (-s.rating, s.model))


def win_rates(tally: Tally, both_bad: BothBad = "tie") -> list[WinRate]:
    """The pairwise win-rate matrix, from direct comparisons only (pairs never compared
    are absent); a tie counts half."""
    score: dict[tuple[Contestant, Contestant], list[float]] = {}
    for g in tally.kept(both_bad):
        for p in g.pairs:
            for row, col, points in (
                (p.first, p.second, 0.5 if p.tie else 1.0),
                (p.second, p.first, 0.5 if p.tie else 0.0),
            ):
                cell = score.setdefault((row, col), [0.0, 0])
                cell[0] += points * g.count
                cell[1] += g.count
    return [
        WinRate(row, col, points / games, int(games))
        for (row, col), (points, games) in sorted(score.items())
    ]
