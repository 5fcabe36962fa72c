"""The Models page: one row per model as a person chose it, from every saved answer,
prompt-set check and blind vote (``playground.report``), and quality against cost and
against first token with the models no other beats on both marked."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from playground.arena.vote_store import VoteStore
from playground.report import report
from playground.report.queries import ReportFilter, choices
from playground.report.report import ModelRow
from playground.store import StoreError, WorkspaceStore
from playground.store.engine import reading
from playground.ui import persistence
from playground.ui.arena import hidden_page
from playground.ui.state import session

METHOD = """\
**How it is counted.** A row is a model as it was chosen: endpoint, model and the
settings that differ from the defaults. **Rating** is the Leaderboard's Bradley–Terry
rating of blind votes (votes name endpoint and model, so a rating shows on each settings
row of its model); **Pass rate** is the share of prompt-set answers whose every check
passed, with a 95 % Wilson interval, and per check kind. First token and tok/s are the
nearest-rank p50/p95 of the saved answers; **Cost / 1,000 answers** is the mean cost
of the answers with a price, times 1,000. **Quality** is the pass rate when the model
has one, else its rating's chance of beating an average-rated model. ★ marks the
models no other beats on both axes of a chart (higher quality and lower cost, or lower
first token). Tags filter votes; the prompt set filters answers and pass rates.
"""


def _filters(votes: VoteStore, endpoints: list[str], sets: list[str]) -> ReportFilter:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        since = st.date_input("From", value=None, key="mr_since")
        until = st.date_input("To", value=None, key="mr_until")
        tags = st.multiselect("Tags", votes.tags(), key="mr_tags", placeholder="All tags")
        chosen_sets = st.multiselect("Prompt set", sets, key="mr_sets", placeholder="All")
        chosen = st.multiselect("Endpoint", endpoints, key="mr_endpoints", placeholder="All")
    as_date = lambda d: d if isinstance(d, dt.date) else None  # noqa: E731
    return ReportFilter(
        as_date(since), as_date(until), tuple(chosen_sets), tuple(chosen), tuple(tags)
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _front(row: ModelRow) -> str:
    marks = [("★ cost", row.front_cost), ("★ first token", row.front_ttft)]
    return " ".join(mark for mark, on in marks if on)


def table(rows: list[ModelRow]) -> pd.DataFrame:
    kinds = sorted({k for r in rows for k in r.checks})
    out = []
    for r in rows:
        f, s, interval = r.figures, r.standing, r.pass_interval
        row: dict[str, object] = {
            "Model": r.key.model,
            "Endpoint": r.key.endpoint,
            "Settings": r.key.settings or "defaults",
            "Front": _front(r),
            "Quality %": _pct(r.quality),
            "Rating": None if s is None else round(s.rating),
            "Rating 95%": "" if s is None else f"{s.low:.0f} – {s.high:.0f}",
            "Votes": None if s is None else s.votes,
            "Pass rate %": _pct(r.pass_rate),
            "Pass 95%": "" if interval is None else f"{_pct(interval[0])} – {_pct(interval[1])}",
        }
        for kind in kinds:
            passed, of = r.checks.get(kind, (0, 0))
            row[f"Pass · {kind} %"] = _pct(passed / of) if of else None
        row |= {
            "First token p50 (s)": f.ttft_p50,
            "First token p95 (s)": f.ttft_p95,
            "tok/s p50": None if f.tok_s_p50 is None else round(f.tok_s_p50, 1),
            "Cost / 1,000 answers ($)": f.cost_per_1000,
            "Answers": f.answers,
        }
        out.append(row)
    return pd.DataFrame(out)


def chart(data: pd.DataFrame, x: str, front: str, title: str) -> alt.Chart:
    points = data.dropna(subset=["Quality %", x]).assign(
        **{"On the front": data["Front"].str.contains(front)}
    )
    return (
        alt.Chart(points, title=title)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X(f"{x}:Q"),
            y=alt.Y("Quality %:Q", scale=alt.Scale(domain=[0, 100])),
            shape=alt.Shape("On the front:N"),
            color=alt.Color("On the front:N", scale=alt.Scale(range=["#9aa0a6", "#d93025"])),
            tooltip=["Model", "Endpoint", "Settings", "Quality %", x, "Answers"],
        )
    )


def render() -> None:
    state = session()
    st.markdown("### Models")
    if hidden_page(state, "the models report"):
        return
    store = persistence.store()
    if store is None:
        st.error(
            f"The report is not available: {persistence.store_problem()}",
            icon=":material/cloud_off:",
        )
        return
    try:
        _report(store)
    except StoreError as exc:
        st.error(exc.message, icon=":material/cloud_off:")


def _report(store: WorkspaceStore) -> None:
    votes = VoteStore(store)
    with reading(store.engine) as conn:
        endpoints, sets = choices(conn)
    where = _filters(votes, endpoints, sets)
    rows = report.load(store, where)
    if not rows:
        st.info(
            "Nothing saved matches yet: answers on the Playground, prompt-set runs and "
            "blind votes are counted here as they are saved."
        )
        st.markdown(METHOD)
        return
    data = table(rows)
    st.caption(f"{len(rows)} models · {int(data['Answers'].sum())} answers counted.")
    st.dataframe(data, hide_index=True, key="mr_table")
    cost = chart(data, "Cost / 1,000 answers ($)", "cost", "Quality against cost")
    ttft = chart(data, "First token p50 (s)", "first token", "Quality against first token")
    left, right = st.columns(2)
    left.altair_chart(cost, key="mr_cost_chart")
    right.altair_chart(ttft, key="mr_ttft_chart")
    st.markdown(METHOD)
