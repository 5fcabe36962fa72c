"""The Leaderboard's counted path: votes counted in SQL (``VoteStore.tally``, SQLite and
PostgreSQL) equal the same votes counted one by one, and the figures fitted from the
counts equal the figures of the previous per-vote path (``tests/arena_per_vote.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pytest
import sqlalchemy as sa

from playground.arena import ratings
from playground.arena.tally import Tally, tally_of
from playground.arena.vote_store import VoteFilter, VoteStore
from playground.store import WorkspaceStore
from playground.store.schema import MIGRATIONS, migrate, votes
from tests import arena_per_vote
from tests.arena_votes import WHEN, random_votes, record
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401

FILTERS = [
    pytest.param(VoteFilter(), id="all"),
    pytest.param(VoteFilter(tags=("coding",)), id="tag"),
    pytest.param(VoteFilter(tags=("coding", "writing")), id="two-tags"),
    pytest.param(VoteFilter(since=WHEN.date() + dt.timedelta(days=1)), id="since"),
    pytest.param(VoteFilter(until=WHEN.date()), id="until"),
]
VOTES = random_votes(1_000, 8, seed=5)  # 1,000 minutes from noon: votes on two days


def same_tally(got: Tally, expected: Tally) -> None:
    assert got.groups == expected.groups
    assert (got.votes, got.voters) == (expected.votes, expected.voters)
    assert got.costs.keys() == expected.costs.keys()
    for model, cost in expected.costs.items():
        assert got.costs[model].dollars == pytest.approx(cost.dollars, rel=1e-9)
        assert got.costs[model].estimated == cost.estimated


@pytest.fixture
def store(database_url: str) -> Iterator[VoteStore]:  # noqa: F811
    opened = WorkspaceStore(database_url)
    store = VoteStore(opened)
    for vote in VOTES:
        store.add(vote)
    yield store
    opened.close()


@pytest.mark.parametrize("where", FILTERS)
def test_votes_counted_in_sql_equal_the_votes_counted_one_by_one(
    store: VoteStore, where: VoteFilter
) -> None:
    listed = store.list(where)
    assert 0 < len(listed) < len(VOTES) or where == VoteFilter()
    same_tally(store.tally(where), tally_of(listed))


def test_a_withdrawn_vote_is_no_longer_counted(store: VoteStore) -> None:
    paid = next(v for v in VOTES if any(e.cost_usd for e in v.entries) and v.voter is None)
    before = store.version()
    assert store.withdraw(paid.id, None)
    assert store.version() != before
    same_tally(store.tally(), tally_of([v for v in VOTES if v.id != paid.id]))


def test_votes_stored_before_the_counted_columns_are_counted(
    database_url: str,  # noqa: F811
) -> None:
    # A database as schema version 4 left it: votes with their JSON only, one unreadable.
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        migrate(conn, MIGRATIONS[:4])
        for vote in VOTES[:200]:
            conn.execute(
                sa.text(
                    "INSERT INTO playground_votes (id, created_at, voter, round_id, kind, tag,"
                    " models, data) VALUES (:id, :at, :voter, 'r', :kind, :tag, '[]', :data)"
                ),
                {
                    "id": vote.id,
                    "at": vote.created_at.replace(tzinfo=None),
                    "voter": vote.voter,
                    "kind": vote.outcome.kind,
                    "tag": vote.tag,
                    "data": vote.model_dump_json(),
                },
            )
        conn.execute(
            sa.text(
                "INSERT INTO playground_votes (id, created_at, round_id, kind, models, data)"
                " VALUES ('broken', :at, 'r', 'a', '[]', '{\"not\": \"a vote\"}')"
            ),
            {"at": WHEN.replace(tzinfo=None)},
        )
    engine.dispose()
    opened = WorkspaceStore(database_url)
    try:
        store = VoteStore(opened)
        same_tally(store.tally(), tally_of(VOTES[:200]))
        store.add(VOTES[200])  # a new vote lands next to the derived ones
        same_tally(store.tally(), tally_of(VOTES[:201]))
        with opened.engine.connect() as conn:
            missing = sa.select(sa.func.count()).where(votes.c.pattern.is_(None))
            assert conn.execute(missing).scalar_one() == 0
    finally:
        opened.close()


@pytest.mark.parametrize("both_bad", ["tie", "drop"])
def test_counted_figures_equal_the_per_vote_figures(both_bad: ratings.BothBad) -> None:
    records = random_votes(1_500, 10, seed=11)
    tally = tally_of(records)
    got = ratings.standings(tally, both_bad, rounds=300, seed=3)
    expected = arena_per_vote.standings(records, both_bad, rounds=300, seed=3)
    # Same order, same point ratings, same counts and costs.
    assert [s.model for s in got] == [s.model for s in expected]
    assert [s.rating for s in got] == pytest.approx([s.rating for s in expected], abs=1e-6)
    assert [(s.votes, s.wins, s.losses, s.ties) for s in got] == [
        (s.votes, s.wins, s.losses, s.ties) for s in expected
    ]
    assert [_cost(s) for s in got] == pytest.approx([_cost(s) for s in expected])
    # Intervals: other resamples of the same votes, so equal up to resampling noise.
    for a, b in zip(got, expected, strict=True):
        width = b.high - b.low
        assert a.low == pytest.approx(b.low, abs=0.15 * width)
        assert a.high == pytest.approx(b.high, abs=0.15 * width)
    assert ratings.win_rates(tally, both_bad) == arena_per_vote.win_rates(records, both_bad)


def _cost(standing: ratings.Standing) -> tuple[float, bool]:
    cost = standing.cost_per_answer
    assert cost is not None  # every model of the random votes had a priced answer
    return cost.dollars, cost.estimated


def test_a_batch_of_fits_equals_choix_fit_by_fit() -> None:
    import choix

    rng = np.random.default_rng(4)
    wins = rng.integers(0, 40, size=(25, 7, 7)).astype(float)
    wins[:, np.arange(7), np.arange(7)] = 0
    wins[3, 0, :] = 0  # a model that never won
    wins[3, :, 0] = 5
    got = ratings.fit_many(wins)
    for k in range(len(wins)):
        expected = choix.ilsr_pairwise_dense(wins[k], alpha=ratings.ALPHA)
        assert got[k] == pytest.approx(expected, abs=1e-6)


def test_a_vote_on_one_model_twice_is_counted_but_rates_nobody() -> None:
    tally = tally_of([record(["same", "same"], "a"), record(["x", "y"], "a")])
    assert tally.votes == 2 and [g.count for g in tally.groups] == [1]
