"""A run's cells made from what came back: an answer with its checks, a failure, a score."""

from __future__ import annotations

import logging
import threading

from playground.chat.tools.settings import ResponseFormat
from playground.promptsets.checks.checks import Check, evaluate
from playground.promptsets.checks.judge import read_verdict_bounded
from playground.promptsets.records import CellKey, CellResult, CheckResult, ToolRound
from playground.workspace.types import Message

log = logging.getLogger(__name__)


def _checked(
    checks: tuple[Check, ...],
    answer: Message,
    rounds: list[ToolRound],
    response_format: ResponseFormat | None,
    cancel: threading.Event | None,
) -> list[CheckResult]:
    calls = [call for r in rounds for call in r.tool_calls] + answer.tool_calls
    try:
        outcomes = evaluate(
            checks,
            answer.content,
            answer.metrics,
            calls=calls,
            response_format=response_format,
            cancel=cancel,
        )
    except Exception as exc:  # a bug in a check must cost the checks, never the answer
        log.warning("checks failed unexpectedly: %s", type(exc).__name__)
        why = f"the checks failed unexpectedly ({type(exc).__name__})"
        return [CheckResult(check=str(c), passed=False, detail=why) for c in checks]
    return [CheckResult(check=o.check, passed=o.passed, detail=o.detail) for o in outcomes]


def answered_cell(
    at: CellKey,
    answer: Message,
    checks: tuple[Check, ...],
    response_format: ResponseFormat | None = None,
    cancel: threading.Event | None = None,
    rounds: list[ToolRound] | None = None,
) -> CellResult:
    """The cell for a streamed answer (done, stopped or failed) with its tool calls, its
    checks evaluated (``response_format``: the card's, for ``schema-valid``; ``cancel``:
    Stop, which ends the checks still running). ``rounds``: the answers before it that
    got mock results: the checks read the final answer's text and figures, and the tool
    checks every call made across the rounds."""
    rounds = rounds or []
    results = _checked(checks, answer, rounds, response_format, cancel)
    if answer.status != "done":
        results = [CheckResult(check=r.check, passed=False, detail="no answer") for r in results]
    return CellResult(
        row=at[0],
        col=at[1],
        run=at[2],
        status=answer.status if answer.status != "streaming" else "stopped",
        text=answer.content,
        reasoning=answer.reasoning,
        error=answer.error,
        metrics=answer.metrics,
        tool_calls=answer.tool_calls,
        rounds=rounds,
        checks=results,
    )


def failed_cell(at: CellKey, error: str, checks: tuple[Check, ...]) -> CellResult:
    """A cell that got no answer (the card cannot send, or a bug): every check fails."""
    results = [CheckResult(check=str(c), passed=False, detail="no answer") for c in checks]
    row, col, run = at
    return CellResult(row=row, col=col, run=run, status="error", error=error, checks=results)


def scored(cell: CellResult, reply: Message) -> CellResult:
    """The cell with the judge's score and reason, or why there is none."""
    if reply.status != "done":
        return cell.model_copy(update={"judge_error": reply.error or "The judge did not answer."})
    verdict = read_verdict_bounded(reply.content)
    return cell.model_copy(
        update={"score": verdict.score, "reason": verdict.reason, "judge_error": verdict.error}
    )
