"""What a prompt-set run is made of, as stored and exported (never a token).

A ``RunSpec`` is fixed when the run starts: its columns (one per card, with
the card's config as it was: endpoint, model, settings, never the token; with
``sweeps``, one per card and combination of swept values), its
rows (the filled-in prompt and the checks), and the judge. A ``CellResult``
is one card's answer to one row (one of its ``RunSpec.runs`` answers: ``run``, 0-based),
with its tool calls, figures, check outcomes and score. A cell of the grid is the
``runs`` answers of one (row, column); each is kept and saved on its own, keyed
``CellKey`` (row, col, run), so a run never rewrites a growing list and the grid
aggregates them (``summary.cell_answers``).
With mock results on (``RunSpec.mock_results``) an answer that calls tools gets its
tools' mock results and answers again: the answers before the final one are the cell's
``rounds`` (``ToolRound``: their text and calls, each call with the result sent back).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from playground.chat.tools.calls import ToolCall
from playground.config.limits import MAX_RUNS_PER_PROMPT
from playground.promptsets.sweeps import RunColumn, Sweep
from playground.workspace.types import Metrics

CellStatus = Literal["done", "error", "stopped"]
RunStatus = Literal["running", "stopped", "done"]
CellKey = tuple[int, int, int]  # (row, col, run)


class JudgeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    column: int  # the judging card's column
    rubric: str
    prompt: str  # the judge prompt template ({{rubric}}, {{prompt}}, {{answer}})


class RunRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int  # the row of the set (1-based)
    prompt: str  # as sent (the template filled in)
    expected: str = ""


class RunSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    columns: list[RunColumn]
    rows: list[RunRow]
    judge: JudgeSpec | None = None
    # "Answer tool calls with mock results": each cell runs its tool rounds to a final answer
    mock_results: bool = False
    # The settings swept across the cards (``columns`` already holds each combination);
    # a run saved before sweeps has none.
    sweeps: list[Sweep] = Field(default_factory=list)
    # Runs per prompt: answers asked of each (row, card); a run saved before has 1
    runs: int = Field(default=1, ge=1, le=MAX_RUNS_PER_PROMPT)

    @property
    def answers_total(self) -> int:
        return len(self.rows) * len(self.columns) * self.runs

    def answer_keys(self) -> Iterator[CellKey]:
        """Every answer's key, row by row."""
        width, runs = len(self.columns), self.runs
        return ((r, c, k) for r in range(len(self.rows)) for c in range(width) for k in range(runs))

    def judged_columns(self) -> list[int]:
        if self.judge is None:
            return []
        return [i for i in range(len(self.columns)) if i != self.judge.column]


class CheckResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    check: str
    passed: bool
    detail: str = ""


class ToolRound(BaseModel):
    """One answer of a cell's tool exchange that called tools and got mock results back."""

    model_config = ConfigDict(extra="forbid")

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)  # each with its result


class CellResult(BaseModel):
    """One card's answer to one row."""

    model_config = ConfigDict(extra="forbid")

    row: int  # index into RunSpec.rows
    col: int  # index into RunSpec.columns
    run: int = Field(default=0, ge=0)  # which of the row's RunSpec.runs answers (0-based)
    status: CellStatus
    text: str = ""
    reasoning: str = ""
    error: str | None = None
    metrics: Metrics | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)  # the final answer's calls
    rounds: list[ToolRound] = Field(default_factory=list)  # the answers before it, if any
    checks: list[CheckResult] = Field(default_factory=list)
    score: int | None = None  # the judge's 1-10
    reason: str | None = None  # the judge's one line
    judge_error: str | None = None

    @property
    def key(self) -> CellKey:
        return (self.row, self.col, self.run)

    @property
    def passed(self) -> bool | None:
        """Every check passed (None: the row has no checks)."""
        if not self.checks:
            return None
        return self.status == "done" and all(c.passed for c in self.checks)

    @property
    def all_tool_calls(self) -> list[ToolCall]:
        """Every call the cell's answers made, across its tool rounds, in order."""
        return [call for r in self.rounds for call in r.tool_calls] + self.tool_calls

    @property
    def judged(self) -> bool:
        return self.score is not None or self.judge_error is not None
