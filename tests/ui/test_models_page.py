"""The Models page (AppTest): an empty store says so; saved answers, prompt-set checks and
votes make rows and the chart; filters; no model named while a blind round is unvoted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from playground.arena.vote_store import VoteStore
from playground.promptsets.store import RunStore
from playground.session.workspaces.shares import share_report
from playground.store import StoreConfig, WorkspaceStore
from playground.ui.resources import SERVICES
from tests.arena_votes import record
from tests.helpers import APP, endpoints_toml, open_with, shown
from tests.reports.test_models_report import SPEC, cell, chat
from tests.ui.test_arena_app import names_in, setup, tree_text
from tests.ui.test_arena_leaks import blind_round

Config = Callable[..., Path]
MakeScenario = Callable[..., str]


@pytest.fixture
def data_dir(write_config: Config, scenario: MakeScenario, tmp_path: Path) -> Path:
    write_config(endpoints_toml(A=scenario()) + f'\n[store]\ndata_dir = "{tmp_path / "data"}"\n')
    return tmp_path / "data"


def models_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/models.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest) -> list[dict[str, object]]:
    return at.dataframe[0].value.to_dict("records") if at.dataframe else []


def test_an_empty_store_says_so(data_dir: Path) -> None:
    at = models_page()
    assert any("Nothing saved matches yet" in i.value for i in at.info)
    assert not at.dataframe and not at.get("vega_lite_chart")


def test_saved_answers_checks_and_votes_make_rows_and_a_chart(data_dir: Path) -> None:
    store = WorkspaceStore.from_config(StoreConfig(data_dir=str(data_dir)))
    store.create(chat("e", "m", [0.1, 0.2, 0.3]))
    store.create(chat("f", "n", [0.4], temperature=0.2))
    runs = RunStore(store.engine)
    runs.write_cells(runs.create(SPEC, workspace_id=None, owner=None), [cell(0, 0, True, False)])
    votes = VoteStore(store)
    coding = [record(["x", "y"], "a", tag="coding")] * 3
    for i, vote in enumerate([*coding, record(["x", "z"], "tie", tag="writing")]):
        votes.add(vote.model_copy(update={"id": f"mr{i}"}))
    store.close()
    at = models_page()
    rows = {(r["Endpoint"], r["Model"], r["Settings"]): r for r in table(at)}
    assert set(rows) == {
        ("e", "m", "defaults"),
        ("f", "n", "T 0.2"),
        ("E", "x", "defaults"),
        ("E", "y", "defaults"),
        ("E", "z", "defaults"),
    }
    m = rows[("e", "m", "defaults")]
    assert (m["Answers"], m["First token p50 (s)"], m["Pass rate %"]) == (
        4,
        0.2,
        0.0,
    )  # 2nd of 0.1, 0.2, 0.3
    assert (m["Pass · contains %"], m["Pass · regex %"]) == (100.0, 0.0)
    assert rows[("E", "x", "defaults")]["Rating"] > rows[("E", "y", "defaults")]["Rating"]
    assert m["Front"] == "★ cost ★ first token"  # the only model with quality and both figures
    charts = at.get("vega_lite_chart")
    titles = [json.loads(c.proto.spec)["title"] for c in charts]
    assert titles == ["Quality against cost", "Quality against first token"]
    for chart in charts:  # each draws m alone, on its front
        points = [
            (row["Model"], row["On the front"])
            for dataset in chart.proto.datasets
            for row in pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
        ]
        assert points == [("m", "★ no other beats it")]
    assert any("Wilson" in md.value for md in at.markdown)
    at.multiselect(key="mr_tags").set_value(["writing"]).run()  # tags filter votes only
    assert {r["Model"] for r in table(at)} == {"m", "n", "x", "z"}
    at.multiselect(key="mr_tags").set_value(["coding"]).run()
    assert {r["Model"] for r in table(at)} == {"m", "n", "x", "y"}
    at.multiselect(key="mr_tags").set_value([]).run()
    at.multiselect(key="mr_endpoints").set_value(["f"]).run()
    assert [(r["Endpoint"], r["Model"]) for r in table(at)] == [("f", "n")]
    at.multiselect(key="mr_endpoints").set_value([]).run()
    at.multiselect(key="mr_sets").set_value(["capitals"]).run()
    assert {r["Model"]: r["Answers"] for r in table(at) if r["Answers"]} == {"m": 1}


def test_the_page_names_no_model_while_a_blind_round_has_no_vote(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    blind_round(at)
    at.switch_page("pages/models.py").run()
    assert not at.exception
    assert names_in(tree_text(at)) == []
    assert any("blind round is running" in i.value for i in at.info)
    at.switch_page("pages/playground.py").run()
    at.button(key="arena-vote-tie").click().run()
    at.switch_page("pages/models.py").run()
    assert not at.exception
    assert {"north-7b", "south-13b"} <= set(names_in(tree_text(at)))


def saved(data_dir: Path) -> None:
    store = WorkspaceStore.from_config(StoreConfig(data_dir=str(data_dir)))
    store.create(chat("e", "m", [0.1, 0.2, 0.3]))
    store.create(chat("f", "n", [0.4], temperature=0.2))
    runs = RunStore(store.engine)
    runs.write_cells(runs.create(SPEC, workspace_id=None, owner=None), [cell(0, 0, True, False)])
    votes = VoteStore(store)
    for i, vote in enumerate([record(["x", "y"], "a", tag="coding")] * 3):
        votes.add(vote.model_copy(update={"id": f"sh{i}"}))
    store.close()


def test_share_freezes_the_report_and_its_link_shows_it_read_only(data_dir: Path) -> None:
    saved(data_dir)
    at = models_page()
    at.multiselect(key="mr_tags").set_value(["coding"]).run()
    page_rows = at.dataframe[0].value
    at.button(key="share-models").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["share_last"]["models"]
    assert result.problem is None and result.snapshot_id is not None
    assert any(f"?snapshot={result.snapshot_id}" in c.value for c in at.code)

    fresh = open_with(snapshot=result.snapshot_id)
    assert len(fresh.chat_input) == 0 and len(fresh.text_input) == 0
    assert len(fresh.multiselect) == 0 and len(fresh.date_input) == 0
    assert [b.key for b in fresh.button] == []  # no Open as a new workspace, no Delete
    frozen = fresh.dataframe[0].value
    pd.testing.assert_frame_equal(frozen, page_rows, check_dtype=False)
    assert {"m", "n", "x", "y"} == set(frozen["Model"])
    assert any("Tags: coding" in shown(c.value) for c in fresh.caption)
    titles = [json.loads(c.proto.spec)["title"] for c in fresh.get("vega_lite_chart")]
    assert titles == ["Quality against cost", "Quality against first token"]


def test_share_is_not_offered_while_a_blind_round_has_no_vote(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    blind_round(at)
    hiding = at.session_state["playground"]
    assert share_report(hiding, SERVICES, [{"Model": "m"}], {}, None).snapshot_id is None
    at.switch_page("pages/models.py").run()
    assert not at.exception
    assert "share-models" not in [b.key for b in at.button]
    assert len(at.get("download_button")) == 0  # no Export HTML either
    at.switch_page("pages/playground.py").run()
    at.button(key="arena-vote-tie").click().run()
    at.switch_page("pages/models.py").run()
    assert not at.exception
    assert "share-models" in [b.key for b in at.button]  # the vote made a row: offered now
    assert len(at.get("download_button")) == 1


def test_a_chart_with_nothing_to_plot_says_why() -> None:
    from playground.reports.models.chart import COST, TTFT, unplotted

    rows: list[dict[str, object]] = [
        {"Quality %": 66.7, COST[0]: None, TTFT[0]: 0.35},
        {"Quality %": None, COST[0]: None, TTFT[0]: 0.2},
    ]
    assert unplotted(rows, TTFT[0]) is None  # one point to draw
    why = unplotted(rows, COST[0])
    assert why is not None and "price" in why
    rows[0]["Quality %"] = None
    assert "quality" in (unplotted(rows, TTFT[0]) or "")
