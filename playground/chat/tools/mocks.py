"""Mock results: what a card answers its tools' calls with, without running anything.

A ``ToolMock`` is one tool's canned result (text or JSON, sent as it is), optionally
with a small table keyed by one argument (``key``: "city"; ``table``: {"Seoul": "...",
...}). ``mock_result`` is pure and never raises: a call whose arguments are not a JSON
object, lack the key, or name no row gets a text result that says so (the table's
``result``, when set, answers a miss instead: a default row).

``mock_results`` answers every call that can take a result, and ``rounds_exceeded``
says why a model that keeps calling was stopped: one wording for a chat card
(``session.tool_rounds``) and a prompt-set cell (``promptsets.rounds``).
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from playground.chat.tools.calls import ToolCall
from playground.config.limits import MAX_MOCK_ROWS, MAX_TOOL_RESULT_CHARS, MAX_TOOLS_PER_CARD

_Text = Annotated[str, StringConstraints(max_length=MAX_TOOL_RESULT_CHARS)]
_Key = Annotated[str, StringConstraints(max_length=200)]


class ToolMock(BaseModel):
    """One tool's mock: ``result`` for every call, or ``table`` rows by argument ``key``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    result: _Text = ""
    key: _Key | None = None  # the argument whose value picks a row of ``table``
    table: dict[_Key, _Text] = Field(default_factory=dict, max_length=MAX_MOCK_ROWS)


# A card's mocks by tool name (``SamplingSettings.tool_mocks``).
ToolMocks = Annotated[dict[_Key, ToolMock], Field(max_length=MAX_TOOLS_PER_CARD)]


def _short(value: object, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lookup(mock: ToolMock, call: ToolCall, key: str) -> str:
    problem = call.arguments_problem()
    if problem is not None:
        return f"Mock {call.name}: no row looked up, the arguments are {problem}."
    arguments = json.loads(call.arguments)
    if not isinstance(arguments, dict):
        return f"Mock {call.name}: no row looked up, the arguments are not a JSON object."
    if key not in arguments:
        return f"Mock {call.name}: no row looked up, the arguments have no {key!r}."
    value = arguments[key]
    row = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if row in mock.table:
        return mock.table[row]
    if mock.result:
        return mock.result
    rows = ", ".join(_short(name, 30) for name in list(mock.table)[:10]) or "none"
    return f"Mock {call.name}: no row for {key} = {_short(row)!r} (rows: {rows})."


def mock_result(mock: ToolMock | None, call: ToolCall) -> str:
    """The result ``mock`` gives ``call`` (never raises)."""
    if mock is None:
        return f"No mock result is set for tool {_short(call.name)!r}."
    if mock.key is not None and mock.table:
        return _lookup(mock, call, mock.key)
    return mock.result


def mock_results(mocks: dict[str, ToolMock], calls: list[ToolCall]) -> dict[str, str]:
    """Each answerable call's result (call id -> text) from its tool's mock in ``mocks``."""
    return {call.id: mock_result(mocks.get(call.name), call) for call in calls if call.answerable}


def rounds_exceeded(max_rounds: int, again: str) -> str:
    """Why the model was stopped: it called tools again after ``max_rounds`` rounds of
    mock results (``again``: what asks it again, e.g. "Regenerate asks it again")."""
    return (
        f"Stopped: the model called tools again after {max_rounds} rounds of mock "
        f"results for this prompt. {again}"
    )
