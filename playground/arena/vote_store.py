"""``VoteStore``: blind comparison votes in the workspace database (SQLite or PostgreSQL).

It shares the ``WorkspaceStore``'s engine (one pool per process); the table is made by
migration step 3 in ``playground.store.schema``. Errors are the store's own
(``StoreUnavailable``), mapped in one place (``playground.store.errors``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from playground.arena.votes import VoteRecord
from playground.store import ANY_OWNER, WorkspaceStore
from playground.store.engine import reading, writing
from playground.store.records import OwnerFilter, as_utc
from playground.store.schema import votes


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
        return record.id

    def list(
        self,
        where: VoteFilter = VoteFilter(),
        *,
        voter: OwnerFilter = ANY_OWNER,
        limit: int | None = None,
    ) -> list[VoteRecord]:
        """Votes, oldest first (newest first with a ``limit``); unreadable rows are left out."""
        stmt = sa.select(votes.c.data)
        if where.tags:
            stmt = stmt.where(votes.c.tag.in_(where.tags))
        if where.since is not None:
            stmt = stmt.where(votes.c.created_at >= dt.datetime.combine(where.since, dt.time()))
        if where.until is not None:
            end = dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time())
            stmt = stmt.where(votes.c.created_at < end)
        stmt = _by(stmt, voter)
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

    def tags(self) -> list[str]:
        """Every tag used so far, sorted."""
        stmt = sa.select(votes.c.tag).where(votes.c.tag.is_not(None)).distinct()
        with self._read() as conn:
            return sorted(t for t in conn.execute(stmt).scalars().all() if t)

    def withdraw(self, vote_id: str, voter: str | None) -> bool:
        """Delete a vote cast by ``voter`` (None: cast without sign-in); whether it was."""
        with self._write() as conn:
            return (
                conn.execute(_by(votes.delete().where(votes.c.id == vote_id), voter)).rowcount == 1
            )

    def count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(votes)).scalar_one())

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return reading(self._engine)

    def _write(self) -> contextlib.AbstractContextManager[Connection]:
        return writing(self._engine)


def _by(stmt: sa.Select | sa.Delete, voter: OwnerFilter):  # type: ignore[no-untyped-def]
    if voter is ANY_OWNER:
        return stmt
    if voter is None:
        return stmt.where(votes.c.voter.is_(None))
    return stmt.where(votes.c.voter == voter)
