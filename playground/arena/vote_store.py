"""``VoteStore``: blind comparison votes in the workspace database (SQLite or PostgreSQL).

It shares the ``WorkspaceStore``'s engine (one pool per process); the table is made by
migration step 3 in ``playground.store.schema``, and step 5 adds what the Leaderboard
counts in SQL (``tally``): each vote's ``pattern`` (the key of what it compares, one
row per distinct pattern in ``playground_vote_patterns``) and its answers' costs.
Errors are the store's own (``StoreUnavailable``), mapped in one place
(``playground.store.errors``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from playground.arena.round import Contestant
from playground.arena.tally import Tally, decode, encode, grouped, key_of, mean_costs, pattern
from playground.arena.votes import VoteRecord
from playground.store import ANY_OWNER, WorkspaceStore
from playground.store.engine import reading, writing
from playground.store.records import OwnerFilter, as_utc
from playground.store.schema import vote_costs, vote_patterns, votes

UNREADABLE = ""  # the pattern of a vote whose stored data no longer reads


def new_vote_id() -> str:
    return secrets.token_hex(12)


@dataclass(frozen=True)
class VoteFilter:
    """Which votes: by tag (any of them; empty: all) and by day (UTC, both inclusive)."""

    tags: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None


class VoteStore:
    """Votes, stored next to the workspaces. Thread-safe like the ``WorkspaceStore``."""

    def __init__(self, store: WorkspaceStore) -> None:
        self._engine = store.engine

    @property
    def where_stored(self) -> str:
        """The database's URL without its password: which store (a cache key)."""
        return self._engine.url.render_as_string(hide_password=True)

    def add(self, record: VoteRecord) -> str:
        """Store a vote; its id."""
        models = [[e.label, e.endpoint, e.model] for e in record.entries]
        with self._write() as conn:
            conn.execute(
                votes.insert().values(
                    id=record.id,
                    created_at=record.created_at.astimezone(dt.UTC).replace(tzinfo=None),
                    voter=record.voter,
                    round_id=record.round_id,
                    kind=record.outcome.kind,
                    tag=record.tag,
                    models=json.dumps(models),
                    data=record.model_dump_json(),
                )
            )
            _derive(conn, record)
        return record.id

    def list(
        self,
        where: VoteFilter = VoteFilter(),
        *,
        voter: OwnerFilter = ANY_OWNER,
        limit: int | None = None,
    ) -> list[VoteRecord]:
        """Votes, oldest first (newest first with a ``limit``); unreadable rows are left out."""
        stmt = _by(_matching(sa.select(votes.c.data), where), voter)
        if limit is None:
            stmt = stmt.order_by(votes.c.created_at, votes.c.id)
        else:
            stmt = stmt.order_by(votes.c.created_at.desc(), votes.c.id).limit(limit)
        with self._read() as conn:
            rows = conn.execute(stmt).scalars().all()
        out = []
        for data in rows:
            try:
                record = VoteRecord.model_validate_json(data)
            except ValidationError:
                continue
            out.append(record.model_copy(update={"created_at": as_utc(record.created_at)}))
        return out

    def tally(self, where: VoteFilter = VoteFilter()) -> Tally:
        """The matching votes counted in SQL: grouped by what they compare, with the
        models' costs (unreadable votes are left out, as ``list`` leaves them out)."""
        self._derive_missing()
        counted = (
            _matching(sa.select(votes.c.pattern, sa.func.count().label("n")), where)
            .where(votes.c.pattern != UNREADABLE)
            .group_by(votes.c.pattern)
            .subquery()
        )
        groups = sa.select(vote_patterns.c.pairs, counted.c.n).join_from(
            counted, vote_patterns, counted.c.pattern == vote_patterns.c.key
        )
        totals = _matching(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(votes.c.voter))), where
        ).where(votes.c.pattern != UNREADABLE)
        c = vote_costs.c
        costs = _matching(
            sa.select(
                c.endpoint,
                c.model,
                sa.func.sum(c.cost_usd),
                sa.func.count(),
                sa.func.max(sa.cast(c.estimated, sa.Integer)),
            ).join_from(vote_costs, votes, c.vote_id == votes.c.id),
            where,
        ).group_by(c.endpoint, c.model)
        with self._read() as conn:
            rows = conn.execute(groups).all()
            n_votes, n_voters = conn.execute(totals).one()
            cost_rows = conn.execute(costs).all()
        return Tally(
            grouped((decode(pairs), int(n)) for pairs, n in rows),
            mean_costs(
                (Contestant(e, m), float(total), int(n), bool(est))
                for e, m, total, n, est in cost_rows
            ),
            votes=int(n_votes),
            voters=int(n_voters),
        )

    def version(self) -> tuple[int, str]:
        """Changes when a vote is added or withdrawn: (how many, the newest one's time)."""
        stmt = sa.select(sa.func.count(), sa.func.max(votes.c.created_at))
        with self._read() as conn:
            n, newest = conn.execute(stmt).one()
        return int(n), str(newest)

    def _derive_missing(self) -> None:
        """Derive the pattern and costs of votes stored before schema version 5."""
        missing = sa.select(votes.c.id).where(votes.c.pattern.is_(None)).limit(1)
        with self._read() as conn:
            if conn.execute(missing).first() is None:
                return
        stmt = sa.select(votes.c.id, votes.c.data).where(votes.c.pattern.is_(None))
        with self._write() as conn:
            for vote_id, data in conn.execute(stmt.with_for_update()).all():
                try:
                    _derive(conn, VoteRecord.model_validate_json(data))
                except ValidationError:
                    conn.execute(
                        votes.update().where(votes.c.id == vote_id).values(pattern=UNREADABLE)
                    )

    def tags(self) -> list[str]:
        """Every tag used so far, sorted."""
        stmt = sa.select(votes.c.tag).where(votes.c.tag.is_not(None)).distinct()
        with self._read() as conn:
            return sorted(t for t in conn.execute(stmt).scalars().all() if t)

    def withdraw(self, vote_id: str, voter: str | None) -> bool:
        """Delete a vote cast by ``voter`` (None: cast without sign-in); whether it was."""
        with self._write() as conn:
            if conn.execute(_by(votes.delete().where(votes.c.id == vote_id), voter)).rowcount != 1:
                return False
            conn.execute(vote_costs.delete().where(vote_costs.c.vote_id == vote_id))
            return True

    def count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(votes)).scalar_one())

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return reading(self._engine)

    def _write(self) -> contextlib.AbstractContextManager[Connection]:
        return writing(self._engine)


