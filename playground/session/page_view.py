"""How the page shows the cards: one focused at the full width, some hidden.

A view of the page, not of the workspace (see ``focus.py`` for the actions on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CardView:
    focused: str | None = None  # the card drawn alone at the full width
    hidden: set[str] = field(default_factory=set)
