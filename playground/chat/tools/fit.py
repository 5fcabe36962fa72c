"""Whether a finished answer keeps to what its card asked: each call's arguments to its
tool's ``parameters``, the answer's text to the response format.

Both are checked in the bounded evaluator (``playground.config.bounded.schemas.check_text``:
nothing fetched, bounded time and memory) and remembered there by the texts checked,
so a page run redraws a verdict without checking again. Only a finished answer is
checked: its texts no longer change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from playground.chat.tools.calls import ToolCall
from playground.chat.tools.settings import ResponseFormat, ToolSettings
from playground.config.bounded import Evaluator
from playground.config.bounded.schemas import check_text


@dataclass(frozen=True)
class Fit:
    """A verdict for a person: whether it fits, and the sentence that says so."""

    fits: bool
    text: str


def _schemas(tools: ToolSettings) -> dict[str, str]:
    """Each tool's ``parameters`` as JSON text, by name (a tool without any: no entry)."""
    try:
        found = tools.tools()
    except ValueError:  # applied tools were checked; an imported workspace may not be
        return {}
    return {
        tool["function"]["name"]: json.dumps(tool["function"]["parameters"])
        for tool in found
        if "parameters" in tool["function"]
    }


def argument_fit(
    tools: ToolSettings, call: ToolCall, *, evaluator: Evaluator | None = None
) -> Fit | None:
    """Whether ``call``'s arguments fit its tool's ``parameters``; None when there is
    nothing to say (the card has no tools, the call has no name, or the arguments are not
    JSON: ``call_marks`` says that already). A name the card's tools lack is said first,
    whatever the arguments."""
    if not tools.text.strip():
        return None
    try:
        names = tools.names()
    except ValueError:
        return None
    if call.name and call.name not in names:
        return Fit(False, f"this card has no tool named {call.name[:64]!r}")
    if not call.name or call.arguments_problem() is not None:
        return None
    schema = _schemas(tools).get(call.name)
    if schema is None:
        return Fit(True, f"{call.name} takes any arguments (it has no parameters schema)")
    what = f"the parameters of {call.name}"
    fits, why = check_text(schema, call.arguments, what, evaluator=evaluator)
    return Fit(True, f"arguments fit {call.name}'s parameters") if fits else Fit(False, why)


SchemaCheck = Callable[[str, str, str], tuple[bool, str]]  # (schema, JSON text, what)


def answer_fit(
    response_format: ResponseFormat,
    text: str,
    *,
    evaluator: Evaluator | None = None,
    check: SchemaCheck | None = None,
) -> Fit | None:
    """Whether a finished answer's text is JSON, an object for a JSON object format, and
    fits the schema of a JSON schema format; None for a Text format or no text. ``check``
    applies the schema (default: ``check_text``, remembered; a prompt-set run hands in
    its own, within the answer's budget and Stop)."""
    if response_format.kind == "text" or not text.strip():  # only calls: nothing to check
        return None
    problem = ToolCall(index=0, arguments=text).arguments_problem()
    if problem is not None:
        return Fit(False, f"the answer is {problem}")
    if response_format.kind == "json_object":  # JSON mode promises an object, not any JSON
        if not text.lstrip().startswith("{"):
            return Fit(False, "the answer is JSON but is not a JSON object")
        return Fit(True, "valid JSON")
    try:
        schema = json.dumps(response_format.parsed_schema())
    except ValueError as exc:
        return Fit(False, str(exc))
    if check is None:
        fits, why = check_text(schema, text, "the schema", evaluator=evaluator)
    else:
        fits, why = check(schema, text, "the response format's schema")
    return Fit(True, "valid against the schema") if fits else Fit(False, why)
