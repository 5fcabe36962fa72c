"""Migration step 7 of ``playground.store.schema``: the facts tables, made and filled
from the JSON of every workspace and prompt-set cell saved before them."""

from __future__ import annotations

import json

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from playground.promptsets.records import CellResult, RunSpec
from playground.reports.models import facts
from playground.reports.models.tables import metadata
from playground.workspace.types import Workspace


def v7_answer_facts(conn: Connection) -> None:
    """Version 7: the facts tables, backfilled from the workspaces' and cells' JSON.

    The step's tables are written out here as they are at version 7 (a later change
    appends a step; this one is never edited)."""
    metadata.create_all(conn)
    ws = sa.table(
        "playground_workspaces",
        sa.column("id"),
        sa.column("data"),
        sa.column("updated_at", sa.DateTime),
    )
    for ws_id, data, at in conn.execute(sa.select(ws.c.id, ws.c.data, ws.c.updated_at)).all():
        try:
            workspace = Workspace.model_validate_json(data)
        except ValidationError:
            continue
        facts.write_workspace(conn, ws_id, workspace, at=at)
    runs = sa.table("playground_promptset_runs", sa.column("id"), sa.column("spec"))
    cells = sa.table("playground_promptset_cells", sa.column("run_id"), sa.column("data"))
    for run_id, spec_text in conn.execute(sa.select(runs.c.id, runs.c.spec)).all():
        try:
            spec = RunSpec.model_validate_json(spec_text)
        except ValidationError:
            continue
        facts.write_columns(conn, run_id, spec)
        stmt = sa.select(cells.c.data).where(cells.c.run_id == run_id)
        batch = []
        for text in conn.execute(stmt).scalars():
            try:
                batch.append(CellResult.model_validate_json(text))
            except (ValidationError, json.JSONDecodeError):
                continue
        facts.write_cells(conn, run_id, batch, at=at)