def _matching(stmt: sa.Select, where: VoteFilter) -> sa.Select:
    if where.tags:
        stmt = stmt.where(votes.c.tag.in_(where.tags))
    if where.since is not None:
        stmt = stmt.where(votes.c.created_at >= dt.datetime.combine(where.since, dt.time()))
    if where.until is not None:
        end = dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time())
        stmt = stmt.where(votes.c.created_at < end)
    return stmt


def _derive(conn: Connection, record: VoteRecord) -> None:
    """Store what the vote compares (its pattern) and its answers' costs."""
    pairs = encode(pattern(record))
    key = key_of(pairs)
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(vote_patterns).values(key=key, pairs=pairs).on_conflict_do_nothing())
    conn.execute(votes.update().where(votes.c.id == record.id).values(pattern=key))
    paid = [
        {
            "vote_id": record.id,
            "position": i,
            "endpoint": e.endpoint,
            "model": e.model,
            "cost_usd": e.cost_usd,
            "estimated": e.cost_estimated,
        }
        for i, e in enumerate(record.entries)
        if e.cost_usd is not None
    ]
    if paid:
        conn.execute(vote_costs.insert(), paid)


def _by(stmt: sa.Select | sa.Delete, voter: OwnerFilter):  # type: ignore[no-untyped-def]
    if voter is ANY_OWNER:
        return stmt
    if voter is None:
        return stmt.where(votes.c.voter.is_(None))
    return stmt.where(votes.c.voter == voter)
