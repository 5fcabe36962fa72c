"""The Models report's figures, on SQLite and PostgreSQL, against hand-computed values:
facts written with workspaces and prompt-set cells, the migration's backfill, filters,
nearest-rank percentiles, pass rates with Wilson intervals, the Pareto front."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from playground.arena.ratings import Standing
from playground.arena.round import Contestant
from playground.promptsets.records import CellResult, CheckResult, RunColumn, RunRow, RunSpec
from playground.promptsets.stats import wilson
from playground.promptsets.store import RunStore
from playground.reports.models.queries import Figures, ModelKey, ReportFilter, figures
from playground.reports.models.report import ModelRow, build, front, load
from playground.reports.models.settings import settings_label
from playground.store import WorkspaceStore
from playground.store.engine import reading, writing
from playground.workspace.types import (
    Card,
    CardConfig,
    Message,
    Metrics,
    SamplingSettings,
    Workspace,
)
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401

TTFTS = [0.05 * i for i in range(20, 0, -1)]  # 1.0 … 0.05, stored in no order
PRICES = [0.001, 0.003, None]  # a third of the answers have no price


@pytest.fixture
def store(database_url: str) -> Iterator[WorkspaceStore]:  # noqa: F811
    s = WorkspaceStore(database_url)
    yield s
    s.close()


def answer(ttft: float, cost: float | None, span: float = 2.0) -> Message:
    metrics = Metrics(
        ttft_s=ttft,
        last_token_s=ttft + span,
        output_tokens=101,
        cost_usd=cost,
        cost_estimated=False,
    )
    return Message(role="assistant", content="ok", metrics=metrics)


def chat(endpoint: str, model: str, ttfts: list[float], **settings: object) -> Workspace:
    card = Card(config=CardConfig(endpoint=endpoint, model=model))
    card.config.settings = SamplingSettings(**settings)  # type: ignore[arg-type]
    for i, t in enumerate(ttfts):
        card.messages += [Message(role="user", content="q"), answer(t, PRICES[i % 3], 1 + i)]
    return Workspace(cards=[card])


SPEC = RunSpec(
    title="capitals",
    columns=[
        RunColumn(card_id="c1", label="1 · m", config=CardConfig(endpoint="e", model="m")),
        RunColumn(card_id="c2", label="2 · n", config=CardConfig(endpoint="f", model="n")),
    ],
    rows=[RunRow(number=i + 1, prompt=f"p{i}") for i in range(5)],
)


def cell(row: int, col: int, *passes: bool, status: str = "done") -> CellResult:
    checks = [
        CheckResult(check=c, passed=p)
        for c, p in zip(["contains:x", "regex:y"], passes, strict=False)
    ]
    return CellResult(row=row, col=col, status=status, text="a", checks=checks)  # type: ignore[arg-type]


def nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered)) - 1]


def test_answer_figures_match_a_hand_computation(store: WorkspaceStore) -> None:
    store.create(chat("e", "m", TTFTS))
    store.create(chat("e", "m", [9.0], temperature=0.2))  # another row: other settings
    with reading(store.engine) as conn:
        got = figures(conn, ReportFilter())
    plain = got[ModelKey("e", "m", "")]
    assert plain.answers == 20
    assert plain.ttft_p50 == pytest.approx(nearest_rank(TTFTS, 0.5)) == pytest.approx(0.5)
    assert plain.ttft_p95 == pytest.approx(nearest_rank(TTFTS, 0.95)) == pytest.approx(0.95)
    rates = [100 / (1 + i) for i in range(20)]  # 101 tokens over a span of 1 + i seconds
    assert plain.tok_s_p50 == pytest.approx(nearest_rank(rates, 0.5))
    priced = [PRICES[i % 3] for i in range(20) if PRICES[i % 3] is not None]
    assert plain.cost_per_1000 == pytest.approx(1000 * sum(priced) / len(priced))  # type: ignore[arg-type]
    other = got[ModelKey("e", "m", "T 0.2")]
    assert (other.answers, other.ttft_p50, other.ttft_p95) == (1, 9.0, 9.0)


def test_answers_asked_at_once_count_with_the_kept_one(store: WorkspaceStore) -> None:
    workspace = chat("e", "m", [0.1])
    kept = workspace.cards[0].messages[-1]
    kept.runs = [answer(0.2, None, 2), answer(0.3, None, 3)]  # Ask N times: 3 answers
    store.create(workspace)
    with reading(store.engine) as conn:
        got = figures(conn, ReportFilter())[ModelKey("e", "m", "")]
    assert got.answers == 3 and got.ttft_p95 == pytest.approx(0.3)


def test_a_save_adds_new_answers_and_drops_gone_ones_and_delete_forgets(
    store: WorkspaceStore,
) -> None:
    workspace = chat("e", "m", [0.1, 0.2])
    ws_id = store.create(workspace)
    workspace.cards[0].messages += [Message(role="user", content="q"), answer(0.3, None)]
    store.save(ws_id, workspace, 1)
    key = ModelKey("e", "m", "")
    with reading(store.engine) as conn:
        assert figures(conn, ReportFilter())[key].answers == 3
    workspace.cards[0].messages = workspace.cards[0].messages[2:]  # the first turn removed
    streaming = Message(role="assistant", content="…", status="streaming")
    workspace.cards[0].messages += [Message(role="user", content="q"), streaming]
    store.save(ws_id, workspace, 2)
    with reading(store.engine) as conn:
        assert figures(conn, ReportFilter())[key].answers == 2  # not the streaming one
    assert store.delete(ws_id)
    with reading(store.engine) as conn:
        assert figures(conn, ReportFilter()) == {}


def test_pass_rates_per_model_and_check_kind(store: WorkspaceStore) -> None:
    runs = RunStore(store.engine)
    run_id = runs.create(SPEC, workspace_id=None, owner=None)
    runs.write_cells(run_id, [cell(r, 0, True, r < 2) for r in range(5)])  # 2 of 5 pass both
    runs.write_cells(run_id, [cell(0, 1, True), cell(1, 1, True, status="error")])
    runs.write_cells(run_id, [cell(4, 0, True, True)])  # rewritten: now 3 of 5 pass
    rows = {r.key: r for r in load(store, ReportFilter())}
    m = rows[ModelKey("e", "m", "")]
    assert (m.figures.passed, m.figures.graded, m.figures.answers) == (3, 5, 5)
    assert m.checks == {"contains": (5, 5), "regex": (3, 5)}
    assert m.pass_interval == pytest.approx(wilson(3, 5))
    n = rows[ModelKey("f", "n", "")]
    assert (n.figures.passed, n.figures.graded, n.figures.answers) == (1, 2, 1)  # error fails
    assert n.checks == {"contains": (1, 2)}
    assert runs.delete(run_id)
    assert load(store, ReportFilter()) == []


def test_filters_by_endpoint_prompt_set_and_day(store: WorkspaceStore) -> None:
    store.create(chat("e", "m", [0.1]))
    store.create(chat("other", "m", [0.2, 0.3]))
    runs = RunStore(store.engine)
    runs.write_cells(runs.create(SPEC, workspace_id=None, owner=None), [cell(0, 0, True)])
    today = dt.datetime.now(dt.UTC).date()

    def answers(**where: object) -> dict[ModelKey, int]:
        with reading(store.engine) as conn:
            got = figures(conn, ReportFilter(**where))  # type: ignore[arg-type]
        return {k: f.answers for k, f in got.items()}

    assert answers() == {ModelKey("e", "m", ""): 2, ModelKey("other", "m", ""): 2}
    assert answers(endpoints=("other",)) == {ModelKey("other", "m", ""): 2}
    assert answers(prompt_sets=("capitals",)) == {ModelKey("e", "m", ""): 1}
    assert answers(prompt_sets=("nope",)) == {}
    assert answers(since=today, until=today) == answers()
    assert answers(since=today + dt.timedelta(days=1)) == {}
    assert answers(until=today - dt.timedelta(days=1)) == {}


def test_stores_made_before_the_facts_table_are_backfilled(database_url: str) -> None:  # noqa: F811
    store = WorkspaceStore(database_url)
    store.create(chat("e", "m", [0.1, 0.2]))
    runs = RunStore(store.engine)
    runs.write_cells(runs.create(SPEC, workspace_id=None, owner=None), [cell(0, 0, True)])
    with writing(store.engine) as conn:  # back to version 6, as an older app left it
        for table in ("answer_facts", "check_facts", "run_columns"):
            conn.execute(sa.text(f"DROP TABLE playground_{table}"))
        conn.execute(sa.text("UPDATE playground_schema SET version = 6"))
    store.close()
    store = WorkspaceStore(database_url)
    rows = {r.key: r for r in load(store, ReportFilter())}
    assert rows[ModelKey("e", "m", "")].figures.answers == 3
    assert rows[ModelKey("e", "m", "")].checks == {"contains": (1, 1)}
    store.close()


def test_settings_label_names_what_differs_from_the_defaults() -> None:
    assert settings_label(SamplingSettings()) == ""
    label = settings_label(SamplingSettings(temperature=0.2, max_tokens=512, system_prompt="Hi"))
    assert label.startswith("system #") and label.endswith(" · T 0.2 · max 512")
    assert settings_label(SamplingSettings(system_prompt="Hi")) != settings_label(
        SamplingSettings(system_prompt="Ho")
    )


@pytest.mark.parametrize(
    ("k", "n"),
    [
        pytest.param(6, 10, id="6/10"),
        pytest.param(0, 7, id="0/7"),
        pytest.param(20, 20, id="20/20"),
    ],
)
def test_wilson_solves_the_score_equation(k: int, n: int) -> None:
    """The interval's ends are the p with |p̂ − p| = z·√(p(1−p)/n): the roots of
    (1 + z²/n)p² − (2p̂ + z²/n)p + p̂² = 0, solved here by the quadratic formula."""
    z, ph = 1.959963984540054, k / n
    a, b, c = 1 + z * z / n, -(2 * ph + z * z / n), ph * ph
    root = math.sqrt(b * b - 4 * a * c)
    assert wilson(k, n) == pytest.approx(((-b - root) / (2 * a), (-b + root) / (2 * a)))
    assert wilson(0, 0) == (0.0, 1.0)


def test_wilson_matches_a_published_value() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857, table I, 81/263: 0.2553 to 0.3662
    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def row(name: str, quality: float, cost: float | None, ttft: float | None) -> ModelRow:
    figures = Figures(
        answers=1, cost_per_1000=cost, ttft_p50=ttft, passed=int(quality * 100), graded=100
    )
    return ModelRow(key=ModelKey("e", name, ""), figures=figures)


def test_the_front_holds_the_models_no_other_beats_on_both() -> None:
    rows = [
        row("best", 0.9, 5.0, 2.0),
        row("cheap", 0.5, 1.0, 3.0),
        row("beaten", 0.5, 2.0, 3.0),  # cheap is as good and cheaper
        row("tie", 0.9, 5.0, 1.0),  # the same quality and cost as best: neither beats
        row("unpriced", 0.99, None, 0.5),
    ]
    names = lambda keys: {k.model for k in keys}  # noqa: E731
    assert names(front(rows, lambda r: r.figures.cost_per_1000)) == {"best", "cheap", "tie"}
    assert names(front(rows, lambda r: r.figures.ttft_p50)) == {"unpriced"}


def test_quality_is_the_pass_rate_else_the_ratings_chance_against_the_average() -> None:
    voted = Standing(Contestant("e", "v"), 1200.0, 1100.0, 1300.0, 4, 3, 1, 0)
    also = Standing(Contestant("e", "m"), 800.0, 700.0, 900.0, 4, 1, 3, 0)
    got = build({ModelKey("e", "m", ""): Figures(answers=4, passed=3, graded=4)}, {}, [voted, also])
    assert [(r.key.model, r.quality) for r in got] == [
        ("v", pytest.approx(1 / (1 + 10 ** (-200 / 400)))),
        ("m", 0.75),  # has a pass rate: its rating is shown but not used
    ]
    assert got[1].standing == also
    assert build({}, {}, [voted], ReportFilter(endpoints=("x",))) == []


def test_a_merged_save_counts_the_answers_of_both_writers(store: WorkspaceStore) -> None:
    base = chat("e", "m", [0.1])
    ws_id = store.create(base)
    mine, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
    mine.cards[0].messages += [Message(role="user", content="q"), answer(0.2, None)]
    theirs.cards[0].messages += [Message(role="user", content="r"), answer(0.3, None)]
    store.save(ws_id, mine, 1)
    merged = store.save(ws_id, theirs, 1)  # stale: merged with mine
    assert merged.workspace is not None
    with reading(store.engine) as conn:
        got = figures(conn, ReportFilter())[ModelKey("e", "m", "")]
    assert (got.answers, got.ttft_p95) == (3, 0.3)


def test_each_answer_of_a_cell_asked_several_times_is_counted(store: WorkspaceStore) -> None:
    runs = RunStore(store.engine)
    run_id = runs.create(SPEC.model_copy(update={"runs": 3}), workspace_id=None, owner=None)
    three = [cell(0, 0, True).model_copy(update={"run": n}) for n in range(3)]
    three[2] = cell(0, 0, False).model_copy(update={"run": 2})
    runs.write_cells(run_id, three)
    rows = {r.key: r for r in load(store, ReportFilter())}
    assert rows[ModelKey("e", "m", "")].figures.answers == 3
    assert rows[ModelKey("e", "m", "")].checks == {"contains": (2, 3)}
