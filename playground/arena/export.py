"""Votes as JSONL preference pairs, for fine-tuning (DPO and the like).

One line per strict preference of a vote (``playground.arena.votes.preferences``):
"A is better" gives one pair; "best of N" gives one per card beaten (and per card
that beat the worst). Ties and "Both are bad" say nothing about which is better and
give no pair. Each line::

    {"prompt": ..., "chosen": ..., "rejected": ...,
     "chosen_history": [...], "rejected_history": [...],   # earlier turns of each card
     "models": {"chosen": {"endpoint", "model", "settings"}, "rejected": {...}},
     "vote_id", "created_at", "tag", "outcome"}

Nothing here holds a token (votes never have one); the voter is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from playground.arena.votes import Entry, VoteRecord, preferences


def _model(entry: Entry) -> dict[str, Any]:
    return {
        "endpoint": entry.endpoint,
        "model": entry.model,
        "settings": entry.settings.model_dump(mode="json"),
    }


def preference_pairs(records: Iterable[VoteRecord]) -> Iterator[dict[str, Any]]:
    for record in records:
        for chosen, rejected in preferences(record):
            yield {
                "prompt": record.prompt,
                "chosen": chosen.answer,
                "rejected": rejected.answer,
                "chosen_history": chosen.history,
                "rejected_history": rejected.history,
                "models": {"chosen": _model(chosen), "rejected": _model(rejected)},
                "vote_id": record.id,
                "created_at": record.created_at.isoformat(),
                "tag": record.tag,
                "outcome": record.outcome.describe(),
            }


def export_jsonl(records: Iterable[VoteRecord]) -> bytes:
    """The preference pairs, one JSON object per line (UTF-8)."""
    return "".join(
        json.dumps(pair, ensure_ascii=False) + "\n" for pair in preference_pairs(records)
    ).encode("utf-8")
