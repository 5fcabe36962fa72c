"""The Models page: one row per model as a person chose it, from every saved answer,
prompt-set check and blind vote (``playground.reports.models``), and quality against cost and
against first token with the models no other beats on both marked."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from playground.arena.vote_store import VoteStore
from playground.reports.models import report
from playground.reports.models.chart import COST, TTFT, chart, unplotted
from playground.reports.models.queries import ReportFilter, choices
from playground.reports.models.shown import shown_filters, shown_rows
from playground.session import Session
from playground.store import StoreError, WorkspaceStore
from playground.store.engine import reading
from playground.ui.arena.blind_round import hidden_page
from playground.ui.sharing.controls import share_report_controls
from playground.ui.state import session
from playground.ui.workspaces import persistence

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
        _report(state, store)
    except StoreError as exc:
        st.error(exc.message, icon=":material/cloud_off:")


def _report(state: Session, store: WorkspaceStore) -> None:
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
    shown = shown_rows(rows)
    share_report_controls(state, shown, shown_filters(where))
    data = pd.DataFrame(shown)
    st.caption(f"{len(rows)} models · {int(data['Answers'].sum())} answers counted.")
    st.dataframe(data, hide_index=True, key="mr_table")
    left, right = st.columns(2)
    for where, axis, key in ((left, COST, "mr_cost_chart"), (right, TTFT, "mr_ttft_chart")):
        where.altair_chart(chart(shown, *axis), key=key)
        if (why := unplotted(shown, axis[0])) is not None:
            where.caption(why)
    st.markdown(METHOD)
