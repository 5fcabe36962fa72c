"""Compare answers: the last answer of each chosen card against a reference card's."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playground.bounded import Done, Evaluator, default_evaluator
from playground.diffing import AnswerDiff, word_diff
from playground.limits import EVAL_DIFF_SECONDS
from playground.session.session import Session
from playground.workspace import Card


@dataclass(frozen=True)
class Comparison:
    """One card's last answer against the reference's; ``problem`` when there is none."""

    reference_id: str
    other_id: str
    diff: AnswerDiff | None = None
    problem: str | None = None


def last_answer(card: Card) -> str | None:
    """The card's last finished answer with text; None while it streams or has none."""
    if card.is_streaming:
        return None
    for message in reversed(card.messages):
        if message.role == "assistant" and message.content.strip():
            return message.content
        if message.role == "user":
            return None  # the last prompt has no answer with text
    return None


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
        found = bounded_diff(hide(ref_text), hide(text))
        if isinstance(found, str):
            out.append(Comparison(reference_id, other_id, problem=found))
        else:
            out.append(Comparison(reference_id, other_id, found))
    return out


def bounded_diff(
    reference: str, other: str, *, evaluator: Evaluator | None = None
) -> AnswerDiff | str:
    """``word_diff`` in the bounded evaluator (answers of 500,000 characters take seconds
    of pure Python, which in the app would hold every session), or why there is none."""
    evaluator = evaluator or default_evaluator()
    key = (
        "diff:"
        + hashlib.sha256(
            f"{len(reference)}:{reference}{other}".encode("utf-8", "surrogatepass")
        ).hexdigest()
    )
    found = evaluator.cached_large_call(key, word_diff, reference, other, seconds=EVAL_DIFF_SECONDS)
    if isinstance(found, Done):
        return found.value
    return f"Comparing these answers {found.message}."


def _missing(ref_text: str | None, text: str | None) -> str:
    if ref_text is None and text is None:
        return "Neither card has a finished answer yet."
    if ref_text is None:
        return "The reference card has no finished answer yet."
    return "This card has no finished answer yet."
