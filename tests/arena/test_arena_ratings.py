"""Bradley–Terry ratings and bootstrap intervals, checked against choix on the same votes."""

from __future__ import annotations

import math

import choix
import numpy as np
import pytest

from playground.arena import ratings
from playground.arena.round import Contestant
from playground.arena.tally import tally_of
from playground.arena.votes import Comparison, comparisons
from tests.arena_votes import record

# A fixed set of 20 votes on four models (two-card votes of every kind, and best-of-3).
FIXED = (
    [record(["alpha", "beta"], "a")] * 4
    + [record(["alpha", "beta"], "b")] * 1
    + [record(["beta", "alpha"], "tie")] * 2
    + [record(["beta", "gamma"], "a")] * 3
    + [record(["gamma", "beta"], "a")] * 1
    + [record(["gamma", "delta"], "bothbad")] * 2
    + [record(["delta", "gamma"], "b")] * 2
    + [record(["alpha", "gamma", "delta"], "best", best="A", worst="C")] * 3
    + [record(["delta", "beta", "alpha"], "best", best="B")] * 2
)
TALLY = tally_of(FIXED)
NAMES = ["alpha", "beta", "delta", "gamma"]  # sorted, as the module indexes them
E = {name: Contestant("E", name) for name in NAMES}


def reference_pairs(both_bad_as_tie: bool = True) -> list[tuple[int, int]]:
    """The votes as choix's (winner, loser) list, written out by hand from FIXED: each win
    twice, a tie once each way (half a win each, as Chatbot Arena doubles its data)."""
    a, b, d, g = range(4)
    wins = (
        [(a, b)] * 4
        + [(b, a)] * 1
        + [(b, g)] * 3
        + [(g, b)] * 1
        + [(g, d)] * 2  # "B is better" on [delta, gamma]
        + [(a, g), (a, d), (g, d)] * 3  # best alpha, worst delta
        + [(b, d), (b, a)] * 2  # best beta of three, no worst
    )
    ties = [(b, a)] * 2 + ([(g, d)] * 2 if both_bad_as_tie else [])
    return [p for p in wins for _ in range(2)] + [q for i, j in ties for q in ((i, j), (j, i))]


def elo(theta: np.ndarray) -> np.ndarray:
    return 1000 + 400 * (theta - theta.mean()) / math.log(10)


def test_point_ratings_match_choix_on_the_same_votes() -> None:
    # choix's sparse (winner, loser) entry point on the doubled data; halving the
    # data's weight halves the regularization too, hence 2 * ALPHA.
    theta = choix.ilsr_pairwise(4, reference_pairs(), alpha=2 * ratings.ALPHA)
    expected = dict(zip(NAMES, elo(theta), strict=True))
    got = ratings.fit_ratings(TALLY)
    assert {m.model: round(v, 6) for m, v in got.items()} == pytest.approx(expected, abs=1e-4)
    assert [s.model.model for s in ratings.standings(TALLY, rounds=10)] == sorted(
        NAMES, key=lambda n: -expected[n]
    )


def test_leaving_both_bad_out_matches_choix_without_those_ties() -> None:
    theta = choix.ilsr_pairwise(4, reference_pairs(False), alpha=2 * ratings.ALPHA)
    got = ratings.fit_ratings(TALLY, both_bad="drop")
    assert [got[E[n]] for n in NAMES] == pytest.approx(list(elo(theta)), abs=1e-4)


def test_scale_is_elo_like_400_points_for_ten_to_one() -> None:
    # 10 wins to 1 between two models: 400 points apart (up to the small regularization).
    votes = [record(["x", "y"], "a")] * 10 + [record(["x", "y"], "b")]
    got = ratings.fit_ratings(tally_of(votes))
    x, y = got[Contestant("E", "x")], got[Contestant("E", "y")]
    assert x - y == pytest.approx(400, abs=4)
    assert (x + y) / 2 == pytest.approx(1000)


