"""The Models report as a snapshot: frozen as shown, stored (SQLite and PostgreSQL) and
read back the same, and as HTML that runs and fetches nothing, whatever the names hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.arena.ratings import Standing
from playground.arena.round import Contestant
from playground.reports.models.queries import Figures, ModelKey, ReportFilter
from playground.reports.models.report import build
from playground.reports.models.shown import shown_filters, shown_rows
from playground.reports.sharing import ReportSnapshot, SnapshotStore, freeze_report, snapshot_html
from playground.store import WorkspaceStore
from playground.ui.sharing.controls import MODELS_PAGE, PROMPT_SETS_PAGE, snapshot_link
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401
from tests.reports.test_share_html import HOSTILE, assert_inert


@pytest.fixture
def workspace_store(database_url: str) -> Iterator[WorkspaceStore]:  # noqa: F811
    s = WorkspaceStore(database_url)
    yield s
    s.close()


def report_rows(model: str = "m", endpoint: str = "e", settings: str = "T 0.2"):  # type: ignore[no-untyped-def]
    answered = {
        ModelKey(endpoint, model, settings): Figures(
            answers=4,
            ttft_p50=0.2,
            ttft_p95=0.3,
            tok_s_p50=41.25,
            cost_per_1000=1.5,
            passed=3,
            graded=4,
        ),
        ModelKey("f", "n", ""): Figures(answers=2, ttft_p50=0.5, cost_per_1000=3.0),
    }
    checks = {ModelKey(endpoint, model, settings): {"contains": (3, 4)}}
    voted = [Standing(Contestant("f", "n"), 1100.0, 1050.0, 1150.0, 7, 5, 1, 1)]
    return build(answered, checks, voted)


WHERE = ReportFilter(since=dt.date(2026, 1, 2), tags=("coding", "<b>t</b>"), endpoints=("e",))


def test_a_report_snapshot_round_trips_with_its_rows_and_filters(
    workspace_store: WorkspaceStore,
) -> None:
    rows = shown_rows(report_rows())
    snapshot = freeze_report(rows, shown_filters(WHERE))
    store = SnapshotStore(workspace_store.engine)
    loaded = store.load(store.create(snapshot, owner=None))
    assert loaded is not None and isinstance(loaded.snapshot, ReportSnapshot)
    back = loaded.snapshot
    assert back == snapshot and back.kind == "models_report" and back.title == "Models report"
    assert back.filters == {
        "From": "2026-01-02",
        "To": "",
        "Tags": "coding, <b>t</b>",
        "Prompt set": "",
        "Endpoint": "e",
    }
    assert back.columns == list(rows[0]) and back.columns[:4] == [
        "Model",
        "Endpoint",
        "Settings",
        "Front",
    ]
    m = next(row for row in back.rows if row["Model"] == "m")
    assert m["Pass rate %"] == 75.0 and m["Pass · contains %"] == 75.0
    assert m["Answers"] == 4 and type(m["Answers"]) is int  # a count stays a count
    assert m["tok/s p50"] == 41.2 and type(m["tok/s p50"]) is float
    assert m["Front"] == "★ cost ★ first token"  # better on both than n
    n = next(row for row in back.rows if row["Model"] == "n")
    assert (n["Rating"], n["Votes"], n["Rating 95%"], n["Front"]) == (1100, 7, "1050 – 1150", "")
    assert [s.kind for s in store.list(owner=None)] == ["models_report"]


def test_a_report_snapshot_html_is_inert_whatever_the_names_hold() -> None:
    rows = report_rows(model=HOSTILE, endpoint="<script>e()</script>", settings="<img src=x>")
    page = snapshot_html(freeze_report(shown_rows(rows), shown_filters(WHERE)))
    assert_inert(page)
    assert "&lt;script&gt;e()&lt;/script&gt;" in page and "&lt;img src=x&gt;" in page
    assert "&lt;b&gt;t&lt;/b&gt;" in page  # a tag name, as a filter
    assert "★ cost ★ first token" in page and "75.0" in page and "1050 – 1150" in page
    assert "<h2>Filters</h2>" in page and "<th>To</th><td>all</td>" in page


def test_an_empty_report_says_so_in_its_html() -> None:
    page = snapshot_html(freeze_report([], shown_filters(ReportFilter())))
    assert_inert(page)
    assert "Nothing saved matched these filters." in page


def test_a_link_shared_from_another_page_opens_the_app_root() -> None:
    """``st.context.url`` holds the page's path; snapshots open on the default page."""
    sid = "A" * 22
    assert snapshot_link("https://h.example/app/models", sid, MODELS_PAGE) == (
        f"https://h.example/app/?snapshot={sid}"
    )
    assert snapshot_link("https://h.example/prompt_sets/", sid, PROMPT_SETS_PAGE) == (
        f"https://h.example/?snapshot={sid}"
    )
    assert snapshot_link("http://127.0.0.1:8501", sid) == f"http://127.0.0.1:8501/?snapshot={sid}"
    assert snapshot_link("", sid, MODELS_PAGE) == f"/?snapshot={sid}"
    app = Path(__file__).parents[2] / "streamlit_app.py"
    pages = app.read_text(encoding="utf-8")
    for path in (MODELS_PAGE, PROMPT_SETS_PAGE):  # Streamlit's url path is the file's stem
        assert f'st.Page("pages/{path}.py"' in pages
