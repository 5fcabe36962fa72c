"""Compare answers: the last answer of each chosen card against a reference card's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playground.diffing import AnswerDiff, word_diff
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
        out.append(Comparison(reference_id, other_id, word_diff(hide(ref_text), hide(text))))
    return out


def _missing(ref_text: str | None, text: str | None) -> str:
    if ref_text is None and text is None:
        return "Neither card has a finished answer yet."
    if ref_text is None:
        return "The reference card has no finished answer yet."
    return "This card has no finished answer yet."
