"""Schema version 6: the shared snapshots' table (``playground.reports.sharing.store``).

A snapshot is written once and never updated, only deleted by its owner.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

snapshots = sa.Table(
    "playground_snapshots",
    sa.MetaData(),
    sa.Column("id", sa.String(64), primary_key=True),  # secrets.token_urlsafe(16)
    sa.Column("owner", sa.String(256), nullable=True),  # None: shared without sign-in
    sa.Column("kind", sa.String(32), nullable=False),  # chat, promptset_run, ...
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),  # naive UTC
    sa.Column("data", sa.Text, nullable=False),  # the snapshot's JSON (never a token)
    sa.Column("size", sa.Integer, nullable=False),  # bytes of data (UTF-8)
)


def v6_snapshots(conn: Connection) -> None:
    """Version 6. The table is as defined above; when a later step changes it, write its
    version-6 columns out here first (a released step is never edited)."""
    v6 = sa.MetaData()
    table = snapshots.to_metadata(v6)
    sa.Index("ix_playground_snapshots_owner_created", table.c.owner, table.c.created_at)
    v6.create_all(conn)
