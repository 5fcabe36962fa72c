"""``SnapshotStore``: shared snapshots in the workspace store's database (schema step 6)."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from playground.errors import StoreError
from playground.reports.sharing.records import SNAPSHOT, AnySnapshot, StoredSnapshot
from playground.store.engine import reading, writing
from playground.store.records import as_utc, is_workspace_id, new_workspace_id, now_naive_utc
from playground.store.schema import snapshots as t

MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024


class SnapshotTooLarge(StoreError):
    """The snapshot is over the size limit and was not stored."""


class SnapshotUnreadable(StoreError):
    """The stored snapshot cannot be read by this version of the app."""


@dataclass(frozen=True)
class SnapshotSummary:
    id: str
    kind: str
    title: str
    created_at: dt.datetime


class SnapshotStore:
    """Thread-safe: it holds only the shared engine. Raises ``StoreError``s only."""

    def __init__(self, engine: Engine, *, max_bytes: int = MAX_SNAPSHOT_BYTES) -> None:
        self._engine = engine
        self.max_bytes = max_bytes

    def create(self, snapshot: AnySnapshot, owner: str | None) -> str:
        """Store a snapshot; its new id (``secrets.token_urlsafe(16)``: 128 random bits)."""
        data = snapshot.model_dump_json()
        size = len(data.encode("utf-8"))
        if size > self.max_bytes:
            raise SnapshotTooLarge(
                f"This view is too large to share ({size / 1e6:.1f} MB; the limit is "
                f"{self.max_bytes / 1e6:.1f} MB)."
            )
        snapshot_id = new_workspace_id()
        with self._write() as conn:
            conn.execute(
                t.insert().values(
                    id=snapshot_id,
                    owner=owner,
                    kind=snapshot.kind,
                    title=snapshot.title,
                    created_at=now_naive_utc(),
                    data=data,
                    size=size,
                )
            )
        return snapshot_id

    def load(self, snapshot_id: str) -> StoredSnapshot | None:
        """The snapshot, or None for an unknown, deleted or malformed id."""
        if not is_workspace_id(snapshot_id):
            return None
        query = sa.select(t.c.data, t.c.owner, t.c.created_at).where(t.c.id == snapshot_id)
        with self._read() as conn:
            row = conn.execute(query).one_or_none()
        if row is None:
            return None
        try:
            snapshot = SNAPSHOT.validate_json(row.data)
        except ValidationError:
            raise SnapshotUnreadable(
                "This snapshot cannot be read by this version of the app."
            ) from None
        return StoredSnapshot(snapshot_id, snapshot, row.owner, as_utc(row.created_at))

    def delete(self, snapshot_id: str, owner: str | None) -> bool:
        """Delete a snapshot shared by ``owner`` (None: one shared without sign-in);
        whether it existed and was theirs."""
        if not is_workspace_id(snapshot_id):
            return False
        mine = t.c.owner.is_(None) if owner is None else t.c.owner == owner
        with self._write() as conn:
            return conn.execute(t.delete().where(t.c.id == snapshot_id, mine)).rowcount == 1

    def list(self, owner: str | None, limit: int = 50) -> list[SnapshotSummary]:
        """The snapshots ``owner`` shared, newest first."""
        mine = t.c.owner.is_(None) if owner is None else t.c.owner == owner
        query = (
            sa.select(t.c.id, t.c.kind, t.c.title, t.c.created_at)
            .where(mine)
            .order_by(t.c.created_at.desc(), t.c.id)
            .limit(limit)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [SnapshotSummary(r.id, r.kind, r.title, as_utc(r.created_at)) for r in rows]

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return reading(self._engine)

    def _write(self) -> contextlib.AbstractContextManager[Connection]:
        return writing(self._engine)
