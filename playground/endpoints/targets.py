"""Resolving a card's config to the concrete server, model and token it talks to."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playground.chat.apis import Api
from playground.costs.pricing import Pricing, answer_cost
from playground.endpoints.catalog import Endpoint, EndpointCatalog
from playground.endpoints.egress import EgressPolicy
from playground.endpoints.urls import normalize_base_url
from playground.errors import CustomNotAllowed, HostRefused, IncompleteCard, InvalidBaseURL
from playground.workspace.types import CUSTOM, CardConfig, Metrics


@dataclass(frozen=True)
class Target:
    base_url: str
    model: str
    token: str | None
    label: str  # how the card's server is named in messages ("vLLM on gpu-3")
    max_tokens: int | None = None
    pricing: Pricing = field(default_factory=Pricing)
    context_window: int | None = None
    api: Api = "chat"  # which API the answer streams through (``StreamJob(api=...)``)

    @property
    def what(self) -> str:
        return f"'{self.label}'"

    def cost(self, metrics: Metrics) -> tuple[float, bool] | None:
        """An answer's (dollars, estimated) on this target; None: no price known."""
        cost = answer_cost(metrics, self.pricing, self.model, self.base_url)
        return None if cost is None else (cost.dollars, cost.estimated)


CUSTOM_REFUSED = (
    "This playground does not allow Custom endpoints (a baseURL typed into a card): "
    "choose one of its endpoints and models instead."
)


def check_host(url: str, egress: EgressPolicy | None) -> None:
    """What the ``[security]`` rules say of ``url``'s host before any lookup; raises
    ``HostRefused`` (the connection itself checks every address it resolves to)."""
    if egress is None:
        return
    why = egress.refusal_without_lookup(urlsplit(url).hostname or "")
    if why is not None:
        raise HostRefused(why)


def resolve_target(
    config: CardConfig,
    catalog: EndpointCatalog,
    custom_token: str | None,
    *,
    allow_custom: bool = True,
    egress: EgressPolicy | None = None,
) -> Target:
    """Where this card's next prompt goes; raises a ``PlaygroundError`` to show.

    With ``allow_custom`` false a Custom card is refused here, on the server,
    whatever brought it (an import, a link, a restored workspace, crafted state).
    """
    target = _resolve(config, catalog, custom_token, allow_custom)
    check_host(target.base_url, egress)
    return target


def _resolve(
    config: CardConfig, catalog: EndpointCatalog, custom_token: str | None, allow_custom: bool
) -> Target:
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
            endpoint.pricing,
            endpoint.context_window,
            endpoint.api,
        )
    if config.model is None and endpoint is not None:
        raise IncompleteCard("Choose a model for this card first.")
    # Custom
    if not allow_custom:
        raise CustomNotAllowed(CUSTOM_REFUSED)
    base = normalize_base_url(config.custom.base_url)  # raises InvalidBaseURL
    model_id = config.custom.model_id.strip()
    if not model_id:
        raise IncompleteCard("Model ID is required: enter the model's identifier.")
    token = custom_token or None
    # The endpoint's own token is reused only for that endpoint's own URL, so a
    # configured token is never sent to a host someone typed in.
    if token is None and endpoint is not None and endpoint.base_url == base.url:
        token = endpoint.token_value
    return Target(base.url, model_id, token, base.url, api=config.custom.api)


def card_api(config: CardConfig, catalog: EndpointCatalog) -> Api:
    """Which API the card's answers stream through: Custom's choice, else its endpoint's."""
    if config.model == CUSTOM:
        return config.custom.api
    endpoint = catalog.get(config.endpoint) if config.model else None
    return endpoint.api if endpoint is not None else "chat"


def uses_config_token(raw_url: str, endpoint: Endpoint | None) -> bool:
    """Whether a Custom card's request to ``raw_url`` carries ``endpoint``'s configured
    token (its own URL only, as ``_resolve`` decides): an empty Token field is no missing
    token then."""
    if endpoint is None or endpoint.token is None or not raw_url.strip():
        return False
    try:
        return normalize_base_url(raw_url).url == endpoint.base_url
    except InvalidBaseURL:
        return False
