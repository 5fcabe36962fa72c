"""What a snapshot holds: a discriminated union of frozen views, each holding no token.

``kind`` tells the views apart in the stored JSON. To add one, define a model
with ``kind: Literal["…"]`` and add it to ``Snapshot``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from playground.promptsets.records import CellResult, RunSpec
from playground.workspace.types import Card

TITLE_MAX = 200


class SnapshotCard(BaseModel):
    """One card as it was shown: its label, model, settings summary and whole history."""

    model_config = ConfigDict(extra="forbid")

    label: str  # "Card 1"
    model: str  # "gpt-4o on OpenAI", "my-model (Custom, http://host/v1)"
    settings: str = ""  # SamplingSettings.summary()
    card: Card  # its config (never a token) and messages, with figures and tool calls


class ChatSnapshot(BaseModel):
    """The Playground's cards."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["chat"] = "chat"
    title: str = Field(default="", max_length=TITLE_MAX)
    cards_per_row: int = Field(default=2, ge=1, le=4)
    cards: list[SnapshotCard]


class SummaryRow(BaseModel):
    """One card's line of a run's summary, as text (as the page showed it)."""

    model_config = ConfigDict(extra="forbid")

    label: str
    figures: dict[str, str]  # column name -> shown value


class RunSnapshot(BaseModel):
    """A prompt-set run: its spec, its cells and its per-card summary."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["promptset_run"] = "promptset_run"
    title: str = Field(default="", max_length=TITLE_MAX)
    spec: RunSpec
    cells: list[CellResult]  # in (row, col, run) order
    summary: list[SummaryRow]

    def answers_at(self) -> dict[tuple[int, int], list[CellResult]]:
        """Each grid cell's answers, by (row, col), in run order (Runs per prompt)."""
        found: dict[tuple[int, int], list[CellResult]] = {}
        for cell in self.cells:
            found.setdefault((cell.row, cell.col), []).append(cell)
        return found


class ReportSnapshot(BaseModel):
    """The Models report: its filters as chosen and its table rows as shown (the ★ marks
    of the Pareto fronts in the "Front" column); its charts are drawn again from the rows."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["models_report"] = "models_report"
    title: str = Field(default="", max_length=TITLE_MAX)
    filters: dict[str, str]  # input name -> chosen value ("": all)
    columns: list[str]
    rows: list[dict[str, int | float | str | None]]  # column -> shown value


AnySnapshot = ChatSnapshot | RunSnapshot | ReportSnapshot
Snapshot = Annotated[AnySnapshot, Field(discriminator="kind")]
SNAPSHOT = TypeAdapter(Snapshot)


@dataclass(frozen=True)
class StoredSnapshot:
    id: str
    snapshot: AnySnapshot
    owner: str | None  # the signed-in person who shared it; None: shared without sign-in
    created_at: dt.datetime  # UTC
