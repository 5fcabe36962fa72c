"""Resolving a card's config to the concrete server, model and token it talks to."""

from __future__ import annotations

from dataclasses import dataclass

from playground.endpoints import EndpointCatalog
from playground.errors import IncompleteCard
from playground.urls import normalize_base_url
from playground.workspace import CUSTOM, CardConfig


@dataclass(frozen=True)
class Target:
    base_url: str
    model: str
    token: str | None
    label: str  # how the card's server is named in messages ("vLLM on gpu-3")
    max_tokens: int | None = None

    @property
    def what(self) -> str:
        return f"'{self.label}'"


def resolve_target(
    config: CardConfig, catalog: EndpointCatalog, custom_token: str | None
) -> Target:
    """Where this card's next prompt goes; raises a ``PlaygroundError`` to show."""
    endpoint = catalog.get(config.endpoint)
    if config.model and config.model != CUSTOM:
        if endpoint is None:
            raise IncompleteCard("Choose an endpoint for this card first.")
        if not endpoint.base_url:
            raise IncompleteCard(f"'{endpoint.label}' is not ready yet; wait until it has started.")
        return Target(
            endpoint.base_url,
            config.model,
            endpoint.token_value,
            endpoint.label,
            endpoint.max_tokens,
        )
    if config.model is None and endpoint is not None:
        raise IncompleteCard("Choose a model for this card first.")
    # Custom
    base = normalize_base_url(config.custom.base_url)  # raises InvalidBaseURL
    model_id = config.custom.model_id.strip()
    if not model_id:
        raise IncompleteCard("Model ID is required: enter the model's identifier.")
    token = custom_token or None
    # The endpoint's own token is reused only for that endpoint's own URL, so a
    # configured token is never sent to a host someone typed in.
    if token is None and endpoint is not None and endpoint.base_url == base.url:
        token = endpoint.token_value
    return Target(base.url, model_id, token, base.url)
