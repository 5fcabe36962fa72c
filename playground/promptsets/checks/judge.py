"""The optional judge: one card scores every other card's answers from 1 to 10.

The judge prompt is a template (shown and editable on the page) with three
placeholders: ``{{rubric}}``, ``{{prompt}}`` and ``{{answer}}``. Its reply is
read for a score and a one-line reason: ``7 - Correct but terse``, ``Score:
7/10. Reason: ...``, or JSON ``{"score": 7, "reason": "..."}``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from playground.config.bounded import Done, Evaluator, default_evaluator
from playground.promptsets.template import Template, compile_template

JUDGE_VARIABLES = ("rubric", "prompt", "answer")
DEFAULT_RUBRIC = "Is the answer correct, complete and clear? Penalize anything made up."
DEFAULT_JUDGE_PROMPT = """\
You are grading one answer to a prompt.

Rubric:
{{rubric}}

Prompt:
{{prompt}}

Answer:
{{answer}}

Reply with a single line: a score from 1 (worst) to 10 (best), a dash, and a \
one-line reason. For example: 7 - Correct, but misses the edge case."""

_LINE = re.compile(
    r"^\W*(?:score\W*)?(?P<score>\d{1,2})(?:\s*(?:/|out of)\s*10)?\s*(?:[-–—:.,;)|]+\s*)?"
    r"(?:reason\W*)?(?P<reason>.*)$",
    re.IGNORECASE,
)
REASON_CHARS = 300


@dataclass(frozen=True)
class Verdict:
    score: int | None
    reason: str | None
    error: str | None = None


def judge_template(source: str, *, evaluator: Evaluator | None = None) -> Template:
    """The judge prompt, checked; raises ``PromptSetProblem``."""
    return compile_template(source, JUDGE_VARIABLES, what="The judge prompt", evaluator=evaluator)


def _reason(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 1] + "…"


def _from_json(text: str) -> Verdict | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        value = json.loads(text[start : end + 1])
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("score"), int | float):
        return None
    score = value["score"]
    if not math.isfinite(score):
        return Verdict(None, None, f"The judge's score is not a finite number ({score}).")
    if score != int(score) or not 1 <= score <= 10:
        return None
    return Verdict(int(score), _reason(str(value.get("reason", ""))))


def read_verdict(reply: str) -> Verdict:
    """The score (1-10) and reason in the judge's reply, or why there is none."""
    found = _from_json(reply)
    if found is not None:
        return found
    for line in reply.strip().splitlines():
        match = _LINE.match(line.strip())
        if match is None:
            continue
        score = int(match.group("score"))
        if 1 <= score <= 10:
            rest = match.group("reason").strip() or next(
                (x for x in reply.strip().splitlines()[1:] if x.strip()), ""
            )
            return Verdict(score, _reason(rest))
    shown = _reason(reply)[:80] or "(empty)"
    return Verdict(None, None, f"The judge's reply has no score from 1 to 10: {shown!r}")


def read_verdict_bounded(reply: str, *, evaluator: Evaluator | None = None) -> Verdict:
    """``read_verdict`` in the bounded evaluator: a server's reply is outside text too."""
    found = (evaluator or default_evaluator()).call(read_verdict, reply)
    if isinstance(found, Done):
        return found.value
    return Verdict(None, None, f"Reading the judge's reply {found.message}.")
