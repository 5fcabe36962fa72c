"""Prompt-set runs in the workspace store (SQLite or PostgreSQL), cell by cell.

``RunStore`` shares the ``WorkspaceStore``'s engine (its tables come from
migration step 4 in ``playground.store.schema``). A run's spec is written when
it starts; each answer (and later its score) as it arrives, through a
``CellWriter`` thread so a request never waits for the database. A crash loses
at most the cells of the batch being written; resuming asks for those again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from playground.promptsets.records import CellKey, CellResult, RunSpec, RunStatus
from playground.promptsets.running.cell_writer import CellWriter
from playground.reports.models import facts
from playground.store.engine import reading, writing
from playground.store.records import (
    ANY_OWNER,
    OwnerFilter,
    as_utc,
    is_workspace_id,
    new_workspace_id,
    now_naive_utc,
)
from playground.store.schema import promptset_cells as cells_t
from playground.store.schema import promptset_runs as runs_t

__all__ = ["CellWriter", "RunStore", "RunSummary", "StoredRun"]
log = logging.getLogger(__name__)
RUN_STRIDE = 1024  # the stored ``col`` of a cell: col + run × RUN_STRIDE (run 0: col)


def _slot(cell: CellResult) -> int:
    """Where a cell's answer is kept: Runs per prompt keep each answer in its own row of
    the cells table without a migration; a run saved before (run 0) reads as it was."""
    return cell.col + cell.run * RUN_STRIDE


@dataclass(frozen=True)
class StoredRun:
    id: str
    spec: RunSpec
    status: RunStatus
    cells: dict[CellKey, CellResult]
    workspace_id: str | None
    owner: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class RunSummary:
    id: str
    title: str
    status: RunStatus
    workspace_id: str | None
    cells_total: int
    cells_saved: int
    updated_at: dt.datetime


class RunStore:
    """Thread-safe: it holds only the shared engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- runs ------------------------------------------------------------------
    def create(self, spec: RunSpec, *, workspace_id: str | None, owner: str | None) -> str:
        run_id = new_workspace_id()
        now = now_naive_utc()
        with self._write() as conn:
            conn.execute(
                runs_t.insert().values(
                    id=run_id,
                    workspace_id=workspace_id,
                    owner=owner,
                    title=spec.title,
                    created_at=now,
                    updated_at=now,
                    status="running",
                    spec=spec.model_dump_json(),
                    cells_total=spec.answers_total,
                )
            )
            facts.write_columns(conn, run_id, spec)
        return run_id

    def set_status(self, run_id: str, status: RunStatus) -> None:
        with self._write() as conn:
            conn.execute(
                runs_t.update()
                .where(runs_t.c.id == run_id)
                .values(status=status, updated_at=now_naive_utc())
            )

    def write_cells(self, run_id: str, cells: Iterable[CellResult]) -> None:
        """Insert or replace these cells and their facts (the Models report's), in one
        transaction."""
        cells = list(cells)
        batch = [
            {"run_id": run_id, "row": c.row, "col": _slot(c), "data": c.model_dump_json()}
            for c in cells
        ]
        if not batch:
            return
        with self._write() as conn:
            for item in batch:
                conn.execute(
                    cells_t.delete().where(
                        cells_t.c.run_id == run_id,
                        cells_t.c.row == item["row"],
                        cells_t.c.col == item["col"],
                    )
                )
            conn.execute(cells_t.insert(), batch)
            facts.write_cells(conn, run_id, cells)
            conn.execute(
                runs_t.update().where(runs_t.c.id == run_id).values(updated_at=now_naive_utc())
            )

    def load(
        self, run_id: str, *, owner: OwnerFilter = ANY_OWNER, cells: bool = True
    ) -> StoredRun | None:
        """The run with every saved cell (none, with ``cells`` false: ``cells()`` streams
        them); None if unknown, unreadable or someone else's."""
        if not is_workspace_id(run_id):
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(runs_t).where(runs_t.c.id == run_id)).one_or_none()
            if row is None or (
                owner is not ANY_OWNER and row.owner is not None and row.owner != owner
            ):
                return None
            saved = {cell.key: cell for cell in _parsed(conn, run_id)} if cells else {}
        try:
            spec = RunSpec.model_validate_json(row.spec)
        except ValidationError:
            return None
        return StoredRun(
            row.id,
            spec,
            row.status,
            saved,
            row.workspace_id,
            row.owner,
            as_utc(row.created_at),
            as_utc(row.updated_at),
        )

    def cells(self, run_id: str, rows: range | None = None) -> Iterator[CellResult]:
        """The run's saved answers one at a time (of ``rows`` only, when given), read in
        batches, so a caller that keeps only what it needs stays small."""
        with self._read() as conn:
            yield from _parsed(conn, run_id, rows)

    def cell(self, run_id: str, at: CellKey) -> CellResult | None:
        r, c, k = at
        with self._read() as conn:
            text = conn.execute(
                sa.select(cells_t.c.data).where(
                    cells_t.c.run_id == run_id,
                    cells_t.c.row == r,
                    cells_t.c.col == c + k * RUN_STRIDE,
                )
            ).scalar_one_or_none()
        try:
            return None if text is None else CellResult.model_validate_json(text)
        except ValidationError:
            return None

    def list(
        self, *, owner: OwnerFilter = ANY_OWNER, workspace_id: str | None = None, limit: int = 50
    ) -> list[RunSummary]:
        """Runs, newest first (of one workspace, when given)."""
        saved = sa.select(sa.func.count()).where(cells_t.c.run_id == runs_t.c.id).scalar_subquery()
        stmt = sa.select(
            runs_t.c.id,
            runs_t.c.title,
            runs_t.c.status,
            runs_t.c.workspace_id,
            runs_t.c.cells_total,
            runs_t.c.updated_at,
            saved.label("saved"),
        )
        stmt = _owned_by(stmt, owner)
        if workspace_id is not None:
            stmt = stmt.where(runs_t.c.workspace_id == workspace_id)
        stmt = stmt.order_by(runs_t.c.updated_at.desc(), runs_t.c.id).limit(max(limit, 0))
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        return [
            RunSummary(
                r.id,
                r.title,
                r.status,
                r.workspace_id,
                r.cells_total,
                r.saved,
                as_utc(r.updated_at),
            )
            for r in rows
        ]

    def delete(self, run_id: str, *, owner: OwnerFilter = ANY_OWNER) -> bool:
        if not is_workspace_id(run_id):
            return False
        stmt = _owned_by(runs_t.delete().where(runs_t.c.id == run_id), owner)
        with self._write() as conn:
            gone = conn.execute(stmt).rowcount == 1
            if gone:
                conn.execute(cells_t.delete().where(cells_t.c.run_id == run_id))
                facts.delete_source(conn, facts.PROMPT_SET, run_id)
            return gone

    # -- internals ---------------------------------------------------------------
    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return reading(self._engine)

    def _write(self) -> contextlib.AbstractContextManager[Connection]:
        return writing(self._engine)


def _parsed(conn: Connection, run_id: str, rows: range | None = None) -> Iterator[CellResult]:
    stmt = sa.select(cells_t.c.data).where(cells_t.c.run_id == run_id)
    if rows is not None:
        stmt = stmt.where(cells_t.c.row >= rows.start, cells_t.c.row < rows.stop)
    result = conn.execution_options(yield_per=500).execute(stmt)
    for text in result.scalars():
        try:
            yield CellResult.model_validate_json(text)
        except ValidationError:
            continue  # written by a newer app: asked for again on resume


def _owned_by(stmt: Any, owner: OwnerFilter) -> Any:
    if owner is ANY_OWNER:
        return stmt
    return stmt.where(runs_t.c.owner.is_(None) if owner is None else runs_t.c.owner == owner)
