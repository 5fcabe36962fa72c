"""The Models report as the page shows it: its table rows and its filters, as plain values.

The page draws these rows (and its charts from them); a shared snapshot freezes the
same rows, so the snapshot shows what the page showed. Nothing here loads pandas.
"""

from __future__ import annotations

from playground.reports.models.queries import ReportFilter
from playground.reports.models.report import ModelRow

Cell = float | int | str | None


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def front_marks(row: ModelRow) -> str:
    """'★ cost ★ first token': the charts on whose Pareto front the row is."""
    marks = [("★ cost", row.front_cost), ("★ first token", row.front_ttft)]
    return " ".join(mark for mark, on in marks if on)


def shown_rows(rows: list[ModelRow]) -> list[dict[str, Cell]]:
    """One dict per row, its columns in the page's order (every row has every column)."""
    kinds = sorted({k for r in rows for k in r.checks})
    out = []
    for r in rows:
        f, s, interval = r.figures, r.standing, r.pass_interval
        row: dict[str, Cell] = {
            "Model": r.key.model,
            "Endpoint": r.key.endpoint,
            "Settings": r.key.settings or "defaults",
            "Front": front_marks(r),
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
    return out


def shown_filters(where: ReportFilter) -> dict[str, str]:
    """The filters as chosen, worded as the page's inputs name them ('' values: all)."""
    return {
        "From": where.since.isoformat() if where.since else "",
        "To": where.until.isoformat() if where.until else "",
        "Tags": ", ".join(where.tags),
        "Prompt set": ", ".join(where.prompt_sets),
        "Endpoint": ", ".join(where.endpoints),
    }
