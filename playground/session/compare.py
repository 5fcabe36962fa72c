"""Compare answers: the last answer of each chosen card against a reference card's.

An answer here is everything the model said since the card's last prompt: its texts
and its tool calls, over every tool round (``diffing.comparable_text`` says how they
are compared: calls as ``name(canonical JSON)`` lines, a JSON answer canonically).
The tool results between rounds are not the model's, so they are not compared."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playground.config.bounded import Done, Evaluator, default_evaluator
from playground.config.limits import EVAL_DIFF_SECONDS
from playground.rendering.diffing import AnswerDiff, AnswerPart, CallLine, answer_diff
from playground.session.session import Session
from playground.workspace.types import Card


@dataclass(frozen=True)
class Comparison:
    """One card's last answer against the reference's; ``problem`` when there is none."""

    reference_id: str
    other_id: str
    diff: AnswerDiff | None = None
    problem: str | None = None


def last_answer(card: Card) -> tuple[AnswerPart, ...] | None:
    """The texts and tool calls the card's model sent since its last prompt, in order;
    None while it streams or when it sent neither."""
    if card.is_streaming:
        return None
    since = len(card.messages)
    while since > 0 and card.messages[since - 1].role != "user":
        since -= 1
    parts: list[AnswerPart] = []
    for message in card.messages[since:]:
        if message.role != "assistant":
            continue
        if message.content.strip():
            parts.append(message.content)
        parts += [CallLine(call.name, call.arguments) for call in message.tool_calls]
    return tuple(parts) or None


def compare_answers(
    state: Session,
    reference_id: str,
    other_ids: Sequence[str],
    hide: Callable[[str], str] = lambda text: text,
) -> list[Comparison]:
    """Each of ``other_ids``' last answers against ``reference_id``'s, word by word.

    ``hide`` masks names before diffing (a blind round: ``CardShows.hide``), so
    the ops never hold a contestant's name.
    """
    reference = state.card(reference_id)
    if reference is None:
        return []
    ref_text = last_answer(reference)
    out = []
    for other_id in other_ids:
        other = state.card(other_id)
        if other is None or other_id == reference_id:
            continue
        text = last_answer(other)
        if ref_text is None or text is None:
            out.append(Comparison(reference_id, other_id, problem=_missing(ref_text, text)))
            continue
        found = bounded_diff(_hidden(ref_text, hide), _hidden(text, hide))
        if isinstance(found, str):
            out.append(Comparison(reference_id, other_id, problem=found))
        else:
            out.append(Comparison(reference_id, other_id, found))
    return out


def _hidden(parts: tuple[AnswerPart, ...], hide: Callable[[str], str]) -> tuple[AnswerPart, ...]:
    """Names masked in texts, call names and arguments (before any JSON is read)."""
    return tuple(
        hide(p) if isinstance(p, str) else CallLine(hide(p.name), hide(p.arguments)) for p in parts
    )


def _digest(parts: tuple[AnswerPart, ...]) -> str:
    """Every part with its length and kind, so no two different answers read alike."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(f"t{len(part)}:{part}")
        else:
            out.append(f"c{len(part.name)}:{part.name}{len(part.arguments)}:{part.arguments}")
    return f"{len(out)}:" + "".join(out)


def bounded_diff(
    reference: tuple[AnswerPart, ...],
    other: tuple[AnswerPart, ...],
    *,
    evaluator: Evaluator | None = None,
) -> AnswerDiff | str:
    """``answer_diff`` in the bounded evaluator (answers of 500,000 characters take
    seconds of pure Python, and their JSON is parsed there, which in the app would hold
    every session), or why there is none."""
    evaluator = evaluator or default_evaluator()
    text = f"{_digest(reference)}|{_digest(other)}"
    key = "diff:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    found = evaluator.cached_large_call(
        key, answer_diff, reference, other, seconds=EVAL_DIFF_SECONDS
    )
    if isinstance(found, Done):
        return found.value
    return f"Comparing these answers {found.message}."


def _missing(ref_text: str | None, text: str | None) -> str:
    if ref_text is None and text is None:
        return "Neither card has a finished answer yet."
    if ref_text is None:
        return "The reference card has no finished answer yet."
    return "This card has no finished answer yet."
