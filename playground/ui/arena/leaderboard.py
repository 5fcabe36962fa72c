"""The Leaderboard page: Bradley–Terry ratings of blind votes, the win-rate heat map,
the export of the votes as preference pairs, and withdrawing one's own votes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from playground.arena import ratings
from playground.arena.export import export_jsonl
from playground.arena.tally import Tally
from playground.arena.vote_store import VoteFilter, VoteStore
from playground.costs.money import dollars
from playground.session.evaluation import arena
from playground.store import StoreError
from playground.ui.arena.blind_round import hidden_page
from playground.ui.resources import SERVICES
from playground.ui.state import session
from playground.ui.workspaces import persistence

METHOD = """\
**How it is counted.** Each blind vote compares the models of its cards: "A is better"
is a win for A; a **tie** is half a win for each (as Chatbot Arena counts it); **"Both
are bad"** is counted as a tie too (neither gains on the other), unless you leave those
votes out above. Best-of-N: the best beats every other card; a worst loses to every other.
Ratings are Bradley–Terry strengths fitted with [choix](https://github.com/lucasmaystre/choix)
on an Elo-like scale (400 points = 10:1 odds; the average is 1000); the 95 % interval
comes from refitting on 1000 resamples of the votes.
"""


@dataclass(frozen=True)
class Board:
    """What the page draws of one filter: counted in SQL, fitted once, then cached."""

    votes: int
    voters: int
    table: pd.DataFrame  # the standings
    cells: pd.DataFrame  # the heat map's (row, column, rate, games)


@st.cache_data(show_spinner="Fitting ratings…", max_entries=32)
def _board(
    where_stored: str,
    where: tuple[object, ...],
    both_bad: str,
    version: tuple[int, str],
    _votes: VoteStore,
    _filter: VoteFilter,
) -> Board:
    """The board of a filter; the arguments but the last two are the cache key (the
    store's ``version`` changes with every vote added or withdrawn)."""
    del where_stored, where, version
    tally = _votes.tally(_filter)
    return Board(tally.votes, tally.voters, _table(tally, both_bad), _cells(tally, both_bad))


def _table(tally: Tally, both_bad: str) -> pd.DataFrame:
    rows = ratings.standings(tally, both_bad=both_bad)  # type: ignore[arg-type]
    return pd.DataFrame(
        [
            {
                "Rank": rank,
                "Model": s.model.model,
                "Endpoint": s.model.endpoint,
                "Rating": round(s.rating),
                "95% interval": f"{s.low:.0f} – {s.high:.0f}",
                "Votes": s.votes,
                "Wins": s.wins,
                "Losses": s.losses,
                "Ties": s.ties,
                "Cost per answer": dollars(c.dollars, c.estimated)
                if (c := s.cost_per_answer) is not None
                else "–",
            }
            for rank, s in enumerate(rows, start=1)
        ]
    )


def _cells(tally: Tally, both_bad: str) -> pd.DataFrame:
    """Row model's win rate against the column model, from their direct comparisons."""
    return pd.DataFrame(
        [
            {"row": c.row.key, "column": c.column.key, "rate": c.rate, "games": c.games}
            for c in ratings.win_rates(tally, both_bad)  # type: ignore[arg-type]
        ],
        columns=["row", "column", "rate", "games"],
    )


def heat_map_height(data: pd.DataFrame) -> int:
    """The heat map's plot height: 48 px a model, at least 120."""
    return max(120, 48 * len(set(data["row"]) | set(data["column"])))


# Room for the x axis's slanted labels and title under the plot: st.altair_chart's
# default height ("content") collapses a layered chart of nominal rows to a line.
HEAT_MAP_AXES = 110


def heat_map(data: pd.DataFrame) -> alt.Chart | None:
    """The win-rate matrix as a heat map; None when no pair was compared."""
    if data.empty:
        return None
    base = alt.Chart(data, height=heat_map_height(data)).encode(
        x=alt.X("column:N", title="against", axis=alt.Axis(labelAngle=-20, labelLimit=220)),
        y=alt.Y("row:N", title="model", axis=alt.Axis(labelLimit=220)),
        tooltip=["row", "column", alt.Tooltip("rate:Q", format=".0%"), "games"],
    )
    rects = base.mark_rect().encode(
        color=alt.Color(
            "rate:Q", scale=alt.Scale(domain=[0, 1], scheme="redblue"), title="win rate"
        )
    )
    text = base.mark_text().encode(text=alt.Text("rate:Q", format=".0%"))
    return rects + text


def _filters(store: VoteStore) -> tuple[VoteFilter, str]:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        tags = st.multiselect("Tags", store.tags(), key="lb_tags", placeholder="All tags")
        since = st.date_input("From", value=None, key="lb_since")
        until = st.date_input("To", value=None, key="lb_until")
        tie = st.toggle("Count “Both are bad” as a tie", value=True, key="lb_bothbad")
    as_date = lambda d: d if isinstance(d, dt.date) else None  # noqa: E731
    return VoteFilter(tuple(tags), as_date(since), as_date(until)), "tie" if tie else "drop"


def render() -> None:
    state = session()  # the same session as the Playground's
    st.markdown("### Leaderboard")
    if hidden_page(state, "the leaderboard"):
        return
    store = persistence.store()
    if store is None:
        st.error(
            f"Votes are not available: {persistence.store_problem()}", icon=":material/cloud_off:"
        )
        return
    votes = VoteStore(store)
    scope = arena.vote_scope(persistence.current_user(), SERVICES.config().store.shared)
    try:
        where, both_bad = _filters(votes)
        key = (where.tags, where.since, where.until)
        board = _board(votes.where_stored, key, both_bad, votes.version(), votes, where)
    except StoreError as exc:
        st.error(exc.message, icon=":material/cloud_off:")
        return
    team = f" by {board.voters} people" if board.voters > 1 else ""
    st.caption(f"{board.votes} blind votes{team} match.")
    if not board.votes:
        st.info("No votes yet: turn on **Blind comparison** on the Playground and vote.")
    else:
        st.dataframe(board.table, hide_index=True, key="lb_table")
        chart = heat_map(board.cells)
        if chart is not None:
            st.markdown("#### Pairwise win rate")
            height = heat_map_height(board.cells) + HEAT_MAP_AXES
            st.altair_chart(chart, key="lb_heat", height=height)
    st.markdown(METHOD)
    if scope.detail:
        _export_and_own_votes(votes, where, scope.voter)
    else:
        st.caption("Sign in to export the votes or withdraw yours.")


def _export_and_own_votes(votes: VoteStore, where: VoteFilter, voter: str | None) -> None:
    st.download_button(
        "Export votes (JSONL preference pairs)",
        data=lambda: export_jsonl(votes.list(where)),  # read when the button is pressed
        file_name="llm-playground-preferences.jsonl",
        mime="application/jsonl",
        key="lb_export",
        icon=":material/download:",
        on_click="ignore",
        help="One line per preference (prompt, chosen, rejected, models) of the votes shown.",
    )
    mine = votes.list(voter=voter, limit=20)
    if not mine:
        return
    with st.expander(f"Your latest votes ({len(mine)})", icon=":material/how_to_vote:"):
        for vote in mine:
            with st.container(horizontal=True, vertical_alignment="center"):
                models = " vs ".join(e.contestant.key for e in vote.entries)
                when = f"{vote.created_at:%Y-%m-%d %H:%M} UTC"
                st.text(f"{when} · {vote.outcome.describe()} · {models}", width="stretch")
                st.button(
                    "Withdraw",
                    key=f"lb-withdraw-{vote.id}",
                    icon=":material/undo:",
                    on_click=arena.withdraw,
                    args=(session(), SERVICES, vote.id, voter),
                )
