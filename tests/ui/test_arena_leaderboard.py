"""The Leaderboard page (AppTest): ratings of stored votes, filters, the heat map, the
export and withdrawing one's own vote."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from playground.arena import ratings
from playground.arena.tally import tally_of
from playground.arena.vote_store import VoteStore
from playground.store import StoreConfig, WorkspaceStore
from tests.arena_votes import WHEN, record
from tests.helpers import APP, endpoints_toml

Config = Callable[..., Path]
VOTES = (
    [record(["x", "y"], "a", tag="coding")] * 3
    + [record(["x", "y"], "tie", tag="writing")]
    + [record(["y", "z"], "a", tag="coding", when=WHEN + dt.timedelta(days=3))] * 2
    + [record(["x", "z"], "bothbad", tag="writing")]
)


@pytest.fixture
def store(
    write_config: Config, scenario: Callable[..., str], tmp_path: Path
) -> Iterator[VoteStore]:
    write_config(endpoints_toml(A=scenario()) + f'\n[store]\ndata_dir = "{tmp_path / "data"}"\n')
    opened = WorkspaceStore.from_config(StoreConfig(data_dir=str(tmp_path / "data")))
    votes = VoteStore(opened)
    for i, vote in enumerate(VOTES):
        votes.add(vote.model_copy(update={"id": f"lb{i}"}))
    yield votes
    opened.close()


def leaderboard() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/leaderboard.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest) -> list[dict[str, object]]:
    return at.dataframe[0].value.to_dict("records") if at.dataframe else []


def test_the_table_shows_the_ratings_of_the_stored_votes(store: VoteStore) -> None:
    at = leaderboard()
    rows = table(at)
    expected = ratings.standings(tally_of(store.list()))
    assert {s.model.model for s in expected} == {"x", "y", "z"}
    assert [(r["Model"], r["Endpoint"], r["Rating"]) for r in rows] == [
        (s.model.model, "E", round(s.rating)) for s in expected
    ]
    assert [r["95% interval"] for r in rows] == [f"{s.low:.0f} – {s.high:.0f}" for s in expected]
    assert [(r["Votes"], r["Wins"], r["Losses"], r["Ties"]) for r in rows] == [
        (s.votes, s.wins, s.losses, s.ties) for s in expected
    ]
    assert {r["Cost per answer"] for r in rows} == {"–"}  # no vote carried a price
    assert any("7 blind votes" in c.value for c in at.caption)
    assert any("half a win" in m.value for m in at.markdown)


def test_filters_by_tag_by_date_and_both_bad(store: VoteStore) -> None:
    at = leaderboard()
    at.multiselect(key="lb_tags").set_value(["writing"]).run()
    assert {r["Model"]: r["Ties"] for r in table(at)} == {"x": 2, "y": 1, "z": 1}
    at.toggle(key="lb_bothbad").set_value(False).run()  # "Both are bad" left out
    assert {r["Model"] for r in table(at)} == {"x", "y"}
    at.multiselect(key="lb_tags").set_value([]).run()
    at.toggle(key="lb_bothbad").set_value(True).run()
    at.date_input(key="lb_since").set_value(WHEN.date() + dt.timedelta(days=1)).run()
    assert {(r["Model"], r["Wins"]) for r in table(at)} == {("y", 2), ("z", 0)}


def test_a_later_run_reads_no_vote_and_counts_nothing(store: VoteStore) -> None:
    # Issue 27: every run read and validated every vote and redrew the heat map from them
    # (2.7 s of CPU a run at 20,000 votes). Now a run with the same filter and no new
    # vote takes its board from the cache: no vote's JSON is read, nothing is counted.
    at = leaderboard()
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))  # (conn, cursor, statement, ...)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", seen)
    try:
        at.run()
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", seen)
    assert not at.exception and len(table(at)) == 3
    reads = [s for s in statements if "playground_votes.data" in s]
    assert all("LIMIT" in s for s in reads), reads  # only "Your latest votes" (20)
    assert not [s for s in statements if "GROUP BY" in s]
    assert statements  # the store was asked whether votes changed


def test_a_new_vote_shows_at_the_next_run(store: VoteStore) -> None:
    at = leaderboard()
    assert {r["Model"]: r["Votes"] for r in table(at)} == {"x": 5, "y": 6, "z": 3}
    store.add(record(["x", "w"], "b", tag="coding").model_copy(update={"id": "lb-new"}))
    at.run()
    assert {r["Model"]: r["Votes"] for r in table(at)} == {"w": 1, "x": 6, "y": 6, "z": 3}
    assert any("8 blind votes" in c.value for c in at.caption)


def test_the_heat_map_holds_each_pairs_win_rate(store: VoteStore) -> None:
    at = leaderboard()
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "text"]
    assert spec["layer"][0]["encoding"]["color"]["field"] == "rate"
    # Streamlit sends the chart's data as Arrow tables next to the spec.
    rows = [
        row
        for dataset in chart.proto.datasets
        for row in pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    ]
    values = {(v["row"], v["column"]): (v["rate"], v["games"]) for v in rows}
    assert values[("x · E", "y · E")] == (pytest.approx(3.5 / 4), 4)
    assert values[("y · E", "x · E")] == (pytest.approx(0.5 / 4), 4)
    assert values[("z · E", "x · E")] == (0.5, 1)  # "Both are bad": a tie
    assert ("y · E", "z · E") in values and ("x · E", "x · E") not in values


def test_export_and_withdraw_ones_own_vote(store: VoteStore) -> None:
    at = leaderboard()
    assert at.get("download_button")  # single-user mode: the votes may be exported
    at.button(key="lb-withdraw-lb6").click().run()  # the newest vote cast without sign-in
    assert not at.exception
    assert "lb6" not in {v.id for v in store.list()} and len(store.list()) == 6
    assert any("6 blind votes" in c.value for c in at.caption)


def test_a_shared_deployment_without_sign_in_shows_only_the_leaderboard(
    store: VoteStore, write_config: Config, scenario: Callable[..., str], tmp_path: Path
) -> None:
    write_config(
        endpoints_toml(A=scenario())
        + f'\n[store]\ndata_dir = "{tmp_path / "data"}"\nshared = true\n'
    )
    at = leaderboard()
    assert len(table(at)) == 3
    assert not at.get("download_button") and not [b for b in at.button if b.key.startswith("lb-")]
    assert any("Sign in to export" in c.value for c in at.caption)
