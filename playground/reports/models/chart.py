"""The Models report's charts (Altair): quality against cost or first token, the Pareto
front marked. The Models page and a shared report's read-only view draw the same chart
from the same rows (``playground.reports.models.shown``). Imported on use: it loads pandas."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.reports.models.shown import Cell

COST = ("Cost / 1,000 answers ($)", "cost", "Quality against cost")
TTFT = ("First token p50 (s)", "first token", "Quality against first token")


def chart(rows: list[dict[str, Cell]], x: str, front: str, title: str) -> alt.Chart:
    """Each row with a quality and an ``x`` as a point; ``front`` names its ★ mark."""
    data = pd.DataFrame(rows)
    marked = data["Front"].str.contains(front)
    points = data.dropna(subset=["Quality %", x]).assign(
        **{"On the front": marked.map({True: "★ no other beats it", False: "beaten"})}
    )
    return (
        alt.Chart(points, title=title)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X(f"{x}:Q"),
            y=alt.Y("Quality %:Q", scale=alt.Scale(domain=[0, 100])),
            shape=alt.Shape(
                "On the front:N", scale=alt.Scale(domain=["★ no other beats it", "beaten"])
            ),
            color=alt.Color(
                "On the front:N",
                scale=alt.Scale(
                    domain=["★ no other beats it", "beaten"], range=["#d93025", "#9aa0a6"]
                ),
            ),
            tooltip=["Model", "Endpoint", "Settings", "Quality %", x, "Answers"],
        )
    )


def unplotted(rows: list[dict[str, Cell]], x: str) -> str | None:
    """Why a chart has no point (no row has both a quality and an ``x``), or None."""
    if any(row.get("Quality %") is not None and row.get(x) is not None for row in rows):
        return None
    if not any(row.get(x) is not None for row in rows):
        return f"No model has a {x.split(' (')[0].lower()} yet" + (
            ": set a `price` (or `gpu_hour`) on its endpoint." if x == COST[0] else "."
        )
    return "No model with this figure has a quality yet (prompt-set checks or blind votes)."
