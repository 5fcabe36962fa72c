"""A snapshot opened from its link (``?snapshot=<id>``): read-only, nothing that sends.

The Playground page draws this instead of the cards when its address names a
snapshot. What it offers: Open as a new workspace (not for the Models report: it
holds no card to go on from), Export HTML, and Delete (its owner only). An unknown
or deleted id says so.
"""

from __future__ import annotations

import streamlit as st

from playground.promptsets.records import CellResult
from playground.rendering.safe_markdown import neutralise
from playground.reports.sharing import ChatSnapshot, ReportSnapshot, RunSnapshot, StoredSnapshot
from playground.session import Session
from playground.session.workspaces.shares import (
    continues,
    delete_snapshot,
    may_delete,
    open_as_workspace,
    open_snapshot,
)
from playground.ui.card.messages import history
from playground.ui.resources import SERVICES
from playground.ui.sharing.controls import SNAPSHOT_PARAM, html_button, shared_here
from playground.ui.text import caption, error, label, warning
from playground.ui.workspaces import persistence

GRID_ROWS = 100  # rows of a run drawn here (Export HTML holds them all)


def requested() -> str | None:
    return st.query_params.get(SNAPSHOT_PARAM)


def _open_as_workspace(state: Session, stored: StoredSnapshot) -> None:
    open_as_workspace(state, SERVICES, stored)
    st.query_params.pop(SNAPSHOT_PARAM, None)
    st.query_params.pop(persistence.WS_PARAM, None)


def _delete(stored: StoredSnapshot) -> None:
    user = persistence.current_user()
    if not delete_snapshot(SERVICES, stored, user, shared_here(stored.id)):
        st.session_state["snapshot_delete_failed"] = True


def _leave() -> None:
    st.query_params.pop(SNAPSHOT_PARAM, None)


def _chat(snapshot: ChatSnapshot) -> None:
    per_row = max(1, min(snapshot.cards_per_row, len(snapshot.cards)))
    for start in range(0, len(snapshot.cards), per_row):
        columns = st.columns(per_row)
        for column, shown in zip(columns, snapshot.cards[start : start + per_row], strict=False):
            with column, st.container(border=True, key=f"snapshot-card-{shown.card.id}"):
                st.markdown(f"**{label(shown.label)}** · {label(shown.model)}")
                if shown.settings:
                    caption(shown.settings, icon=":material/tune:")
                if not shown.card.messages:
                    st.caption("No messages.")
                history(shown.card.messages, settings=shown.card.config.settings)


def _cell(cell: CellResult | None) -> None:
    if cell is None:
        st.caption("Not run.")
        return
    if cell.error:
        error(cell.error, icon=":material/error:")
    for step in cell.rounds:
        if step.text:
            st.markdown(neutralise(step.text))
    if cell.text:
        st.markdown(neutralise(cell.text))
    lines = [f"Tool call: {call.name}" for call in cell.all_tool_calls]
    lines += [f"{'✓' if c.passed else '✗'} {c.check}" for c in cell.checks]
    if cell.score is not None:
        lines.append(f"Judge: {cell.score}/10")
    if cell.metrics is not None and (figures := cell.metrics.summary()):
        lines.append(figures)
    if lines:
        st.text("\n".join(lines))


def _answers(cells: list[CellResult]) -> None:
    """A grid cell's answers: one, or each of its runs under its number."""
    if len(cells) <= 1:
        _cell(cells[0] if cells else None)
        return
    passed = sum(1 for cell in cells if cell.passed)
    st.caption(f"{len(cells)} answers · {passed}/{len(cells)} passed")
    for cell in cells:
        st.caption(f"Run {cell.run + 1}")
        _cell(cell)


def _run(snapshot: RunSnapshot) -> None:
    if snapshot.summary:
        names = list(snapshot.summary[0].figures)
        table = {"Card": [row.label for row in snapshot.summary]}
        table |= {name: [row.figures.get(name, "") for row in snapshot.summary] for name in names}
        with st.container(key="snapshot-summary"):
            st.dataframe(table, hide_index=True)
    spec = snapshot.spec
    by_cell = snapshot.answers_at()
    for r, row in enumerate(spec.rows[:GRID_ROWS]):
        with st.container(border=True, key=f"snapshot-row-{r}"):
            st.text(f"Row {row.number}: {row.prompt}")
            columns = st.columns(len(spec.columns))
            for c, (column, spec_column) in enumerate(zip(columns, spec.columns, strict=True)):
                with column:
                    st.caption(label(spec_column.label))
                    _answers(by_cell.get((r, c), []))
    if len(spec.rows) > GRID_ROWS:
        st.caption(f"The first {GRID_ROWS} of {len(spec.rows)} rows; Export HTML holds them all.")


def _report(snapshot: ReportSnapshot) -> None:
    """The Models report's filters, table and charts, drawn again from its rows."""
    from playground.reports.models.chart import COST, TTFT, chart  # loads pandas: on use only

    chosen = [f"{name}: {value or 'all'}" for name, value in snapshot.filters.items()]
    caption(" · ".join(chosen), icon=":material/filter_alt:")
    if not snapshot.rows:
        st.caption("Nothing saved matched these filters.")
        return
    with st.container(key="snapshot-report"):
        st.dataframe(snapshot.rows, hide_index=True, column_order=snapshot.columns)
    left, right = st.columns(2)
    left.altair_chart(chart(snapshot.rows, *COST), key="snapshot-cost-chart")
    right.altair_chart(chart(snapshot.rows, *TTFT), key="snapshot-ttft-chart")
    st.caption(
        "★ cost / ★ first token: no other model has both higher quality and lower cost "
        "(or first token)."
    )


def render(state: Session, snapshot_id: str) -> None:
    """The whole page for a snapshot link."""
    opened = open_snapshot(SERVICES, snapshot_id, persistence.current_user())
    if opened.stored is None:
        st.subheader("Shared snapshot", anchor=False)
        warning(opened.problem or "This snapshot cannot be shown.", icon=":material/link_off:")
        st.button("Go to the Playground", key="snapshot-leave", on_click=_leave)
        return
    stored = opened.stored
    snapshot = stored.snapshot
    st.subheader(label(snapshot.title) or "Shared snapshot", anchor=False)
    st.caption(
        f":material/visibility: Read-only snapshot, shared {stored.created_at:%Y-%m-%d %H:%M} UTC"
    )
    bar = st.container(horizontal=True, vertical_alignment="center", key="snapshot-bar")
    if continues(stored):  # the Models report holds no card or conversation
        bar.button(
            "Open as a new workspace",
            key="snapshot-open",
            type="primary",
            icon=":material/edit_note:",
            on_click=_open_as_workspace,
            args=(state, stored),
            help="Go on from here: a new workspace with these cards and their histories "
            "(your current one stays saved). Custom cards ask for their token again.",
        )
    html_button(lambda: snapshot, "snapshot-html", where=bar)
    if may_delete(stored.owner, persistence.current_user(), shared_here(stored.id)):
        bar.button(
            "Delete",
            key="snapshot-delete",
            icon=":material/delete:",
            on_click=_delete,
            args=(stored,),
            help="Delete this snapshot for good: its link will say it is unknown.",
        )
    if st.session_state.pop("snapshot_delete_failed", False):
        warning("The snapshot was not deleted (only the person who shared it may).")
    if isinstance(snapshot, ChatSnapshot):
        _chat(snapshot)
    elif isinstance(snapshot, RunSnapshot):
        _run(snapshot)
    else:
        _report(snapshot)
