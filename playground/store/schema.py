"""The store's tables and the migration steps that build them.

``MIGRATIONS[i]`` takes a database from schema version ``i`` to ``i + 1``.
``migrate()`` applies the missing steps in one transaction, holding a lock so
that several app replicas starting at once migrate only once; a database
newer than this code is refused (never downgraded). To change the schema,
append a step and update the table below: never edit a released step.

Versions: 1 workspaces; 2 History's columns; 3 blind comparison votes; 4 prompt-set runs
and their cells; 5 what each vote compares and what its answers cost (the Leaderboard
counts in SQL); 6 shared snapshots (read-only views behind ``?snapshot=<id>``); 7 one
row of facts per saved answer and check (the Models report, ``playground.reports.models.tables``).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from playground.errors import SchemaTooNew
from playground.reports.models.backfill import v7_answer_facts
from playground.store.history_facts import history_facts
from playground.store.snapshot_table import snapshots as snapshots  # one place for tables
from playground.store.snapshot_table import v6_snapshots
from playground.workspace.types import Workspace

metadata = sa.MetaData()

# The current shape (after every migration), used by the queries.
workspaces = sa.Table(
    "playground_workspaces",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(256), nullable=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),  # naive UTC
    sa.Column("updated_at", sa.DateTime, nullable=False),  # naive UTC
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # Workspace.model_dump_json()
    sa.Column("size", sa.Integer, nullable=False),  # bytes of data (UTF-8)
    # version 2
    sa.Column("title_custom", sa.Boolean, nullable=False),  # renamed: not derived any more
    sa.Column("models", sa.Text, nullable=False),  # JSON list of the cards' models
    sa.Column("messages", sa.Integer, nullable=False),  # how many messages
    sa.Column("search_text", sa.Text, nullable=False),  # lower-cased message text
)

# version 3: blind comparison votes (playground.arena.vote_store)
votes = sa.Table(
    "playground_votes",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),  # naive UTC
    sa.Column("voter", sa.String(256), nullable=True),  # None: cast without sign-in
    sa.Column("round_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # a, b, tie, bothbad, best
    sa.Column("tag", sa.String(64), nullable=True),
    sa.Column("models", sa.Text, nullable=False),  # JSON [[label, endpoint, model], ...]
    sa.Column("data", sa.Text, nullable=False),  # VoteRecord.model_dump_json()
    # version 5: the key of what the vote compares (playground.arena.tally.encode, hashed);
    # "" when its data was unreadable; NULL until VoteStore derives it (votes stored before)
    sa.Column("pattern", sa.String(32), nullable=True),
)

# version 5: what votes compare, once per distinct set of comparisons
vote_patterns = sa.Table(
    "playground_vote_patterns",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("pairs", sa.Text, nullable=False),  # playground.arena.tally.encode(...)
)

# version 5: the cost of each voted answer whose price was known
vote_costs = sa.Table(
    "playground_vote_costs",
    metadata,
    sa.Column("vote_id", sa.String(32), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),  # of the entry in the vote
    sa.Column("endpoint", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("cost_usd", sa.Float, nullable=False),
    sa.Column("estimated", sa.Boolean, nullable=False),
)

# version 4: prompt-set runs, stored with their workspace, and their cells as they arrive
promptset_runs = sa.Table(
    "playground_promptset_runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("workspace_id", sa.String(64), nullable=True),
    sa.Column("owner", sa.String(256), nullable=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),  # naive UTC
    sa.Column("updated_at", sa.DateTime, nullable=False),  # naive UTC: the last cell written
    sa.Column("status", sa.String(16), nullable=False),  # running, stopped, done
    sa.Column("spec", sa.Text, nullable=False),  # RunSpec.model_dump_json() (no token)
    sa.Column("cells_total", sa.Integer, nullable=False),
)

promptset_cells = sa.Table(
    "playground_promptset_cells",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),
    sa.Column("col", sa.Integer, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),  # CellResult.model_dump_json()
)

schema_version = sa.Table(
    "playground_schema",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # always 1
    sa.Column("version", sa.Integer, nullable=False),
)

_PG_LOCK_KEY = 0x706C6179  # "play": pg_advisory_xact_lock serializes replicas migrating


def _v1_workspaces(conn: Connection) -> None:
    """Version 1: the workspaces table, its JSON and its revision."""
    v1 = sa.MetaData()
    table = sa.Table(
        "playground_workspaces",
        v1,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(256), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
    )
    sa.Index("ix_playground_workspaces_owner_updated", table.c.owner, table.c.updated_at)
    sa.Index("ix_playground_workspaces_updated", table.c.updated_at)
    v1.create_all(conn)


def _v2_search_and_summary(conn: Connection) -> None:
    """Version 2: columns for History (search text, models, message count, renamed flag).

    They are derived from the stored JSON, so existing rows are backfilled.
    """
    for ddl in (
        "ADD COLUMN title_custom BOOLEAN NOT NULL DEFAULT FALSE",
        "ADD COLUMN models TEXT NOT NULL DEFAULT '[]'",
        "ADD COLUMN messages INTEGER NOT NULL DEFAULT 0",
        "ADD COLUMN search_text TEXT NOT NULL DEFAULT ''",
    ):
        conn.exec_driver_sql(f"ALTER TABLE playground_workspaces {ddl}")
    rows = conn.execute(sa.select(workspaces.c.id, workspaces.c.data)).all()
    for row in rows:
        try:
            facts = history_facts(Workspace.model_validate_json(row.data))
        except ValueError:  # unreadable today: leave the defaults, load() reports it
            continue
        conn.execute(
            workspaces.update()
            .where(workspaces.c.id == row.id)
            .values(
                models=json.dumps(facts.models),
                messages=facts.messages,
                search_text=facts.search_text,
            )
        )


def _v3_votes(conn: Connection) -> None:
    """Version 3: the votes of blind comparisons (prompt, models, outcome, voter, time)."""
    v3 = sa.MetaData()
    table = sa.Table(
        "playground_votes",
        v3,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("voter", sa.String(256), nullable=True),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tag", sa.String(64), nullable=True),
        sa.Column("models", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    sa.Index("ix_playground_votes_created", table.c.created_at)
    sa.Index("ix_playground_votes_voter_created", table.c.voter, table.c.created_at)
    v3.create_all(conn)


def _v4_prompt_set_runs(conn: Connection) -> None:
    """Version 4: prompt-set runs and their cells (``playground.promptsets.store``)."""
    v4 = sa.MetaData()
    runs = sa.Table(
        "playground_promptset_runs",
        v4,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=True),
        sa.Column("owner", sa.String(256), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("cells_total", sa.Integer, nullable=False),
    )
    sa.Table(
        "playground_promptset_cells",
        v4,
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("col", sa.Integer, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    sa.Index("ix_playground_promptset_runs_workspace", runs.c.workspace_id, runs.c.updated_at)
    sa.Index("ix_playground_promptset_runs_owner_updated", runs.c.owner, runs.c.updated_at)
    v4.create_all(conn)


def _v5_vote_tallies(conn: Connection) -> None:
    """Version 5: what each vote compares and its answers' costs, so the Leaderboard
    counts votes in SQL. ``VoteStore`` derives both for the votes stored before (their
    ``pattern`` is NULL) from their JSON, the first time it counts."""
    conn.exec_driver_sql("ALTER TABLE playground_votes ADD COLUMN pattern VARCHAR(32)")
    v5 = sa.MetaData()
    table = sa.Table(
        "playground_votes",
        v5,
        sa.Column("created_at", sa.DateTime),
        sa.Column("tag", sa.String(64)),
        sa.Column("voter", sa.String(256)),
        sa.Column("pattern", sa.String(32)),
    )
    # Covers the Leaderboard's counting: a vote's JSON is never read to count it.
    tally = sa.Index(
        "ix_playground_votes_tally", table.c.pattern, table.c.created_at, table.c.tag, table.c.voter
    )
    sa.Table(
        "playground_vote_patterns",
        v5,
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("pairs", sa.Text, nullable=False),
    )
    sa.Table(
        "playground_vote_costs",
        v5,
        sa.Column("vote_id", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),  # of the entry in the vote
        sa.Column("endpoint", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("cost_usd", sa.Float, nullable=False),
        sa.Column("estimated", sa.Boolean, nullable=False),
    )
    v5.create_all(conn, tables=[v5.tables[n] for n in (vote_patterns.name, vote_costs.name)])
    tally.create(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [
    _v1_workspaces,
    _v2_search_and_summary,
    _v3_votes,
    _v4_prompt_set_runs,
    _v5_vote_tallies,
    v6_snapshots,
    v7_answer_facts,
]


def current_version(conn: Connection) -> int:
    """The database's schema version (0 for an empty database)."""
    if not sa.inspect(conn).has_table(schema_version.name):
        return 0
    version = conn.execute(sa.select(schema_version.c.version)).scalar_one_or_none()
    return version or 0


def migrate(conn: Connection, steps: list[Callable[[Connection], None]] | None = None) -> int:
    """Bring the schema up to date inside the caller's transaction; the new version."""
    steps = MIGRATIONS if steps is None else steps
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
    version = current_version(conn)
    if version > len(steps):
        raise SchemaTooNew(
            f"The workspace database has schema version {version}, newer than this app "
            f"knows ({len(steps)}). Update the app; the database was left untouched."
        )
    if version == len(steps):
        return version
    if version == 0:
        schema_version.create(conn, checkfirst=True)
        conn.execute(schema_version.insert().values(id=1, version=0))
    for step in steps[version:]:
        step(conn)
    conn.execute(schema_version.update().values(version=len(steps)))
    return len(steps)
