"""A Models report snapshot's HTML body: its filters and its table, every value escaped.

The charts are not drawn (a chart needs a script); the table holds the same figures and
the ★ marks of the Pareto fronts.
"""

from __future__ import annotations

from html import escape

from playground.reports.sharing.records import ReportSnapshot


def _value(value: int | float | str | None) -> str:
    return "–" if value is None or value == "" else escape(str(value))


def report_body(snapshot: ReportSnapshot) -> str:
    chosen = "".join(
        f"<tr><th>{escape(name)}</th><td>{escape(value or 'all')}</td></tr>"
        for name, value in snapshot.filters.items()
    )
    filters = f"<h2>Filters</h2><table>{chosen}</table>"
    if not snapshot.rows:
        return filters + "<p><i>Nothing saved matched these filters.</i></p>"
    head = "".join(f"<th>{escape(name)}</th>" for name in snapshot.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_value(row.get(name))}</td>" for name in snapshot.columns) + "</tr>"
        for row in snapshot.rows
    )
    note = (
        '<p class="meta">★ cost / ★ first token: no other model has both higher quality '
        "and lower cost (or first token).</p>"
    )
    return f"{filters}<h2>Models</h2><table><tr>{head}</tr>{rows}</table>{note}"
