"""Checks on an answer's tool calls and on its fit to the card's response format.

========================  ==============================================================
``tool-call:NAME``        the answer calls the tool NAME (at least once)
``no-tool-call``          the answer calls no tool
``tool-args:{...}``       the calls' arguments fit the schema: the calls to the tool of the
                          nearest ``tool-call:`` check before it, else every call; an answer
                          with no such call fails (there is nothing that fits)
``schema-valid``          the answer's text fits the card's response format: a JSON object
                          format wants a JSON object, a JSON schema format JSON valid
                          against it; a Text format fails (no JSON response format)
========================  ==============================================================

``tool-args:`` schemas are typed by visitors: checked before the run like ``json-schema:``
(``checks.check_problems``) and applied, like the response format's schema, only in the
bounded evaluator (``playground.config.bounded.schemas.text_fit``: the arguments and the
answer are read as JSON in the worker, nothing is fetched). ``run_tool_check`` is given
``bounded``, a function that runs one worker call within the answer's budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from playground.chat.tools.calls import ToolCall
from playground.chat.tools.fit import answer_fit
from playground.chat.tools.settings import ResponseFormat
from playground.config.bounded.schemas import text_fit
from playground.errors import PromptSetProblem

TOOL_KINDS = ("tool-call", "no-tool-call", "tool-args", "schema-valid")
NO_ARG = frozenset({"no-tool-call", "schema-valid"})
TOOL_ARGS = "the tool-args schema"  # how a tool-args schema is named in messages
# One worker call: (function, its arguments, how the schema is named) -> (passed, why not).
Bounded = Callable[[Callable[..., Any], tuple[Any, ...], str], tuple[bool, str]]


def fits(schema: str, value_text: str) -> tuple[bool, str]:
    """Whether the JSON text ``value_text`` fits ``schema``: (fits, why not). Runs in a worker."""
    error = text_fit(schema, value_text)
    return error is None, error or ""


def parse_tool_check(kind: str, arg: str) -> str:
    """The argument of a tool check as kept (raises ``PromptSetProblem``)."""
    if kind in NO_ARG:
        if arg.strip():
            raise PromptSetProblem(f"the check {kind} takes no value.")
        return ""
    if not arg.strip():
        raise PromptSetProblem(f"the check {kind} needs a value after the colon ({kind}:...).")
    return arg.strip() if kind == "tool-call" else arg


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(calls: Sequence[ToolCall]) -> str:
    return ", ".join(dict.fromkeys(_short(c.name or "(no name)", 40) for c in calls))


def _args(
    schema: str, calls: Sequence[ToolCall], tool: str | None, bounded: Bounded
) -> tuple[bool, str]:
    chosen = [c for c in calls if tool is None or c.name == tool]
    if not chosen:
        return False, f"no call to {_short(tool, 40)!r}" if tool else "calls no tool"
    for number, call in enumerate(chosen, 1):
        which = f"call {number} ({_short(call.name or '(no name)', 40)})"
        if (problem := call.arguments_problem()) is not None:
            return False, f"{which}: arguments are {problem}"
        passed, why = bounded(fits, (schema, call.arguments), TOOL_ARGS)
        if not passed:
            return False, f"{which}: arguments do not fit the schema ({why})"
    return True, ""


def _format(
    response_format: ResponseFormat | None, text: str, bounded: Bounded
) -> tuple[bool, str]:
    if response_format is None or response_format.kind == "text":
        return False, "the card has no JSON response format"
    found = answer_fit(
        response_format,
        text,
        check=lambda schema, value, what: bounded(fits, (schema, value), what),
    )
    if found is None:
        return False, "the answer has no text"
    return found.fits, "" if found.fits else found.text


def run_tool_check(
    kind: str,
    arg: str,
    tool: str | None,
    text: str,
    calls: Sequence[ToolCall],
    response_format: ResponseFormat | None,
    bounded: Bounded,
) -> tuple[bool, str]:
    """(passed, why not) of one tool check; ``tool``: the name a ``tool-args`` check is
    about (the nearest ``tool-call:`` before it), None for every call."""
    if kind == "tool-call":
        if any(c.name == arg for c in calls):
            return True, ""
        return False, f"calls {_names(calls)}" if calls else "calls no tool"
    if kind == "no-tool-call":
        return not calls, f"calls {_names(calls)}"
    if kind == "tool-args":
        return _args(arg, calls, tool, bounded)
    return _format(response_format, text, bounded)
