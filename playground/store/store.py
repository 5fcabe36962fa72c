"""``WorkspaceStore``: workspaces saved in SQLite or PostgreSQL through SQLAlchemy Core."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from playground.errors import (
    WorkspaceNotFound,
    WorkspaceTooLarge,
    WorkspaceUnreadable,
)
from playground.reports.models import facts as answer_facts
from playground.store.config import StoreConfig
from playground.store.engine import create_engine, reading, writing
from playground.store.history_facts import history_facts
from playground.store.merge import merge_workspaces
from playground.store.records import (
    ANY_OWNER,
    OwnerFilter,
    SaveResult,
    StoredWorkspace,
    WorkspaceSummary,
    as_utc,
    is_workspace_id,
    new_workspace_id,
    now_naive_utc,
)
from playground.store.schema import migrate, workspaces
from playground.workspace.types import Workspace

log = logging.getLogger(__name__)

RENAME_MAX = 200  # characters of a title a person typed


class WorkspaceStore:
    """Saved workspaces. Thread-safe: share one per process (it holds a connection pool).

    Opening creates the SQLite file and its directory when needed and migrates
    the schema. Every method raises ``StoreError`` subclasses only.
    """

    def __init__(self, url: str, *, max_workspace_bytes: int = 4 * 1024 * 1024) -> None:
        self.max_workspace_bytes = max_workspace_bytes
        self._engine, self.dialect = create_engine(url)
        try:
            with self._write() as conn:
                migrate(conn)
        except BaseException:
            self._engine.dispose()
            raise

    @classmethod
    def from_config(cls, config: StoreConfig, cwd: Path | None = None) -> WorkspaceStore:
        return cls(config.database_url(cwd), max_workspace_bytes=config.max_workspace_bytes)

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    # -- operations ------------------------------------------------------------
    def create(
        self, workspace: Workspace, owner: str | None = None, *, data: str | None = None
    ) -> str:
        """Store a new workspace (revision 1); its new random id.

        ``data`` is ``workspace.model_dump_json()`` when the caller already has it.
        """
        data = workspace.model_dump_json() if data is None else data
        size = self._check_size(data)
        facts = history_facts(workspace)
        now = now_naive_utc()
        workspace_id = new_workspace_id()
        with self._write() as conn:
            conn.execute(
                workspaces.insert().values(
                    id=workspace_id,
                    owner=owner,
                    title=facts.title,
                    title_custom=False,
                    created_at=now,
                    updated_at=now,
                    revision=1,
                    data=data,
                    size=size,
                    models=json.dumps(facts.models),
                    messages=facts.messages,
                    search_text=facts.search_text,
                )
            )
            answer_facts.write_workspace(conn, workspace_id, workspace, at=now)
        return workspace_id

    def load(self, workspace_id: str) -> StoredWorkspace | None:
        """The stored workspace, or None for an unknown or malformed id."""
        if not is_workspace_id(workspace_id):
            return None
        t = workspaces
        query = sa.select(
            t.c.data, t.c.revision, t.c.title, t.c.owner, t.c.created_at, t.c.updated_at
        ).where(t.c.id == workspace_id)
        with self._read() as conn:
            row = conn.execute(query).one_or_none()
        if row is None:
            return None
        return StoredWorkspace(
            id=workspace_id,
            workspace=_parse(row.data),
            revision=row.revision,
            title=row.title,
            owner=row.owner,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
        )

    def save(
        self,
        workspace_id: str,
        workspace: Workspace,
        expected_revision: int,
        *,
        data: str | None = None,
    ) -> SaveResult:
        """Write ``workspace`` if the stored revision is still ``expected_revision``.

        Otherwise another writer saved first: the stored version and this one are
        merged (no message is lost), the merge is written, and returned in
        ``SaveResult.workspace``. One transaction either way. Raises
        ``WorkspaceTooLarge`` (nothing written), ``WorkspaceNotFound`` (deleted),
        ``StoreUnavailable``.
        """
        if not is_workspace_id(workspace_id):
            raise WorkspaceNotFound("This workspace id is not valid.")
        data = workspace.model_dump_json() if data is None else data
        size = self._check_size(data)
        t = workspaces
        with self._write() as conn:
            result = conn.execute(
                t.update()
                .where(t.c.id == workspace_id, t.c.revision == expected_revision)
                .values(revision=expected_revision + 1, **_columns(workspace, data, size))
            )
            if result.rowcount == 1:
                answer_facts.write_workspace(conn, workspace_id, workspace)
                return SaveResult(revision=expected_revision + 1, size=size)
            row = conn.execute(
                sa.select(t.c.revision, t.c.data).where(t.c.id == workspace_id).with_for_update()
            ).one_or_none()
            if row is None:
                raise WorkspaceNotFound(
                    "This workspace was deleted (from the History page or another tab), "
                    "so it is no longer saved. Start a new workspace to keep your work."
                )
            # Parse our own JSON rather than use the live object: a consistent snapshot.
            merged = merge_workspaces(_parse(row.data), Workspace.model_validate_json(data))
            merged_data = merged.model_dump_json()
            merged_size = self._check_size(merged_data)
            conn.execute(
                t.update()
                .where(t.c.id == workspace_id)
                .values(revision=row.revision + 1, **_columns(merged, merged_data, merged_size))
            )
            answer_facts.write_workspace(conn, workspace_id, merged)
            return SaveResult(revision=row.revision + 1, size=merged_size, workspace=merged)

    def list(
        self, *, owner: OwnerFilter = ANY_OWNER, query: str = "", limit: int = 50, offset: int = 0
    ) -> list[WorkspaceSummary]:
        """Saved workspaces, newest first.

        ``owner``: a user id lists that person's; None lists those saved without
        sign-in; ``ANY_OWNER`` lists all (single-user mode). ``query`` matches
        titles and message text, case-insensitively.
        """
        t = workspaces
        stmt = sa.select(
            t.c.id,
            t.c.title,
            t.c.owner,
            t.c.created_at,
            t.c.updated_at,
            t.c.models,
            t.c.messages,
            t.c.size,
        )
        stmt = _owned_by(stmt, owner)
        needle = query.strip().lower()
        if needle:
            stmt = stmt.where(
                sa.or_(
                    sa.func.lower(t.c.title).contains(needle, autoescape=True),
                    t.c.search_text.contains(needle, autoescape=True),
                )
            )
        stmt = stmt.order_by(t.c.updated_at.desc(), t.c.id).limit(max(limit, 0)).offset(offset)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        return [
            WorkspaceSummary(
                id=row.id,
                title=row.title,
                owner=row.owner,
                created_at=as_utc(row.created_at),
                updated_at=as_utc(row.updated_at),
                models=tuple(json.loads(row.models)),
                messages=row.messages,
                size=row.size,
            )
            for row in rows
        ]

    def rename(self, workspace_id: str, title: str, *, owner: OwnerFilter = ANY_OWNER) -> bool:
        """Set the title a person typed; "" goes back to the first prompt. Whether it existed."""
        if not is_workspace_id(workspace_id):
            return False
        title = " ".join(title.split())[:RENAME_MAX]
        t = workspaces
        with self._write() as conn:
            if title:
                values: dict[str, Any] = {"title": title, "title_custom": True}
            else:
                data = conn.execute(
                    _owned_by(sa.select(t.c.data).where(t.c.id == workspace_id), owner)
                ).scalar_one_or_none()
                if data is None:
                    return False
                values = {"title": history_facts(_parse(data)).title, "title_custom": False}
            stmt = _owned_by(t.update().where(t.c.id == workspace_id), owner)
            return conn.execute(stmt.values(**values)).rowcount == 1

    def delete(self, workspace_id: str, *, owner: OwnerFilter = ANY_OWNER) -> bool:
        """Delete a workspace; whether it existed (and belonged to ``owner``)."""
        if not is_workspace_id(workspace_id):
            return False
        stmt = _owned_by(workspaces.delete().where(workspaces.c.id == workspace_id), owner)
        with self._write() as conn:
            gone = conn.execute(stmt).rowcount == 1
            if gone:
                answer_facts.delete_source(conn, answer_facts.CHAT, workspace_id)
            return gone

    # -- internals ---------------------------------------------------------------
    def _check_size(self, data: str) -> int:
        size = len(data.encode("utf-8"))
        if size > self.max_workspace_bytes:
            raise WorkspaceTooLarge(size, self.max_workspace_bytes)
        return size

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return reading(self._engine)

    def _write(self) -> contextlib.AbstractContextManager[Connection]:
        return writing(self._engine)


def _columns(workspace: Workspace, data: str, size: int) -> dict[str, Any]:
    facts = history_facts(workspace)
    t = workspaces
    return {
        "data": data,
        "size": size,
        "updated_at": now_naive_utc(),
        # A title a person typed stays; otherwise it follows the first prompt.
        "title": sa.case((t.c.title_custom, t.c.title), else_=facts.title),
        "models": json.dumps(facts.models),
        "messages": facts.messages,
        "search_text": facts.search_text,
    }


def _owned_by(stmt: Any, owner: OwnerFilter) -> Any:
    if owner is ANY_OWNER:
        return stmt
    if owner is None:
        return stmt.where(workspaces.c.owner.is_(None))
    return stmt.where(workspaces.c.owner == owner)


def _parse(data: str) -> Workspace:
    try:
        return Workspace.model_validate_json(data)
    except ValidationError:
        raise WorkspaceUnreadable(
            "This saved workspace cannot be read by this version of the app."
        ) from None