def test_intervals_match_a_bootstrap_with_choix_on_the_same_resamples() -> None:
    rounds, seed = 200, 7
    got = ratings.standings(TALLY, rounds=rounds, seed=seed)
    # The reference: the same resampled vote indices (over the votes laid out group after
    # group), each resample written out vote by vote and handed to choix.
    laid_out = [g.pairs for g in TALLY.groups for _ in range(g.count)]
    assert len(laid_out) == len(FIXED)
    draws = np.random.default_rng(seed).integers(
        0, len(FIXED), size=(rounds, len(FIXED)), dtype=np.int32
    )
    samples = []
    for row in draws:
        data = [p for index in row for p in reference_pairs_of(laid_out[index])]
        samples.append(elo(choix.ilsr_pairwise(4, data, alpha=2 * ratings.ALPHA)))
    low, high = np.percentile(np.array(samples), [2.5, 97.5], axis=0)
    for standing in got:
        i = NAMES.index(standing.model.model)
        assert (standing.low, standing.high) == pytest.approx((low[i], high[i]), abs=1e-3)
        assert standing.low <= standing.rating <= standing.high


def reference_pairs_of(pairs: tuple[Comparison, ...]) -> list[tuple[int, int]]:
    out = []
    for p in pairs:
        i, j = NAMES.index(p.first.model), NAMES.index(p.second.model)
        out += [(i, j), (j, i)] if p.tie else [(i, j), (i, j)]
    return out


def test_interval_width_agrees_with_the_models_own_standard_error() -> None:
    # Two models, n votes, win rate p: Var(θx − θy) ≈ 1 / (n p (1 − p)); each rating is
    # half the difference, so its 95 % half-width is 1.96 · SE / 2 on the Elo scale.
    n, wins = 200, 140
    votes = [record(["x", "y"], "a")] * wins + [record(["x", "y"], "b")] * (n - wins)
    (top, _) = ratings.standings(tally_of(votes), rounds=500, seed=1)
    p = wins / n
    expected = 1.96 * math.sqrt(1 / (n * p * (1 - p))) / 2 * 400 / math.log(10)
    assert (top.high - top.low) / 2 == pytest.approx(expected, rel=0.15)


def test_counts_of_votes_wins_losses_and_ties() -> None:
    rows = {s.model.model: s for s in ratings.standings(TALLY, rounds=5)}
    alpha = rows["alpha"]
    # alpha: 4 wins + 3 (best) over two each = 4 + 6; lost 1 + 2 (to beta, best of 3); 2 ties
    assert (alpha.votes, alpha.wins, alpha.losses, alpha.ties) == (12, 10, 3, 2)
    delta = rows["delta"]  # 2 both-bad ties, lost 2 + 3*2 + 2
    assert (delta.votes, delta.wins, delta.losses, delta.ties) == (9, 0, 10, 2)
    dropped = {s.model.model: s for s in ratings.standings(TALLY, both_bad="drop", rounds=5)}
    assert (dropped["delta"].votes, dropped["delta"].ties) == (7, 0)


def test_win_rate_matrix_counts_ties_as_half() -> None:
    cells = {(w.row.model, w.column.model): w for w in ratings.win_rates(TALLY)}
    ab = cells[("alpha", "beta")]
    # alpha vs beta: 4 wins, 1 loss, 2 ties, and 2 losses in best-of-3 -> (4 + 1) / 9
    assert (ab.games, ab.rate) == (9, pytest.approx(5 / 9))
    assert cells[("beta", "alpha")].rate == pytest.approx(4 / 9)
    assert ("alpha", "alpha") not in cells
    assert all(cells[(r, c)].rate + cells[(c, r)].rate == pytest.approx(1) for r, c in cells)


def test_a_vote_of_a_model_against_itself_compares_nothing() -> None:
    assert comparisons(record(["same", "same"], "a")) == []
    assert ratings.standings(tally_of([record(["same", "same"], "a")])) == []
