"""Which context window a card's next request must fit (application layer)."""

from __future__ import annotations

from playground.session.services import Services
from playground.workspace.types import CUSTOM, Card


def card_window(services: Services, card: Card) -> int | None:
    """The context length of the card's model: the endpoint's ``context_window`` (or an
    embedded model's n_ctx), else what its ``GET /models`` entry states (the list last
    asked, as the card's Model selector asks it: never a request of its own); None: unknown."""
    endpoint = services.catalog().get(card.config.endpoint)
    model = card.config.model
    if endpoint is None or not model or model == CUSTOM:
        return None
    if endpoint.context_window is not None:
        return endpoint.context_window
    if endpoint.static_models or not endpoint.base_url:
        return None
    listed = services.listed_models(endpoint)
    return listed.window(model) if listed is not None else None
