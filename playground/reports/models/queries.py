"""The Models report's figures per model, aggregated by the database (SQLite or PostgreSQL).

Counts, sums and means are one GROUP BY. Percentiles are not portable SQL (PostgreSQL
has ``percentile_cont``, SQLite has none; their interpolations would differ anyway), so
they are the **nearest rank** (the k-th smallest of n values with k = ⌈p·n⌉, Hyndman &
Fan's definition 1, no interpolation), the same on both databases: the GROUP BY counts
each model's values, then one query per model and percentile reads the k-th value in
order (``ORDER BY ttft_s LIMIT 1 OFFSET k-1``) from the index on (endpoint, model,
settings, figure), so it walks that model's index entries and nothing else reaches
Python. (A window-function version, ``ROW_NUMBER() OVER (PARTITION BY model ORDER BY
figure)``, was 7x slower on SQLite at 100,000 answers: it sorts every row twice.)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from playground.reports.models.tables import answer_facts, check_facts

A = answer_facts.c
C = check_facts.c


@dataclass(frozen=True, order=True)
class ModelKey:
    """A model as a person chose it."""

    endpoint: str
    model: str
    settings: str  # the settings that differ from the defaults ("" none)


@dataclass(frozen=True)
class ReportFilter:
    """Which facts: by day (UTC, inclusive), prompt set (its title) and endpoint (any of
    them; empty: all). Vote tags filter votes only (``playground.reports.models.report``)."""

    since: dt.date | None = None
    until: dt.date | None = None
    prompt_sets: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figures:
    answers: int  # answers that came (errors left out)
    ttft_p50: float | None = None
    ttft_p95: float | None = None
    tok_s_p50: float | None = None
    cost_per_1000: float | None = None  # mean cost of the answers with a price, × 1000
    cost_estimated: bool = False
    passed: int = 0  # prompt-set answers whose every check passed
    graded: int = 0  # prompt-set answers that had checks


def _where(stmt: sa.Select, cols: sa.ColumnCollection, where: ReportFilter) -> sa.Select:
    if where.since is not None:
        stmt = stmt.where(cols.created_at >= dt.datetime.combine(where.since, dt.time()))
    if where.until is not None:
        end = dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time())
        stmt = stmt.where(cols.created_at < end)
    if where.prompt_sets:
        stmt = stmt.where(cols.prompt_set.in_(where.prompt_sets))
    if where.endpoints:
        stmt = stmt.where(cols.endpoint.in_(where.endpoints))
    return stmt


def _nth(conn: Connection, column, key: ModelKey, count: int, percent: int, where):  # type: ignore[no-untyped-def]
    """The nearest-rank ``percent``-th percentile of ``column`` among ``count`` values:
    the ⌈n·p⌉-th smallest, read by walking the model's index (LIMIT 1 OFFSET k − 1)."""
    if count <= 0:
        return None
    k = math.ceil(count * percent / 100)
    stmt = _where(
        sa.select(column).where(
            A.endpoint == key.endpoint,
            A.model == key.model,
            A.settings == key.settings,
            column.is_not(None),
        ),
        A,
        where,
    )
    return conn.execute(stmt.order_by(column).limit(1).offset(k - 1)).scalar_one_or_none()


def figures(conn: Connection, where: ReportFilter) -> dict[ModelKey, Figures]:
    """Every model's figures under the filter."""
    key = (A.endpoint, A.model, A.settings)
    totals = _where(
        sa.select(
            *key,
            sa.func.sum(sa.case((A.ok, 1), else_=0)),
            sa.func.avg(A.cost_usd),
            sa.func.max(sa.case((A.cost_estimated, 1), else_=0)),
            sa.func.sum(sa.case((A.passed, 1), else_=0)),
            sa.func.count(A.passed),
            sa.func.count(A.ttft_s),
            sa.func.count(A.tok_s),
        ),
        A,
        where,
    ).group_by(*key)
    out: dict[ModelKey, Figures] = {}
    for e, m, s, answers, cost, estimated, passed, graded, n_ttft, n_tok in conn.execute(totals):
        k = ModelKey(e, m, s)
        out[k] = Figures(
            answers=int(answers or 0),
            ttft_p50=_nth(conn, A.ttft_s, k, n_ttft, 50, where),
            ttft_p95=_nth(conn, A.ttft_s, k, n_ttft, 95, where),
            tok_s_p50=_nth(conn, A.tok_s, k, n_tok, 50, where),
            cost_per_1000=None if cost is None else float(cost) * 1000,
            cost_estimated=bool(estimated),
            passed=int(passed or 0),
            graded=int(graded or 0),
        )
    return out


def check_rates(conn: Connection, where: ReportFilter) -> dict[ModelKey, dict[str, tuple]]:
    """Per model and check kind: (passed, checked)."""
    stmt = _where(
        sa.select(
            C.endpoint,
            C.model,
            C.settings,
            C.kind,
            sa.func.sum(sa.case((C.passed, 1), else_=0)),
            sa.func.count(),
        ),
        C,
        where,
    ).group_by(C.endpoint, C.model, C.settings, C.kind)
    out: dict[ModelKey, dict[str, tuple]] = {}
    for e, m, s, kind, passed, total in conn.execute(stmt):
        out.setdefault(ModelKey(e, m, s), {})[kind] = (int(passed), int(total))
    return out


def choices(conn: Connection) -> tuple[list[str], list[str]]:
    """The endpoints and prompt sets there are facts of, sorted (the filters' options)."""
    endpoints = conn.execute(sa.select(A.endpoint).distinct()).scalars().all()
    sets = conn.execute(sa.select(A.prompt_set).where(A.prompt_set.is_not(None)).distinct())
    return sorted(endpoints), sorted(sets.scalars().all())
