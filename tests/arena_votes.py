"""Building votes for the arena tests."""

from __future__ import annotations

import datetime as dt
import itertools
import random

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


def random_votes(n: int, models: int, seed: int = 0, answer: str = "") -> list[VoteRecord]:
    """``n`` votes over ``models`` models (on endpoints "E" and "F"): nine in ten on two
    cards (every kind), one in ten best-of-3 (with or without a worst), tags, voters,
    costs on some answers, over ``n`` minutes from ``WHEN``."""
    rng = random.Random(seed)
    names = [(("E", "F")[i % 2], f"model-{i:02d}") for i in range(models)]
    out = []
    for i in range(n):
        three = rng.random() < 0.1
        chosen = rng.sample(names, 3 if three else 2)
        if three:
            best = rng.choice("ABC")
            worst = rng.choice([None, *(x for x in "ABC" if x != best)])
            outcome = Outcome(kind="best", best=best, worst=worst)
        else:
            outcome = Outcome(kind=rng.choice(["a", "b", "a", "b", "tie", "bothbad"]))
        out.append(
            VoteRecord(
                id=f"r{seed}-{i:06d}",
                created_at=WHEN + dt.timedelta(minutes=i),
                voter=rng.choice([None, "ann", "bob"]),
                round_id=f"round-{i}",
                outcome=outcome,
                tag=rng.choice([None, "coding", "writing"]),
                prompt=f"Prompt {i}: which is better?",
                entries=[
                    Entry(
                        label="ABC"[j],
                        endpoint=endpoint,
                        model=model,
                        answer=answer or f"answer of {model}",
                        cost_usd=round(rng.random() / 100, 6) if rng.random() < 0.5 else None,
                        cost_estimated=rng.random() < 0.3,
                    )
                    for j, (endpoint, model) in enumerate(chosen)
                ],
            )
        )
    return out
