"""The Leaderboard's previous figures, computed vote by vote (as before issue 27), kept as
the reference that the counted path (``playground.arena.tally`` + ``ratings``) must match,
and as the "before" of ``benchmarks/leaderboard.py``.

Same model and scale as ``playground.arena.ratings``; every vote is a separate row, and a
bootstrap round draws vote indices (``default_rng(seed).integers``) instead of group counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import choix
import numpy as np

from playground.arena.ratings import ALPHA, ROUNDS, Standing, WinRate, to_scale
from playground.arena.round import Contestant
from playground.arena.votes import Comparison, VoteRecord, comparisons
from playground.costs.pricing import Cost


def vote_pairs(records: Sequence[VoteRecord], both_bad: str = "tie") -> list[list[Comparison]]:
    out = []
    for record in records:
        pairs = comparisons(record)
        if both_bad == "drop":
            pairs = [p for p in pairs if not p.both_bad]
        if pairs:
            out.append(pairs)
    return out


def _entries(votes: Sequence[Sequence[Comparison]], index: dict[Contestant, int]):  # type: ignore[no-untyped-def]
    rows: list[tuple[int, int, int, float]] = []
    for v, pairs in enumerate(votes):
        for p in pairs:
            i, j = index[p.first], index[p.second]
            rows += [(v, i, j, 0.5), (v, j, i, 0.5)] if p.tie else [(v, i, j, 1.0)]
    a = np.array(rows, dtype=float).reshape(-1, 4)
    return a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3]


def _fit(n: int, winner: np.ndarray, loser: np.ndarray, weight: np.ndarray) -> np.ndarray:
    wins = np.zeros((n, n))
    np.add.at(wins, (winner, loser), weight)
    return choix.ilsr_pairwise_dense(wins, alpha=ALPHA)


def standings(
    records: Sequence[VoteRecord], both_bad: str = "tie", rounds: int = ROUNDS, seed: int = 0
) -> list[Standing]:
    votes = vote_pairs(records, both_bad)
    models = sorted({m for pairs in votes for p in pairs for m in (p.first, p.second)})
    if len(models) < 2:
        return []
    index = {m: i for i, m in enumerate(models)}
    vote, winner, loser, weight = _entries(votes, index)
    ratings = to_scale(_fit(len(models), winner, loser, weight))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(votes), size=(rounds, len(votes)))
    samples = np.empty((rounds, len(models)))
    for r in range(rounds):
        times = np.bincount(draws[r], minlength=len(votes))[vote]
        samples[r] = to_scale(_fit(len(models), winner, loser, weight * times))
    counts = {m: [0, 0, 0, 0] for m in models}
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
    costs = mean_costs(records)
    rows = []
    for model, i in index.items():
        low, high = np.percentile(samples[:, i], [2.5, 97.5])
        n, w, lost, t = counts[model]
        rows.append(
            Standing(model, float(ratings[i]), float(low), float(high), n, w, lost, t,
                     costs.get(model))
        )  # fmt: skip
    return sorted(rows, key=lambda s: (-s.rating, s.model))


def mean_costs(records: Sequence[VoteRecord]) -> dict[Contestant, Cost]:
    paid: dict[Contestant, list[tuple[float, bool]]] = {}
    for record in records:
        for e in record.entries:
            if e.cost_usd is not None:
                paid.setdefault(e.contestant, []).append((e.cost_usd, e.cost_estimated))
    return {
        m: Cost(sum(c for c, _ in v) / len(v), any(est for _, est in v)) for m, v in paid.items()
    }


def win_rates(records: Sequence[VoteRecord], both_bad: str = "tie") -> list[WinRate]:
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
    return [WinRate(r, c, pts / n, int(n)) for (r, c), (pts, n) in sorted(score.items())]
