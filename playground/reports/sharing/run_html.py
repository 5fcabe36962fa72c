"""A prompt-set run snapshot's HTML body: the summary per card and the grid of answers."""

from __future__ import annotations

from html import escape

from playground.promptsets.records import CellResult
from playground.reports.sharing.answer_html import answer_html
from playground.reports.sharing.records import RunSnapshot


def _cell(cell: CellResult | None) -> str:
    if cell is None:
        return '<td class="placeholder">not run</td>'
    marks = "".join(
        f"<div>{'✓' if check.passed else '✗'} {escape(check.check)}</div>" for check in cell.checks
    )
    if cell.score is not None:
        marks += f"<div>judge: {cell.score}/10</div>"
    figures = cell.metrics.summary() if cell.metrics is not None else ""
    calls = [call for r in cell.rounds for call in r.tool_calls] + cell.tool_calls
    body = answer_html(cell.text, cell.reasoning, calls, cell.error, figures)
    return f"<td>{marks}{body}</td>"


def _answers(cells: list[CellResult]) -> str:
    """A grid cell's answers: one, or each of its runs under its number, in one cell."""
    if len(cells) <= 1:
        return _cell(cells[0] if cells else None)
    passed = sum(1 for cell in cells if cell.passed)
    inner = "".join(
        f"<div><b>run {cell.run + 1}</b>{_cell(cell).removeprefix('<td>').removesuffix('</td>')}"
        "</div>"
        for cell in cells
    )
    return f"<td><div>{len(cells)} answers · {passed}/{len(cells)} passed</div>{inner}</td>"


def run_body(snapshot: RunSnapshot) -> str:
    spec = snapshot.spec
    names = list(snapshot.summary[0].figures) if snapshot.summary else []
    head = "".join(f"<th>{escape(name)}</th>" for name in names)
    rows = "".join(
        f"<tr><th>{escape(row.label)}</th>"
        + "".join(f"<td>{escape(row.figures.get(n, ''))}</td>" for n in names)
        + "</tr>"
        for row in snapshot.summary
    )
    summary = f"<h2>Summary</h2><table><tr><th>card</th>{head}</tr>{rows}</table>"
    by_cell = snapshot.answers_at()
    columns = "".join(f"<th>{escape(column.label)}</th>" for column in spec.columns)
    grid_rows = "".join(
        f"<tr><th>{row.number}</th><td><pre>{escape(row.prompt)}</pre></td>"
        + "".join(_answers(by_cell.get((r, c), [])) for c in range(len(spec.columns)))
        + "</tr>"
        for r, row in enumerate(spec.rows)
    )
    grid = f"<h2>Answers</h2><table><tr><th>#</th><th>prompt</th>{columns}</tr>{grid_rows}</table>"
    return summary + grid
