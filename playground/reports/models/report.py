"""The Models report: one ``ModelRow`` per model as a person chose it, and its Pareto front.

**Quality** (the charts' vertical axis) is the share of prompt-set answers whose every
check passed, when the model has any; otherwise, from blind votes, its Bradley–Terry
rating as the chance of beating a model of average rating (1000):
``1 / (1 + 10^((1000 − rating)/400))``. Both read as "how often it does well", 0 to 1;
a pass rate comes first because it is measured against fixed checks, while a rating is
relative to the other models voted on.

A model is **on the front** of a chart when no other model is at least as good on both
axes (quality higher or equal, cost or first token lower or equal) and better on one.

Votes name a model by endpoint and model only (``playground.arena.tally``), so a
rating is shown on each settings row of its model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from playground.arena import ratings
from playground.arena.ratings import Standing
from playground.arena.round import Contestant
from playground.arena.tally import Tally
from playground.arena.vote_store import VoteFilter, VoteStore
from playground.promptsets.stats import wilson
from playground.reports.models.queries import Figures, ModelKey, ReportFilter, check_rates, figures
from playground.store import WorkspaceStore
from playground.store.engine import reading


@dataclass(frozen=True)
class ModelRow:
    key: ModelKey
    figures: Figures
    standing: Standing | None = None
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind: (passed, of)
    front_cost: bool = False  # on the front of quality against cost
    front_ttft: bool = False  # on the front of quality against first token

    @property
    def pass_rate(self) -> float | None:
        f = self.figures
        return f.passed / f.graded if f.graded else None

    @property
    def pass_interval(self) -> tuple[float, float] | None:
        f = self.figures
        return wilson(f.passed, f.graded) if f.graded else None

    @property
    def quality(self) -> float | None:
        if self.pass_rate is not None:
            return self.pass_rate
        if self.standing is not None:
            return 1 / (1 + 10 ** ((ratings.BASE - self.standing.rating) / ratings.SCALE))
        return None


def load(store: WorkspaceStore, where: ReportFilter) -> list[ModelRow]:
    """The report of a filter, from the store: its facts and its votes."""
    with reading(store.engine) as conn:
        answered = figures(conn, where)
        checked = check_rates(conn, where)
    tally = VoteStore(store).tally(VoteFilter(where.tags, where.since, where.until))
    return build(answered, checked, standings_of(tally), where)


def build(
    answered: dict[ModelKey, Figures],
    checks: dict[ModelKey, dict[str, tuple[int, int]]],
    standings: list[Standing],
    where: ReportFilter | None = None,
) -> list[ModelRow]:
    """The rows, sorted by quality (best first), then by name; fronts marked."""
    where = where or ReportFilter()
    voted = {s.model: s for s in standings if _shown(s.model, where)}
    keys = set(answered) | set(checks)
    named = {Contestant(k.endpoint, k.model) for k in keys}
    keys |= {ModelKey(c.endpoint, c.model, "") for c in voted if c not in named}
    rows = [
        ModelRow(
            key=k,
            figures=answered.get(k, Figures(answers=0)),
            standing=voted.get(Contestant(k.endpoint, k.model)),
            checks=checks.get(k, {}),
        )
        for k in keys
    ]
    costs = front(rows, lambda r: r.figures.cost_per_1000)
    ttfts = front(rows, lambda r: r.figures.ttft_p50)
    rows = [replace(r, front_cost=r.key in costs, front_ttft=r.key in ttfts) for r in rows]
    return sorted(rows, key=lambda r: (-(r.quality if r.quality is not None else -1), r.key))


def _shown(model: Contestant, where: ReportFilter) -> bool:
    return not where.endpoints or model.endpoint in where.endpoints


def front(rows: list[ModelRow], lower_is_better) -> set[ModelKey]:  # type: ignore[no-untyped-def]
    """The keys of the rows no other row dominates (quality up, the other figure down);
    rows missing either figure are not on it."""
    points = [
        (r.key, r.quality, lower_is_better(r))
        for r in rows
        if r.quality is not None and lower_is_better(r) is not None
    ]
    return {
        key
        for key, q, x in points
        if not any(
            q2 >= q and x2 <= x and (q2 > q or x2 < x) for other, q2, x2 in points if other != key
        )
    }


def standings_of(tally: Tally) -> list[Standing]:
    """The Bradley–Terry standings of the votes (as the Leaderboard fits them)."""
    return ratings.standings(tally)
