"""A run's results: the summary per card, the grid (a row per prompt, a column per card,
``PAGE_ROWS`` rows a page), the selected cell in full (its answers side by side, a tab
per run, with Runs per prompt), and "Continue as chat"."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.chat.tools.calls import ToolCall, call_marks
from playground.chat.tools.fit import argument_fit
from playground.costs.money import dollars
from playground.promptsets.records import CellResult
from playground.promptsets.summary import (
    ColumnSummary,
    GridRow,
    Spread,
    cell_fit,
    format_mark,
    grid,
    summarize,
)
from playground.rendering.safe_markdown import block_images
from playground.session import Session
from playground.session.evaluation.promptsets import RunView, continue_as_chat
from playground.ui import text as safe_text
from playground.ui.resources import SERVICES
from playground.ui.tools.calls import draw_call
from playground.ui.workspaces import persistence
from playground.workspace.types import SamplingSettings

PAGE_ROWS = 200  # grid rows drawn at once: a page selector shows the others


def _figure(value: float | None, fmt: str) -> str:
    return format(value, fmt) if value is not None else "–"


def _spread(value: Spread | None, fmt: str) -> str:
    """ "1.20 (0.90–2.10)": median (p10–p90)."""
    if value is None:
        return "–"
    p50, p10, p90 = value
    return f"{p50:{fmt}} ({p10:{fmt}}–{p90:{fmt}})"


def _summary(rows: list[ColumnSummary]) -> None:
    table = pd.DataFrame(
        {
            "Card": [s.label for s in rows],
            "Answers": [s.answers for s in rows],
            "Errors": [s.errors for s in rows],
            "Checks passed": [s.checks for s in rows],
            "Pass rate (95 % interval)": [s.pass_rate for s in rows],
            "Tool calls": [s.tool_calls for s in rows],
            "Arguments valid": [s.arguments for s in rows],
            "Schema-valid": [s.schema for s in rows],
            "Judge mean": [_figure(s.judge_mean, ".1f") for s in rows],
            "First token s, median (p10–p90)": [_spread(s.ttft, ".2f") for s in rows],
            "Tok/s, median (p10–p90)": [_spread(s.tokens_per_s, ".1f") for s in rows],
            "Length (tokens), median (p10–p90)": [_spread(s.length, ".0f") for s in rows],
            "Cost per answer $, median (p10–p90)": [_spread(s.answer_cost, ".6f") for s in rows],
            "Total tokens": [s.total_tokens for s in rows],
            "Reasoning tokens": [s.reasoning_tokens for s in rows],
            "Cost": [dollars(s.cost.dollars, s.cost.estimated) if s.cost else "–" for s in rows],
        }
    )
    with st.container(key="ps-summary"):
        st.dataframe(table, hide_index=True)


def _answer(state: Session, view: RunView, cell: CellResult | None, suffix: str) -> None:
    """One answer of the selected cell in full, with "Continue as chat"."""
    if cell is None:
        st.caption("No answer yet.")
        return
    settings = view.spec.columns[cell.col].config.settings
    if cell.error:
        safe_text.error(cell.error, icon=":material/error:")
    draw_exchange(cell, settings, suffix)
    _facts(cell, format_mark(cell_fit(cell, settings.response_format)))
    if st.button("Continue as chat", key=f"ps-continue{suffix}", icon=":material/forum:"):
        made = continue_as_chat(state, SERVICES, view.spec, cell)
        if isinstance(made, str):
            st.warning(made)
            return
        ws = state.saver.workspace_id if state.saver is not None else None
        st.switch_page(
            "pages/playground.py", query_params={persistence.WS_PARAM: ws} if ws else None
        )


def _tab_label(k: int, cell: CellResult | None) -> str:
    mark = "" if cell is None else {True: " ✓", False: " ✗", None: ""}[cell.passed]
    return f"Run {k + 1}{mark}"


def _detail(state: Session, view: RunView, r: int, c: int) -> None:
    row, column = view.spec.rows[r], view.spec.columns[c]
    answers = [view.cells.get((r, c, k)) for k in range(view.spec.runs)]
    with st.container(border=True, key="ps-detail"):
        st.text(f"Row {row.number} · {column.label}")
        with st.expander("Prompt", expanded=False):
            st.text(row.prompt)
        if len(answers) == 1:
            _answer(state, view, answers[0], "")
            return
        tabs = st.tabs([_tab_label(k, a) for k, a in enumerate(answers)])
        for k, (tab, cell) in enumerate(zip(tabs, answers, strict=True)):
            with tab:
                _answer(state, view, cell, "" if k == 0 else f"-{k}")


def _calls(calls: list[ToolCall], settings: SamplingSettings) -> None:
    marks = call_marks(calls, None, ended=False)  # the finish reason is not kept
    for call, mark in zip(calls, marks, strict=True):
        draw_call(call, mark, argument_fit(settings.tools, call))


def draw_exchange(cell: CellResult, settings: SamplingSettings, suffix: str = "") -> None:
    """The answers that got mock results (text, calls with results), then the final one
    (``suffix``: of the keys, one per answer of a cell)."""
    with st.container(key=f"ps-rounds{suffix}"):
        for number, step in enumerate(cell.rounds, start=1):
            st.caption(f":material/build: Tool round {number}")
            if step.text:
                st.markdown(block_images(step.text))
            _calls(step.tool_calls, settings)
    if cell.rounds:
        st.caption(":material/flag: Final answer")
    if cell.text:
        with st.container(key=f"ps-answer{suffix}"):
            st.markdown(block_images(cell.text))
    _calls(cell.tool_calls, settings)


def _facts(cell: CellResult, format_says: str | None) -> None:
    lines = []
    if cell.metrics is not None and (figures := cell.metrics.summary()):
        lines.append(figures)
    if format_says is not None:
        lines.append(format_says)
    for check in cell.checks:
        mark = "✓" if check.passed else "✗"
        lines.append(f"{mark} {check.check}" + (f": {check.detail}" if check.detail else ""))
    if cell.score is not None:
        lines.append(f"Judge: {cell.score}/10 · {cell.reason or ''}")
    elif cell.judge_error:
        lines.append(f"Judge: {cell.judge_error}")
    if lines:
        st.text("\n".join(lines))


def _page(view: RunView, failed: bool, differing: bool) -> list[GridRow]:
    """The grid rows of the chosen page (filters read every row; pages hold PAGE_ROWS)."""
    total = len(view.spec.rows)
    if failed or differing:
        rows = grid(view.spec, view.cells, failed_only=failed, differing_only=differing)
        total = len(rows)
    pages = max(1, -(-total // PAGE_ROWS))
    page = 1
    if pages > 1:
        page = st.selectbox(
            "Page",
            range(1, pages + 1),
            key="ps-page",
            format_func=lambda p: (
                f"Rows {(p - 1) * PAGE_ROWS + 1}–{min(p * PAGE_ROWS, total)} of {total:,}"
            ),
        )
        page = page if isinstance(page, int) and 1 <= page <= pages else 1
    shown = range((page - 1) * PAGE_ROWS, min(page * PAGE_ROWS, total))
    if failed or differing:
        return rows[shown.start : shown.stop]
    return grid(view.spec, view.cells, rows=shown)


def results(state: Session, view: RunView) -> None:
    _summary(summarize(view.spec, view.cells))
    bar = st.container(horizontal=True)
    failed = bar.toggle("Failed only", key="ps-failed", help="Rows with a failed check or error.")
    differing = bar.toggle(
        "Differing answers only", key="ps-differing", help="Rows where the cards disagree."
    )
    rows = _page(view, failed, differing)
    labels = [column.label for column in view.spec.columns]
    if not rows:
        st.caption("No row matches these filters.")
        return
    table = pd.DataFrame(
        {
            "#": [row.number for row in rows],
            "Prompt": [row.prompt for row in rows],
            **{label: [row.cells[i] for row in rows] for i, label in enumerate(labels)},
        }
    )
    event = st.dataframe(
        table,
        hide_index=True,
        key=f"ps-grid-{int(failed)}{int(differing)}-{st.session_state.get('ps-page', 1)}",
        on_select="rerun",
        selection_mode="single-cell",
        column_config={
            "#": st.column_config.NumberColumn(width="small"),  # 75 px
            "Prompt": st.column_config.TextColumn(width="medium"),  # 200 px
            **{label: st.column_config.TextColumn(width="medium") for label in labels},
        },
    )
    st.caption("Select a cell to see its answer in full; sort by clicking a column's header.")
    picked = event.selection.cells if event is not None else []
    if picked:
        position, name = picked[0]
        if 0 <= position < len(rows):
            col = labels.index(name) if name in labels else 0
            _detail(state, view, rows[position].index, col)
