"""Runs per prompt: a run's size before it starts, and whether it must be confirmed."""

from __future__ import annotations

from collections.abc import Sequence

from playground.promptsets.records import RunColumn, RunRow
from playground.promptsets.size import RunSize, run_size
from playground.session.promptsets import _target
from playground.session.services import Services
from playground.session.session import Session


def size_of(session: Session, services: Services, rows: Sequence[RunRow], runs: int) -> RunSize:
    """What asking ``rows`` ``runs`` times of every card of the workspace would cost."""
    columns = [
        (
            card.config,
            _target(session, services, RunColumn(card_id=card.id, label="", config=card.config)),
        )
        for card in session.workspace.cards
    ]
    return run_size(rows, columns, runs)


def confirm_over(services: Services) -> int:
    """``[limits] confirm_answers_over``: a run asking more answers asks to confirm."""
    return services.config().limits.confirm_answers_over


def needs_confirm(services: Services, answers: int) -> bool:
    return answers > confirm_over(services)
