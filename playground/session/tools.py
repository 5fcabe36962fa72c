"""Settings → Tools, Response format and Reasoning effort: apply to a card, or to all.

Each ``apply_*`` checks everything before it changes anything: the JSON and its
shape (``playground.chat.tools.settings``), then each tool's ``parameters`` and the
response format's schema as JSON Schemas in the bounded evaluator
(``playground.config.bounded.schemas``: nothing fetched, bounded time and memory), all of
them within ``EVAL_SET_SECONDS``. It returns None when applied, or a message for a
person when refused (nothing applied then).
"""

from __future__ import annotations

import json
import time

from pydantic import ValidationError

from playground.chat.tools.settings import ReasoningEffort, ResponseFormat, ToolSettings
from playground.config.bounded import Evaluator, default_evaluator
from playground.config.bounded.schemas import check_schema
from playground.session.session import Session
from playground.workspace.types import Card, SamplingSettings

_NO_CARD = "That card is gone."


def _reason(exc: ValidationError) -> str:
    """The first reason pydantic gives, as a sentence for a person."""
    error = exc.errors()[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    where = ".".join(str(part) for part in error["loc"])
    return message if error["type"] == "value_error" or not where else f"{where}: {message}"


def _changed(session: Session, card: Card, settings: SamplingSettings) -> None:
    card.config.settings = settings
    session.runtime(card.id).generation += 1  # its Settings widgets take the new values


def tool_problem(tools: ToolSettings, *, evaluator: Evaluator | None = None) -> str | None:
    """Why a tool's ``parameters`` is not a usable JSON Schema (None: all are)."""
    evaluator = evaluator or default_evaluator()
    deadline = time.monotonic() + evaluator.limits.set_seconds
    for tool in tools.tools():
        function = tool["function"]
        if "parameters" not in function:
            continue
        what = f"the parameters of tool {function['name']!r}"
        if time.monotonic() > deadline:
            return (
                f"checking the tools' parameters took more than "
                f"{evaluator.limits.set_seconds:g} s in all; use fewer or simpler schemas."
            )
        problem = check_schema(json.dumps(function["parameters"]), what, evaluator=evaluator)
        if problem is not None:
            return problem[0].upper() + problem[1:]
    return None


def apply_tools(
    session: Session,
    card_id: str,
    text: str,
    choice: str = "auto",
    *,
    evaluator: Evaluator | None = None,
) -> str | None:
    """Settings → Tools → Apply: the tools' JSON text and the tool choice."""
    card = session.card(card_id)
    if card is None:
        return _NO_CARD
    try:
        tools = ToolSettings(text=text.strip(), choice=choice)
    except ValidationError as exc:
        return f"Tools not applied: {_reason(exc)}"
    problem = tool_problem(tools, evaluator=evaluator)
    if problem is not None:
        return f"Tools not applied: {problem}"
    _changed(session, card, card.config.settings.model_copy(update={"tools": tools}))
    return None


def apply_response_format(
    session: Session,
    card_id: str,
    response_format: dict[str, object],
    *,
    evaluator: Evaluator | None = None,
) -> str | None:
    """Settings → Response format → Apply: ``kind`` (text, json_object, json_schema),
    ``schema_text``, ``name``, ``strict``."""
    card = session.card(card_id)
    if card is None:
        return _NO_CARD
    try:
        chosen = ResponseFormat.model_validate(response_format)
    except ValidationError as exc:
        return f"Response format not applied: {_reason(exc)}"
    if chosen.kind == "json_schema":
        what = "the response format's schema"
        problem = check_schema(chosen.schema_text, what, evaluator=evaluator)
        if problem is not None:
            return f"Response format not applied: {problem}"
    _changed(session, card, card.config.settings.model_copy(update={"response_format": chosen}))
    return None


def set_reasoning_effort(session: Session, card_id: str, effort: str | None) -> str | None:
    """Settings → Reasoning effort: minimal, low, medium, high, or None (not sent)."""
    card = session.card(card_id)
    if card is None:
        return _NO_CARD
    try:
        settings = SamplingSettings.model_validate(
            {**card.config.settings.model_dump(), "reasoning_effort": effort}
        )
    except ValidationError:
        return f"Reasoning effort {str(effort)[:20]!r} is none of minimal, low, medium, high."
    _changed(session, card, settings)
    return None


def apply_tools_to_all(session: Session, card_id: str) -> str | None:
    """Apply to all cards: this card's tools, tool choice, mock results, response format
    and reasoning effort go to every other card (their sampling settings stay theirs)."""
    source = session.card(card_id)
    if source is None:
        return _NO_CARD
    kept = source.config.settings
    copied = {
        "tools": kept.tools,
        "tool_mocks": dict(kept.tool_mocks),
        "response_format": kept.response_format,
    }
    effort: ReasoningEffort | None = kept.reasoning_effort
    for card in session.workspace.cards:
        if card is not source:
            update = {**copied, "reasoning_effort": effort}
            _changed(session, card, card.config.settings.model_copy(update=update))
    session.redraw_page = True  # every card shows them now, not at the next page run
    return None


def tools_summary(settings: SamplingSettings) -> str:
    """What a card's summary line says of its tools: "2 tools", "" without any."""
    return settings.tools.summary()
