"""One fact per saved answer (and per check of a prompt-set answer), written in the same
transaction as the workspace or the cells it comes from (tables in ``tables.py``).

A workspace's answers are keyed by their message id: a save adds the answers that are
new (``created_at`` is when they were first saved) and drops those no longer in it;
answers still streaming or that failed are not facts yet. A prompt-set cell is keyed by
its row and column: writing a cell again replaces its facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from playground.arena.round import contestant_of
from playground.promptsets.records import CellResult, RunSpec
from playground.reports.models.settings import settings_label
from playground.reports.models.tables import answer_facts, check_facts, run_columns
from playground.workspace.types import Card, Message, Metrics, Workspace

CHAT = "chat"
PROMPT_SET = "promptset"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _figures(metrics: Metrics | None) -> dict[str, Any]:
    m = metrics or Metrics()
    return {
        "ttft_s": m.ttft_s,
        "tok_s": m.tokens_per_second,
        "output_tokens": m.output_tokens,
        "cost_usd": m.cost_usd,
        "cost_estimated": m.cost_estimated,
    }


def _answers(card: Card) -> Iterator[Message]:
    """Every finished answer: those a Regenerate replaced and those asked at once with
    the kept one (Ask N times) count as answers too."""
    for message in card.messages:
        for answer in (*message.earlier, message):
            for one in (answer, *answer.runs):
                if one.role == "assistant" and one.status == "done" and not one.error:
                    yield one


def workspace_rows(workspace_id: str, workspace: Workspace, at: dt.datetime) -> list[dict]:
    """The facts of a workspace's finished answers."""
    rows = []
    for card in workspace.cards:
        who = contestant_of(card)
        if who is None:
            continue
        label = settings_label(card.config.settings)
        for answer in _answers(card):
            rows.append(
                {
                    "source": CHAT,
                    "source_id": workspace_id,
                    "answer_key": answer.id,
                    "endpoint": who.endpoint,
                    "model": answer.model or who.model,
                    "settings": label,
                    "prompt_set": None,
                    "created_at": at,
                    "ok": True,
                    "passed": None,
                    **_figures(answer.metrics),
                }
            )
    return rows


def write_workspace(
    conn: Connection, workspace_id: str, workspace: Workspace, *, at: dt.datetime | None = None
) -> None:
    """Bring the workspace's facts up to date: add its new answers, drop the gone ones."""
    rows = {r["answer_key"]: r for r in workspace_rows(workspace_id, workspace, at or _now())}
    mine = (answer_facts.c.source == CHAT, answer_facts.c.source_id == workspace_id)
    stored = set(conn.execute(sa.select(answer_facts.c.answer_key).where(*mine)).scalars())
    gone = stored - rows.keys()
    if gone:
        conn.execute(answer_facts.delete().where(*mine, answer_facts.c.answer_key.in_(gone)))
    new = [row for key, row in rows.items() if key not in stored]
    if new:
        conn.execute(answer_facts.insert(), new)


def delete_source(conn: Connection, source: str, source_id: str) -> None:
    """Forget the facts of a deleted workspace or run."""
    conn.execute(
        answer_facts.delete().where(
            answer_facts.c.source == source, answer_facts.c.source_id == source_id
        )
    )
    if source == PROMPT_SET:
        conn.execute(check_facts.delete().where(check_facts.c.run_id == source_id))
        conn.execute(run_columns.delete().where(run_columns.c.run_id == source_id))


def write_columns(conn: Connection, run_id: str, spec: RunSpec) -> None:
    """Name the model of each column of a run (when it starts)."""
    rows = []
    for i, column in enumerate(spec.columns):
        who = contestant_of(Card(config=column.config))
        rows.append(
            {
                "run_id": run_id,
                "col": i,
                "endpoint": who.endpoint if who else column.config.endpoint or "",
                "model": who.model if who else "",
                "settings": settings_label(column.config.settings),
                "prompt_set": spec.title,
            }
        )
    if rows:
        conn.execute(run_columns.insert(), rows)


def cell_key(cell: CellResult) -> str:
    """A prompt-set answer's key among its run's facts: "row:col", and ":run" for the
    second and later answers of a cell (Runs per prompt)."""
    key = f"{cell.row}:{cell.col}"
    return f"{key}:{cell.run}" if cell.run else key


def write_cells(
    conn: Connection, run_id: str, cells: Iterable[CellResult], *, at: dt.datetime | None = None
) -> None:
    """Replace the facts of these cells of a run."""
    cells = list(cells)
    if not cells:
        return
    columns = {
        r.col: r for r in conn.execute(sa.select(run_columns).where(run_columns.c.run_id == run_id))
    }
    at = at or _now()
    keys = [cell_key(c) for c in cells]
    a, c = answer_facts.c, check_facts.c
    conn.execute(
        answer_facts.delete().where(
            a.source == PROMPT_SET, a.source_id == run_id, a.answer_key.in_(keys)
        )
    )
    conn.execute(check_facts.delete().where(c.run_id == run_id, c.answer_key.in_(keys)))
    answers, checks = [], []
    for cell, key in zip(cells, keys, strict=True):
        column = columns.get(cell.col)
        if column is None:
            continue
        who = {"endpoint": column.endpoint, "model": column.model, "settings": column.settings}
        answers.append(
            {
                "source": PROMPT_SET,
                "source_id": run_id,
                "answer_key": key,
                **who,
                "prompt_set": column.prompt_set,
                "created_at": at,
                "ok": cell.status == "done" and not cell.error,
                "passed": cell.passed,
                **_figures(cell.metrics),
            }
        )
        checks += [
            {
                "run_id": run_id,
                "answer_key": key,
                "position": i,
                **who,
                "prompt_set": column.prompt_set,
                "created_at": at,
                "kind": check.check.split(":", 1)[0][:32],
                "passed": check.passed and cell.status == "done",
            }
            for i, check in enumerate(cell.checks)
        ]
    if answers:
        conn.execute(answer_facts.insert(), answers)
    if checks:
        conn.execute(check_facts.insert(), checks)
