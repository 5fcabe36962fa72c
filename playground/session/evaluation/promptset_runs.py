"""Runs per prompt: a run's size before it starts, and whether it must be confirmed."""

from __future__ import annotations

from collections.abc import Sequence

from playground.promptsets.records import RunRow
from playground.promptsets.size import RunSize, run_size
from playground.promptsets.sweeps import Sweep
from playground.session.evaluation.promptsets import _target, run_columns
from playground.session.services import Services
from playground.session.session import Session


def size_of(
    session: Session,
    services: Services,
    rows: Sequence[RunRow],
    runs: int,
    sweeps: Sequence[Sweep] = (),
) -> RunSize:
    """What asking ``rows`` ``runs`` times of every column of the run would cost: a card
    each, or with ``sweeps`` a card and combination each (``run_columns``)."""
    columns = [
        (column.config, _target(session, services, column))
        for column in run_columns(session, sweeps)
    ]
    return run_size(rows, columns, runs)


def confirm_over(services: Services) -> int:
    """``[limits] confirm_answers_over``: a run asking more answers asks to confirm."""
    return services.config().limits.confirm_answers_over


def needs_confirm(services: Services, answers: int) -> bool:
    return answers > confirm_over(services)
