"""The results grid's rows and the summary per card, from a run's spec and cells.

With Runs per prompt above 1 a grid cell stands for its (row, card)'s answers: it shows
their pass rate ("4/5") and the first answer; the summary gives each card's pass rate
with its 95 % Wilson interval and first token, tok/s, length (output tokens) and cost
per answer as median with p10–p90 (``promptsets.stats``).

The summary counts each card's tool calls, the calls whose arguments fit their tool's
``parameters`` and the answers that fit the card's response format, as the card was
when the run started (``playground.chat.tools.fit``: in the bounded evaluator, remembered
there by the texts checked, so a page run does not check again).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from playground.chat.tools.fit import Fit, answer_fit, argument_fit
from playground.chat.tools.settings import ResponseFormat
from playground.config.bounded import Evaluator
from playground.costs.pricing import Cost
from playground.promptsets.records import CellKey, CellResult, RunSpec
from playground.promptsets.stats import median_p10_p90, wilson
from playground.workspace.types import Metrics, SamplingSettings

CELL_CHARS = 120  # of an answer shown in the grid


Spread = tuple[float, float, float]  # (p50, p10, p90)


def spread(values: list[float]) -> Spread | None:
    return median_p10_p90(values)


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
    pass_interval: tuple[float, float] | None = None  # 95 % Wilson, of checks_passed/total
    ttft: Spread | None = None  # seconds to the first token, per finished answer
    tokens_per_s: Spread | None = None
    length: Spread | None = None  # output tokens per finished answer
    answer_cost: Spread | None = None  # dollars per priced answer

    @property
    def checks(self) -> str:
        return _ratio(self.checks_passed, self.checks_total)

    @property
    def pass_rate(self) -> str:
        """ "80 % (38–96 %)": the share of answers whose checks all passed, 95 % Wilson."""
        if not self.checks_total or self.pass_interval is None:
            return "–"
        low, high = self.pass_interval
        share = self.checks_passed / self.checks_total
        return f"{share:.0%} ({low * 100:.0f}–{high * 100:.0f} %)"

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
    cells: dict[CellKey, CellResult],
    *,
    evaluator: Evaluator | None = None,
) -> list[ColumnSummary]:
    out = []
    for c, column in enumerate(spec.columns):
        mine = [x for (_, col, _), x in cells.items() if col == c and x.status != "stopped"]
        with_checks = [cell for cell in mine if cell.checks]
        scores = [cell.score for cell in mine if cell.score is not None]
        done = [cell for cell in mine if cell.status == "done"]
        metrics = [cell.metrics for cell in done if cell.metrics]
        tokens = sum(m.output_tokens or 0 for m in metrics)
        passed = sum(1 for cell in with_checks if cell.passed)
        ttfts = [m.ttft_s for m in metrics if m.ttft_s is not None]
        speeds = [t for m in metrics if (t := m.tokens_per_second) is not None]
        out.append(
            ColumnSummary(
                label=column.label,
                answers=len(done),
                errors=sum(1 for cell in mine if cell.status == "error"),
                checks_passed=passed,
                checks_total=len(with_checks),
                pass_interval=wilson(passed, len(with_checks)) if with_checks else None,
                ttft=spread(ttfts),
                tokens_per_s=spread(speeds),
                length=spread([m.output_tokens for m in metrics if m.output_tokens is not None]),
                answer_cost=spread([m.cost_usd for m in metrics if m.cost_usd is not None]),
                judge_mean=statistics.fmean(scores) if scores else None,
                median_ttft_s=_median(ttfts),
                median_tokens_per_s=_median(speeds),
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


def cell_answers(
    cells: dict[CellKey, CellResult], r: int, c: int, runs: int
) -> list[CellResult | None]:
    """A grid cell's answers, by run (None: not there yet)."""
    return [cells.get((r, c, k)) for k in range(runs)]


def answers_text(answers: list[CellResult | None], fit: Fit | None = None) -> str:
    """A grid cell of several answers: "4/5 ✓" (or how many are in), then the first."""
    if len(answers) == 1:
        return cell_text(answers[0], fit)
    there = [a for a in answers if a is not None and a.status != "stopped"]
    checked = [a for a in there if a.passed is not None]
    if checked:
        head = f"{sum(1 for a in checked if a.passed)}/{len(checked)} ✓"
    else:
        head = f"{len(there)}/{len(answers)} answers"
    first = next((a for a in answers if a is not None), None)
    return head if first is None else f"{head} · {cell_text(first, fit)}"


@dataclass(frozen=True)
class GridRow:
    index: int  # into spec.rows
    number: int
    prompt: str
    cells: list[str]  # one per column


def grid(
    spec: RunSpec,
    cells: dict[CellKey, CellResult],
    *,
    failed_only: bool = False,
    differing_only: bool = False,
    evaluator: Evaluator | None = None,
    rows: range | None = None,
) -> list[GridRow]:
    """The grid's rows (of ``rows`` only, when given: a page), filtered."""
    out = []
    formats = [column.config.settings.response_format for column in spec.columns]
    width, runs = len(spec.columns), spec.runs
    for r in rows if rows is not None else range(len(spec.rows)):
        row = spec.rows[r]
        mine = [cell_answers(cells, r, c, runs) for c in range(width)]
        every = [a for answers in mine for a in answers]
        if failed_only and not row_failed(every):
            continue
        if differing_only and not row_differs(every):
            continue
        texts = [
            answers_text(answers, cell_fit(answers[0], formats[c], evaluator))
            for c, answers in enumerate(mine)
        ]
        out.append(GridRow(r, row.number, _short(row.prompt, 80), texts))
    return out
