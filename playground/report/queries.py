"""The Models report's figures per model, aggregated by the database (SQLite or PostgreSQL).

Counts, sums and means are GROUP BYs. Percentiles are not portable SQL (PostgreSQL has
``percentile_cont``, SQLite has none), so they are the **nearest rank** (the k-th
smallest of n values with k = ⌈p·n⌉, as in NIST's handbook and Hyndman & Fan's
definition 1, no interpolation), found with window functions both databases have
(SQLite since 3.25): each answer is numbered within its model in order of the figure
(``ROW_NUMBER() OVER (PARTITION BY model ORDER BY figure)``, answers without the figure
last), counted (``COUNT(figure) OVER (PARTITION BY model)``), and the outer GROUP BY
keeps the value whose number is k. One query per figure family; no answer row reaches
Python; the same values on both databases (an exact rank, no dialect's interpolation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from playground.report.tables import answer_facts, check_facts

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
    them; empty: all). Vote tags filter votes only (``playground.report.report``)."""

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


def _rank(column: sa.ColumnElement, key: tuple) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    last = sa.case((column.is_(None), 1), else_=0)
    number = sa.func.row_number().over(partition_by=key, order_by=(last, column))
    return number, sa.func.count(column).over(partition_by=key)


def _at(value: sa.ColumnElement, number, count, percent: int) -> sa.ColumnElement:
    k = (count * percent + 99) // 100  # ⌈n·p⌉ in integer arithmetic (both databases)
    return sa.func.min(sa.case((number == k, value), else_=None))


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
        ),
        A,
        where,
    ).group_by(*key)
    t_num, t_n = _rank(A.ttft_s, key)
    s_num, s_n = _rank(A.tok_s, key)
    ranked = _where(
        sa.select(
            *key,
            A.ttft_s,
            A.tok_s,
            t_num.label("t_num"),
            t_n.label("t_n"),
            s_num.label("s_num"),
            s_n.label("s_n"),
        ),
        A,
        where,
    ).subquery()
    r = ranked.c
    rkey = (r.endpoint, r.model, r.settings)
    percentiles = sa.select(
        *rkey,
        _at(r.ttft_s, r.t_num, r.t_n, 50),
        _at(r.ttft_s, r.t_num, r.t_n, 95),
        _at(r.tok_s, r.s_num, r.s_n, 50),
    ).group_by(*rkey)
    out: dict[ModelKey, Figures] = {}
    spread = {ModelKey(*row[:3]): row[3:] for row in conn.execute(percentiles)}
    for e, m, s, answers, cost, estimated, passed, graded in conn.execute(totals):
        k = ModelKey(e, m, s)
        p50, p95, tok = spread.get(k, (None, None, None))
        out[k] = Figures(
            answers=int(answers or 0),
            ttft_p50=p50,
            ttft_p95=p95,
            tok_s_p50=tok,
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
