"""What the store keeps beside a workspace's JSON, for the History page."""

from __future__ import annotations

from dataclasses import dataclass

from playground.workspace.types import CUSTOM, Workspace

TITLE_MAX = 80  # characters of a title derived from the first prompt
# What History lists as the models of a workspace in an unvoted blind round (its cards'
# order would say which was Model A); its answers are left out of the search text too.
HIDDEN_MODELS = "[hidden]"


@dataclass(frozen=True)
class HistoryFacts:
    """What the store keeps beside a workspace's JSON, for History."""

    title: str
    models: list[str]
    messages: int
    search_text: str


def history_facts(workspace: Workspace) -> HistoryFacts:
    """Title (from the first prompt), models, message count and search text."""
    blind = workspace.blind_round is not None
    title = ""
    models: list[str] = []
    texts: list[str] = []
    count = 0
    for card in workspace.cards:
        config = card.config
        model = config.custom.model_id if config.model == CUSTOM else config.model
        if model and model not in models:
            models.append(model)
        for message in card.messages:
            count += 1
            if not title and message.role == "user" and message.content.strip():
                title = _title(message.content)
            if blind and message.role != "user":
                continue
            texts.append(message.content)
            texts.extend(e.content for e in message.earlier)
            texts.extend(r.content for r in message.runs)  # asked N times
    models = [HIDDEN_MODELS] if blind and models else models
    search = "\n".join(t for t in texts if t).lower()
    # PostgreSQL text columns cannot hold NUL (the JSON column escapes it; these do not).
    return HistoryFacts(title.replace("\x00", ""), models, count, search.replace("\x00", ""))


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1].rstrip() + "…"
