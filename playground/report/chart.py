"""The Models report's charts (Altair): quality against cost or first token, the Pareto
front marked. The Models page and a shared report's read-only view draw the same chart
from the same rows (``playground.report.shown``). Imported on use: it loads pandas."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.report.shown import Cell

COST = ("Cost / 1,000 answers ($)", "cost", "Quality against cost")
TTFT = ("First token p50 (s)", "first token", "Quality against first token")


def chart(rows: list[dict[str, Cell]], x: str, front: str, title: str) -> alt.Chart:
    """Each row with a quality and an ``x`` as a point; ``front`` names its ★ mark."""
    data = pd.DataFrame(rows)
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
