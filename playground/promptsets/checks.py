"""Checks on an answer: a row's ``expected`` value, several joined with `` && ``.

========================  ==============================================================
``contains:TEXT``         the answer contains TEXT (case matters)
``not-contains:TEXT``     it does not
``icontains:TEXT``        it contains TEXT, ignoring case
``regex:PATTERN``         PATTERN matches somewhere (``regex`` module, 1 s time limit)
``equals:TEXT``           the answer, stripped, is TEXT
``json``                  the answer is valid JSON (one surrounding code fence is allowed)
``json-schema:{...}``     the answer is JSON valid against the schema (``jsonschema``)
``max-tokens:N``          it took at most N output tokens
``max-ttft:SECONDS``      the first token came within SECONDS
========================  ==============================================================

``parse_checks`` refuses a malformed check before a run starts (unknown kind,
a pattern that does not compile, a schema that is not a valid schema, a
number that is not one); ``evaluate`` gives each check's outcome.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import jsonschema
import regex

from playground.errors import PromptSetProblem
from playground.workspace import Metrics

SEPARATOR = " && "
REGEX_TIMEOUT_S = 1.0
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
)
_NEEDS_ARG = frozenset(KINDS) - {"json"}


@dataclass(frozen=True)
class Check:
    kind: str
    arg: str = ""
    compiled: Any = None  # the pattern, the schema validator, or the number

    def __str__(self) -> str:
        return f"{self.kind}:{self.arg}" if self.arg or self.kind != "json" else "json"


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
    if kind == "regex":
        try:
            return Check(kind, arg, regex.compile(arg))
        except regex.error as exc:
            raise PromptSetProblem(f"the pattern {arg!r} is not a valid regex ({exc}).") from None
    if kind == "json-schema":
        return Check(kind, arg, _validator(arg))
    if kind == "max-tokens":
        return Check(kind, arg, _number(kind, arg.strip(), integer=True))
    if kind == "max-ttft":
        return Check(kind, arg, _number(kind, arg.strip(), integer=False))
    return Check(kind, arg)


def _validator(arg: str) -> Any:
    try:
        schema = json.loads(arg)
    except json.JSONDecodeError as exc:
        raise PromptSetProblem(f"the json-schema is not JSON ({exc.msg}).") from None
    if not isinstance(schema, dict | bool):
        raise PromptSetProblem("the json-schema must be a JSON object.")
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise PromptSetProblem(f"the json-schema is not a valid schema ({exc.message}).") from None
    return cls(schema)


def parse_checks(expected: str, *, row: int | None = None) -> tuple[Check, ...]:
    """The checks in ``expected`` ("" has none); raises ``PromptSetProblem`` naming ``row``."""
    if not expected.strip():
        return ()
    try:
        return tuple(_one(part.strip()) for part in expected.split(SEPARATOR) if part.strip())
    except PromptSetProblem as exc:
        raise PromptSetProblem(exc.message, row) from None


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
    if kind == "regex":
        try:
            found = check.compiled.search(answer, timeout=REGEX_TIMEOUT_S) is not None
        except TimeoutError:
            return False, f"the pattern took over {REGEX_TIMEOUT_S:g} s"
        return found, f"does not match {_short(arg)!r}"
    if kind in ("json", "json-schema"):
        try:
            value = json.loads(_json_text(answer))
        except ValueError as exc:
            return False, f"is not JSON ({getattr(exc, 'msg', exc)})"
        if kind == "json":
            return True, ""
        error = jsonschema.exceptions.best_match(check.compiled.iter_errors(value))
        return error is None, f"does not fit the schema ({error.message})" if error else ""
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


def evaluate(checks: tuple[Check, ...], answer: str, metrics: Metrics | None) -> list[Outcome]:
    """Each check's outcome for this answer."""
    out = []
    for check in checks:
        passed, detail = _run(check, answer, metrics)
        out.append(Outcome(str(check), passed, "" if passed else detail))
    return out
