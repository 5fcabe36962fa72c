"""Opening the store's database: SQLite (WAL, a private directory) or PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from playground.errors import StoreUnavailable
from playground.store.errors import translate_store_errors

_BUSY_TIMEOUT_MS = 5000


def engine_url(url: str) -> sa.URL:
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver we ship
    return parsed


def create_engine(url: str) -> tuple[Engine, str]:
    """The engine for a store URL and its dialect name ("sqlite", "postgresql")."""
    try:
        parsed = engine_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreUnavailable("The store URL is not a valid database URL.") from None
    dialect = parsed.get_backend_name()
    with translate_store_errors():
        try:
            if dialect == "sqlite":
                return _sqlite_engine(parsed), dialect
            return sa.create_engine(parsed, pool_pre_ping=True), dialect
        except ImportError as exc:
            raise StoreUnavailable(
                f"The database driver for this store URL is not installed ({exc.name})."
            ) from None


def _sqlite_engine(url: sa.URL) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
            # Keep workspaces (secret links, private chats) out of git.
            (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        url = url.set(database=str(path))
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" below emits BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across app crashes
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("playground_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads; database errors become ``StoreUnavailable``."""
    with translate_store_errors(), engine.connect() as conn:
        yield conn


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction; on SQLite it takes the write lock at BEGIN (IMMEDIATE)."""
    with translate_store_errors(), engine.connect() as conn:
        conn.execution_options(playground_write=True)
        with conn.begin():
            yield conn
