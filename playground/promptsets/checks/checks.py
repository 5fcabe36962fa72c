"""Checks on an answer: a row's ``expected`` value, several joined with `` && ``.

========================  ==============================================================
``contains:TEXT``         the answer contains TEXT (case matters)
``not-contains:TEXT``     it does not
``icontains:TEXT``        it contains TEXT, ignoring case
``regex:PATTERN``         PATTERN matches somewhere (``regex`` module, in a bounded worker)
``equals:TEXT``           the answer, stripped, is TEXT
``json``                  the answer is valid JSON (one surrounding code fence is allowed)
``json-schema:{...}``     the answer is JSON valid against the schema (``jsonschema``)
``max-tokens:N``          it took at most N output tokens
``max-ttft:SECONDS``      the first token came within SECONDS
========================  ==============================================================

and the checks on tool calls and the response format (``tool_checks.py``):
``tool-call:NAME``, ``no-tool-call``, ``tool-args:{...}``, ``schema-valid``.

``parse_checks`` reads a row's checks (unknown kind, a number that is not one:
refused at once); ``check_problems`` refuses, before a run starts, a pattern that
does not compile and a schema that is not a valid schema; ``evaluate`` gives each
check's outcome. Patterns and schemas are typed by visitors: they are compiled and
applied only in the bounded evaluator's workers (``playground.config.bounded``), within a
time and memory limit per call and a budget for all the checks of one answer
(``EVAL_ANSWER_SECONDS``); a check past its limits fails with the reason named.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from playground.chat.tools.calls import ToolCall
from playground.chat.tools.settings import ResponseFormat
from playground.config.bounded import Done, Evaluator, Failed, default_evaluator
from playground.config.bounded.schemas import schema_problem, validation_error
from playground.errors import PromptSetProblem
from playground.promptsets.checks.tool_checks import NO_ARG, TOOL_ARGS, TOOL_KINDS, parse_tool_check
from playground.promptsets.checks.tool_checks import run_tool_check as _tool_check
from playground.workspace.types import Metrics

SEPARATOR = " && "
_LIBRARY_KINDS = frozenset({"regex", "json", "json-schema"})  # evaluated in a worker
KINDS = (
    "contains",
    "not-contains",
    "icontains",
    "regex",
    "equals",
    "json",
    "json-schema",
    "max-tokens",
    "max-ttft",
    *TOOL_KINDS,
)
_NEEDS_ARG = frozenset(KINDS) - {"json"} - NO_ARG
_SCHEMA_KINDS = {"json-schema": "the json-schema", "tool-args": TOOL_ARGS}


@dataclass(frozen=True)
class Check:
    kind: str
    arg: str = ""
    compiled: Any = None  # the number of max-tokens / max-ttft; the tool of a tool-args

    def __str__(self) -> str:
        return f"{self.kind}:{self.arg}" if self.arg or self.kind in _NEEDS_ARG else self.kind


@dataclass(frozen=True)
class Outcome:
    check: str
    passed: bool
    detail: str = ""  # why it failed


def _number(kind: str, arg: str, *, integer: bool) -> float:
    try:
        value = int(arg) if integer else float(arg)
    except ValueError:
        what = "a whole number" if integer else "a number of seconds"
        raise PromptSetProblem(f"{kind} needs {what}, not {arg!r}.") from None
    if value < 0 or not math.isfinite(value):
        raise PromptSetProblem(f"{kind} needs a number of at least 0, not {arg!r}.")
    return value


def _one(text: str) -> Check:
    kind, colon, arg = text.partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise PromptSetProblem(
            f"unknown check {text[:40]!r}; checks are: {', '.join(KINDS)} "
            "(for example contains:Paris)."
        )
    if kind in _NEEDS_ARG and not (colon and arg):
        raise PromptSetProblem(f"the check {kind} needs a value after the colon ({kind}:...).")
    if kind == "json":
        if arg.strip():
            raise PromptSetProblem("the check json takes no value (use json-schema:{...}).")
        return Check(kind)
    if kind == "max-tokens":
        return Check(kind, arg, _number(kind, arg.strip(), integer=True))
    if kind == "max-ttft":
        return Check(kind, arg, _number(kind, arg.strip(), integer=False))
    if kind in TOOL_KINDS:
        return Check(kind, parse_tool_check(kind, arg))
    return Check(kind, arg)  # regex and json-schema: compiled in a worker (check_problems)


def parse_checks(expected: str, *, row: int | None = None) -> tuple[Check, ...]:
    """The checks in ``expected`` ("" has none); raises ``PromptSetProblem`` naming ``row``."""
    if not expected.strip():
        return ()
    try:
        checks = [_one(part.strip()) for part in expected.split(SEPARATOR) if part.strip()]
    except PromptSetProblem as exc:
        raise PromptSetProblem(exc.message, row) from None
    tool = None  # a tool-args check is about the tool of the nearest tool-call before it
    for i, check in enumerate(checks):
        if check.kind == "tool-call":
            tool = check.arg
        elif check.kind == "tool-args":
            checks[i] = Check(check.kind, check.arg, tool)
    return tuple(checks)


def _json_text(answer: str) -> str:
    text = answer.strip()
    if text.startswith("```") and text.endswith("```") and text.count("```") == 2:
        text = text[3:-3]
        first, _, rest = text.partition("\n")
        text = rest if first.strip().isalpha() or not first.strip() else text
    return text.strip()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- in a worker ---------------------------------------------------------------------
def compile_problem(kind: str, arg: str) -> str | None:
    """Why a regex or json-schema check cannot be used (None: it can). Runs in a worker."""
    if kind == "regex":
        try:
            regex.compile(arg)
        except regex.error as exc:
            return f"the pattern {_short(arg)!r} is not a valid regex ({exc})."
        finally:
            regex.purge()  # the module's pattern cache must not pile up in the worker
        return None
    return schema_problem(arg, _SCHEMA_KINDS.get(kind, "the json-schema"))


def run_library_check(kind: str, arg: str, answer: str) -> tuple[bool, str]:
    """A regex, json or json-schema check on ``answer``: (passed, why not). Runs in a worker."""
    if kind == "regex":
        try:
            return regex.search(arg, answer) is not None, f"does not match {_short(arg)!r}"
        finally:
            regex.purge()
    try:
        value = json.loads(_json_text(answer))
    except ValueError as exc:
        return False, f"is not JSON ({getattr(exc, 'msg', exc)})"
    except RecursionError:
        return False, "is not JSON this app reads (nested too deeply)"
    if kind == "json":
        return True, ""
    error = validation_error(arg, value)
    return error is None, f"does not fit the schema ({error})" if error else ""


# -- in the app ----------------------------------------------------------------------
_WHAT = {"regex": "the pattern", "json-schema": "the schema", "tool-args": "the schema"}


def _failure_text(kind: str, failed: Failed, stage: str) -> str:
    what = _WHAT.get(kind, kind if kind.startswith("the ") else "the check")  # or a name
    return failed.sentence(what, stage)


def check_problems(
    rows: Sequence[tuple[int, Sequence[Check]]],
    *,
    evaluator: Evaluator | None = None,
) -> list[PromptSetProblem]:
    """Why some checks of ``rows`` ((row number, checks)) cannot be used, row by row.

    Each distinct pattern or schema is compiled once in a worker (the evaluator keeps
    the verdicts across page runs), all of them within ``set_seconds``.
    """
    evaluator = evaluator or default_evaluator()
    deadline = time.monotonic() + evaluator.limits.set_seconds
    problems: list[PromptSetProblem] = []
    for number, checks in rows:
        for check in checks:
            if check.kind not in ("regex", "json-schema", "tool-args"):
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                why = (
                    "checking the set's patterns and schemas took more than "
                    f"{evaluator.limits.set_seconds:g} s in all; use fewer or simpler ones."
                )
                return [*problems, PromptSetProblem(why, number)]
            seconds = min(left, evaluator.limits.call_seconds)
            found = evaluator.cached_call(compile_problem, check.kind, check.arg, seconds=seconds)
            if isinstance(found, Failed):
                why = _failure_text(check.kind, found, "compiling it")
                problems.append(PromptSetProblem(f"{why} ({_short(check.arg, 40)!r}).", number))
            elif found.value is not None:
                problems.append(PromptSetProblem(found.value, number))
    return problems


def _run(check: Check, answer: str, metrics: Metrics | None) -> tuple[bool, str]:
    kind, arg = check.kind, check.arg
    if kind == "contains":
        return arg in answer, f"does not contain {_short(arg)!r}"
    if kind == "not-contains":
        return arg not in answer, f"contains {_short(arg)!r}"
    if kind == "icontains":
        return arg.casefold() in answer.casefold(), f"does not contain {_short(arg)!r} (any case)"
    if kind == "equals":
        return answer.strip() == arg.strip(), f"is not {_short(arg)!r}"
    if kind == "max-tokens":
        tokens = metrics.output_tokens if metrics else None
        if tokens is None:
            return False, "no token count"
        return tokens <= check.compiled, f"took {tokens} tokens"
    # max-ttft
    ttft = metrics.ttft_s if metrics else None
    if ttft is None:
        return False, "no first token"
    return ttft <= check.compiled, f"first token after {ttft:.2f} s"


def evaluate(
    checks: tuple[Check, ...],
    answer: str,
    metrics: Metrics | None,
    *,
    calls: Sequence[ToolCall] = (),
    response_format: ResponseFormat | None = None,
    evaluator: Evaluator | None = None,
    cancel: threading.Event | None = None,
) -> list[Outcome]:
    """Each check's outcome for this answer (its tool ``calls``, its card's
    ``response_format``); the worker calls share one time budget."""
    evaluator = evaluator or default_evaluator()
    total = evaluator.limits.answer_seconds
    budget = total  # the workers' time, not time spent waiting

    def bounded(function: Any, args: tuple[Any, ...], what: str) -> tuple[bool, str]:
        nonlocal budget
        if budget <= 0:
            return False, f"not run: this answer's checks took {total:g} s in all"
        left = min(budget, evaluator.limits.call_seconds)
        found = evaluator.call(function, *args, seconds=left, cancel=cancel)
        if isinstance(found, Done):
            budget -= found.seconds
            return found.value
        budget -= left if found.reason in ("time", "memory", "error") else 0
        return False, _failure_text(what, found, "checking it")

    out = []
    for check in checks:
        if check.kind in TOOL_KINDS:
            tool = check.compiled
            passed, detail = _tool_check(
                check.kind, check.arg, tool, answer, calls, response_format, bounded
            )
        elif check.kind in _LIBRARY_KINDS:
            passed, detail = bounded(run_library_check, (check.kind, check.arg, answer), check.kind)
        else:
            passed, detail = _run(check, answer, metrics)
        out.append(Outcome(str(check), passed, "" if passed else detail))
    return out
