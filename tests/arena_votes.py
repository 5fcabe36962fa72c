"""Building votes for the arena tests."""

from __future__ import annotations

import datetime as dt
import itertools

from playground.arena.votes import Entry, Outcome, VoteRecord

_ids = itertools.count()
WHEN = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def record(
    models: list[str],
    kind: str,
    *,
    best: str | None = None,
    worst: str | None = None,
    tag: str | None = None,
    voter: str | None = None,
    when: dt.datetime = WHEN,
    prompt: str = "Which is better?",
) -> VoteRecord:
    """A vote on cards running ``models`` (on endpoint "E"), labelled A, B, ..."""
    labels = "ABCDEFGH"
    return VoteRecord(
        id=f"v{next(_ids):04d}",
        created_at=when,
        voter=voter,
        round_id="r",
        outcome=Outcome(kind=kind, best=best, worst=worst),  # type: ignore[arg-type]
        tag=tag,
        prompt=prompt,
        entries=[
            Entry(label=labels[i], endpoint="E", model=m, answer=f"answer of {m}")
            for i, m in enumerate(models)
        ],
    )
