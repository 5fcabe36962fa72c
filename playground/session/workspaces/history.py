"""Who sees which saved workspaces on the History page, and how long ago they were used."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from playground.store.records import WorkspaceSummary
from playground.workspace.naming import short_model_id


@dataclass(frozen=True)
class HistoryScope:
    """Whether History is on for this visitor, and whose workspaces it lists and changes."""

    enabled: bool
    owner: str | None  # the signed-in person, or None: workspaces saved without sign-in


def history_scope(user: str | None, shared: bool) -> HistoryScope:
    """Signed in: that person's own. Not signed in: those saved without sign-in, and
    only in single-user mode (``[store] shared = false``); never someone else's."""
    if user is not None:
        return HistoryScope(True, user)
    return HistoryScope(not shared, None)


def ago(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """'just now', '5 min ago', '3 h ago', 'yesterday', or the date."""
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 2 * 86400:
        return "yesterday"
    return f"{when:%Y-%m-%d}"


def told_apart(summaries: Sequence[WorkspaceSummary], models: bool = True) -> dict[str, str]:
    """For rows whose titles are the same (an imported copy, the same first prompt): what
    tells each apart, "fake-small, gpt-4o · created 1 Dec 2026 11:38 UTC" (without the
    models when ``models`` is False); others: nothing."""
    counts = Counter(s.title.strip() for s in summaries)
    out = {}
    for summary in summaries:
        if counts[summary.title.strip()] > 1:
            created = summary.created_at.strftime("created %-d %b %Y %H:%M UTC")
            if not models:
                out[summary.id] = created
                continue
            names = ", ".join(short_model_id(m) for m in summary.models) or "no model"
            out[summary.id] = f"{names} · {created}"
    return out
