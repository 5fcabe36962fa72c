"""The results grid's rows and the summary per card, from a run's spec and cells.

The summary counts each card's tool calls, the calls whose arguments fit their tool's
``parameters`` and the answers that fit the card's response format, as the card was
when the run started (``playground.tools.fit``: in the bounded evaluator, remembered
there by the texts checked, so a page run does not check again).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from playground.bounded import Evaluator
from playground.pricing import Cost
from playground.promptsets.records import CellResult, RunSpec
from playground.tools.fit import Fit, answer_fit, argument_fit
from playground.tools.settings import ResponseFormat
from playground.workspace import Metrics, SamplingSettings

CELL_CHARS = 120  # of an answer shown in the grid


@dataclass(frozen=True)
class ColumnSummary:
    label: str
    answers: int
    errors: int
    checks_passed: int
    checks_total: int  # answers whose row has checks
    judge_mean: float | None
    median_ttft_s: float | None
    median_tokens_per_s: float | None
    total_tokens: int
    cost: Cost | None  # of every answer with a known price; None: none had one
    tool_calls: int = 0  # calls made by its finished answers (across their tool rounds)
    args_valid: int = 0  # of them, whose arguments fit their tool's parameters
    args_checked: int = 0  # calls with something to say (JSON arguments, the card has tools)
    schema_valid: int = 0  # finished answers that fit the card's JSON response format
    schema_checked: int = 0  # finished answers with text, on a card with a JSON format
    reasoning_tokens: int = 0  # of total_tokens, those the servers said were spent reasoning

    @property
    def checks(self) -> str:
        return _ratio(self.checks_passed, self.checks_total)

    @property
    def arguments(self) -> str:
        return _ratio(self.args_valid, self.args_checked)

    @property
    def schema(self) -> str:
        return _ratio(self.schema_valid, self.schema_checked)


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "–"


def _fits(
    settings: SamplingSettings, done: list[CellResult], evaluator: Evaluator | None
) -> dict[str, int]:
    """The tool-call and response-format counts of one card's finished answers."""
    calls = [call for cell in done for call in cell.all_tool_calls]
    args = [argument_fit(settings.tools, call, evaluator=evaluator) for call in calls]
    form = settings.response_format
    answers = [answer_fit(form, cell.text, evaluator=evaluator) for cell in done]
    return {
        "tool_calls": len(calls),
        "args_valid": sum(1 for fit in args if fit is not None and fit.fits),
        "args_checked": sum(1 for fit in args if fit is not None),
        "schema_valid": sum(1 for fit in answers if fit is not None and fit.fits),
        "schema_checked": sum(1 for fit in answers if fit is not None),
    }


def cell_fit(
    cell: CellResult | None, response_format: ResponseFormat, evaluator: Evaluator | None = None
) -> Fit | None:
    """Whether a finished cell's final answer keeps to its card's response format."""
    if cell is None or cell.status != "done":
        return None
    return answer_fit(response_format, cell.text, evaluator=evaluator)


def _cost(figures: Iterable[Metrics]) -> Cost | None:
    """The summed cost of the answers that have one; None when none has."""
    priced = [m for m in figures if m.cost_usd is not None]
    if not priced:
        return None
    return Cost(sum(m.cost_usd or 0.0 for m in priced), any(m.cost_estimated for m in priced))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarize(
    spec: RunSpec,
    cells: dict[tuple[int, int], CellResult],
    *,
    evaluator: Evaluator | None = None,
) -> list[ColumnSummary]:
    out = []
    for c, column in enumerate(spec.columns):
        mine = [cell for (_, col), cell in cells.items() if col == c and cell.status != "stopped"]
        with_checks = [cell for cell in mine if cell.checks]
        scores = [cell.score for cell in mine if cell.score is not None]
        done = [cell for cell in mine if cell.status == "done"]
        metrics = [cell.metrics for cell in done if cell.metrics]
        tokens = sum(m.output_tokens or 0 for m in metrics)
        out.append(
            ColumnSummary(
                label=column.label,
                answers=len(done),
                errors=sum(1 for cell in mine if cell.status == "error"),
                checks_passed=sum(1 for cell in with_checks if cell.passed),
                checks_total=len(with_checks),
                judge_mean=statistics.fmean(scores) if scores else None,
                median_ttft_s=_median([m.ttft_s for m in metrics if m.ttft_s is not None]),
                median_tokens_per_s=_median(
                    [t for m in metrics if (t := m.tokens_per_second) is not None]
                ),
                total_tokens=tokens,
                reasoning_tokens=sum(m.reasoning_tokens or 0 for m in metrics),
                cost=_cost(cell.metrics for cell in mine if cell.metrics),
                **_fits(column.config.settings, done, evaluator),
            )
        )
    return out


def _short(text: str, limit: int = CELL_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def format_mark(fit: Fit | None) -> str | None:
    """How a grid cell says whether its answer keeps to the card's JSON response format
    (the card's own caption, shortened); None: a Text format, or no text to check."""
    if fit is None:
        return None
    return "JSON ✓ " + fit.text if fit.fits else "JSON ✗ " + _short(fit.text, 60)


def cell_text(cell: CellResult | None, fit: Fit | None = None) -> str:
    """A grid cell: check mark, answer (truncated), tool rounds, the response format's
    verdict (``fit``), figures, score."""
    if cell is None:
        return "…"
    if cell.status == "error":
        return f"⚠ {_short(cell.error or 'error')}"  # the tool-round bound says so here
    head = {True: "✓ ", False: "✗ ", None: ""}[cell.passed]
    if cell.status == "stopped":
        head += "(stopped) "
    parts = [head + (_short(cell.text) or "(empty)")]
    if cell.rounds:
        parts.append(f"after {len(cell.rounds)} tool round{'s' if len(cell.rounds) > 1 else ''}")
    if (mark := format_mark(fit)) is not None:
        parts.append(mark)
    if cell.metrics is not None and cell.status == "done":
        figures = []
        if cell.metrics.ttft_s is not None:
            figures.append(f"{cell.metrics.ttft_s:.2f} s")
        if (tps := cell.metrics.tokens_per_second) is not None:
            figures.append(f"{tps:.0f} tok/s")
        if figures:
            parts.append(" · ".join(figures))
    if cell.score is not None:
        parts.append(f"judge {cell.score}/10")
    return " — ".join(parts)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def row_failed(cells: list[CellResult | None]) -> bool:
    return any(c is not None and (c.status == "error" or c.passed is False) for c in cells)


def row_differs(cells: list[CellResult | None]) -> bool:
    answers = {_norm(c.text) for c in cells if c is not None and c.status == "done"}
    return len(answers) > 1


@dataclass(frozen=True)
class GridRow:
    index: int  # into spec.rows
    number: int
    prompt: str
    cells: list[str]  # one per column


def grid(
    spec: RunSpec,
    cells: dict[tuple[int, int], CellResult],
    *,
    failed_only: bool = False,
    differing_only: bool = False,
    evaluator: Evaluator | None = None,
) -> list[GridRow]:
    out = []
    formats = [column.config.settings.response_format for column in spec.columns]
    width = len(spec.columns)
    for r, row in enumerate(spec.rows):
        mine = [cells.get((r, c)) for c in range(width)]
        if failed_only and not row_failed(mine):
            continue
        if differing_only and not row_differs(mine):
            continue
        texts = [
            cell_text(cell, cell_fit(cell, formats[c], evaluator)) for c, cell in enumerate(mine)
        ]
        out.append(GridRow(r, row.number, _short(row.prompt, 80), texts))
    return out
