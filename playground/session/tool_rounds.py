"""Tool rounds: answer a card's tool calls with results, and stream the model's next answer.

- ``send_results``: results a person gives ({call id: text}) go on the calls of the
  card's last answer (``ToolCall.result``) and the card is answered again, into the
  same card, as a prompt is (``commands.start_answer``). The history then carries the
  answer's ``tool_calls`` and one ``tool`` message per answered call
  (``Card.history_for_request``).
- ``keep_draft``: a result typed but not sent yet, kept on its call (``ToolCall.draft``).
- ``set_mock``: one tool's mock result (``playground.chat.tools.mocks``) on a card.
- ``answer_with_mocks``: every call of the last answer gets its mock result, then as
  ``send_results``; at most ``MAX_TOOL_ROUNDS`` rounds per prompt, after which the card
  says the model was stopped (an error answer: Regenerate asks again from the prompt).
- ``answer_open_with_mocks``: with ``Session.mock_answers`` on, every card whose finished
  answer has open calls is answered with mocks. The page calls it on its own thread at
  the start of a run, before any card fragment is drawn, so no worker thread changes
  the session; a refusal is kept on the card's runtime (``results_message``).

Each returns None when done, or a message for a person when refused (nothing changed).
"""

from __future__ import annotations

from pydantic import ValidationError

from playground.chat.tools.calls import ToolCall, answered
from playground.chat.tools.mocks import ToolMock, mock_results, rounds_exceeded
from playground.config.limits import MAX_TOOL_RESULT_CHARS, MAX_TOOL_ROUNDS
from playground.session.commands import start_answer
from playground.session.services import Services
from playground.session.session import Session
from playground.workspace.types import Card, Message

_NO_CARD = "That card is gone."


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def open_calls(card: Card) -> list[ToolCall]:
    """The calls of the card's last answer that can take a result (empty: none)."""
    last = card.messages[-1] if card.messages else None
    if last is None or last.role != "assistant" or last.status != "done":
        return []
    return [call for call in last.tool_calls if call.answerable]


def rounds_since_prompt(card: Card) -> int:
    """How many answers since the card's last prompt had their calls answered."""
    count = 0
    for message in reversed(card.messages):
        if message.role == "user":
            break
        count += bool(answered(message.tool_calls))
    return count


def _refusal(card: Card | None, results: dict[str, str]) -> str | None:
    if card is None:
        return _NO_CARD
    if card.is_streaming:
        return "Results not sent: the card is still answering. Send them once it has ended."
    calls = {call.id for call in open_calls(card)}
    if not calls:
        return "Results not sent: the card's last answer has no tool call waiting for one."
    unknown = [call_id for call_id in results if call_id not in calls]
    if unknown:
        return f"Results not sent: no call of the last answer has the id {_short(unknown[0])!r}."
    if not results:
        return "Results not sent: there are none."
    for call_id, text in results.items():
        if not isinstance(text, str):
            return f"Results not sent: the result for {_short(call_id)!r} is not text."
        if len(text) > MAX_TOOL_RESULT_CHARS:
            return (
                f"Results not sent: the result for {_short(call_id)!r} is over "
                f"{MAX_TOOL_RESULT_CHARS:,} characters."
            )
    return None


def send_results(
    session: Session, services: Services, card_id: str, results: dict[str, str]
) -> str | None:
    """Record ``results`` (call id -> result text) on the last answer's calls, and stream
    the model's next answer into the card. A call given no result is not sent back."""
    card = session.card(card_id)
    refused = _refusal(card, results)
    if refused is not None or card is None:
        return refused
    for call in card.messages[-1].tool_calls:
        if call.id in results:
            call.result, call.draft = results[call.id], ""
    start_answer(session, services, card)
    return None


def keep_draft(session: Session, card_id: str, call_id: str, text: str) -> None:
    """What a person has typed as an open call's result, kept on the call (saved with the
    workspace, so a reload finds it) until it is sent."""
    card = session.card(card_id)
    for call in open_calls(card) if card is not None else []:
        if call.id == call_id:
            call.draft = text[:MAX_TOOL_RESULT_CHARS]


def set_mock(
    session: Session, card_id: str, tool: str, mock: dict[str, object] | None
) -> str | None:
    """Set (or, with None, remove) the mock result of the card's tool ``tool``."""
    card = session.card(card_id)
    if card is None:
        return _NO_CARD
    mocks = dict(card.config.settings.tool_mocks)
    try:
        if mock is None:
            mocks.pop(tool, None)
        else:
            mocks[tool] = ToolMock.model_validate(mock)
        settings = card.config.settings.model_validate(
            {**card.config.settings.model_dump(), "tool_mocks": mocks}
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        return f"Mock for {_short(tool)!r} not set: {where + ': ' if where else ''}{error['msg']}"
    card.config.settings = settings
    session.runtime(card.id).generation += 1  # its Settings widgets take the new values
    return None


def answer_with_mocks(
    session: Session, services: Services, card_id: str, max_rounds: int = MAX_TOOL_ROUNDS
) -> str | None:
    """Answer every call of the card's last answer with its tool's mock result and send
    them; after ``max_rounds`` rounds for one prompt the card says the model was stopped
    (and this returns that message)."""
    card = session.card(card_id)
    if card is None:
        return _NO_CARD
    calls = open_calls(card)
    if calls and not card.is_streaming and rounds_since_prompt(card) >= max_rounds:
        stopped = rounds_exceeded(max_rounds, "Regenerate asks it again from the prompt.")
        card.messages.append(Message(role="assistant", status="error", error=stopped))
        return stopped
    results = mock_results(card.config.settings.tool_mocks, calls)
    return send_results(session, services, card_id, results)


def mocks_due(session: Session, card_ids: set[str]) -> bool:
    """Whether ``answer_open_with_mocks`` would answer one of ``card_ids`` now: mock answers
    on and the card's answer has ended with open calls."""
    if not session.mock_answers:
        return False
    cards = (session.card(card_id) for card_id in card_ids)
    return any(card is not None and not card.is_streaming and open_calls(card) for card in cards)


def answer_open_with_mocks(session: Session, services: Services) -> list[str]:
    """With ``session.mock_answers`` on: answer each finished card's open calls with its
    mocks (``answer_with_mocks``); returns the ids of the cards answered or stopped."""
    if not session.mock_answers:
        return []
    acted = []
    for card in list(session.workspace.cards):
        if card.is_streaming or not open_calls(card):
            continue
        refused = answer_with_mocks(session, services, card.id)
        stopped = card.messages[-1].status == "error" and card.messages[-1].error == refused
        session.runtime(card.id).results_message = None if stopped else refused
        acted.append(card.id)
    return acted
