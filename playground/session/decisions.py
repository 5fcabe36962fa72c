"""Decisions a card makes without drawing anything: pure functions, unit-tested.

Which endpoint a new card lands on, which models its selector offers and why
it falls back to Custom, which model it lands on (and when it goes back from
Custom once the list loads), which model "Compare with other models" picks, and
whether a workspace opens with Sync Input on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from playground.endpoints.backendai import ModelService
from playground.endpoints.catalog import Endpoint, EndpointCatalog
from playground.endpoints.discovery import ModelList
from playground.workspace.types import BACKENDAI_PREFIX, CUSTOM, Card


def default_endpoint(
    catalog: EndpointCatalog, remote: Sequence[str], seen: Mapping[str, ModelService]
) -> str | None:
    """A configured endpoint first; else a healthy Backend.AI one; else the embedded model.

    ``remote`` are Backend.AI option values (``backendai:<id>``); ``seen`` what the
    manager said of each id. An endpoint without a healthy route is never preferred.
    """
    configured = [e.name for e in catalog.endpoints if not e.embedded]
    if configured:
        return configured[0]
    for value in remote:
        item = seen.get(value.removeprefix(BACKENDAI_PREFIX))
        if item is not None and item.is_healthy:
            return value
    options = [*catalog.names, *remote]
    return options[0] if options else None


def land_endpoint(
    options: Sequence[str], current: object, configured: str | None, default: str | None
) -> str | None:
    """The value the Endpoint selector shows: its own if still offered, else the card's."""
    if current in options:
        return str(current)
    if configured in options:
        return configured
    return default


def model_options(
    endpoint: Endpoint | None,
    listed: ModelList | None,
    problem: str | None = None,
    *,
    allow_custom: bool = True,
) -> tuple[list[str], str | None]:
    """The Model selector's options (Custom last, when allowed) and the problem to show.

    ``problem`` is one already known (a Backend.AI health warning): a failing or
    empty model list replaces it, since that is what the person must act on. With
    ``allow_custom`` false (``[security]``) Custom is never offered, so the options
    may be empty: the problem then says what to do instead.
    """
    custom = [CUSTOM] if allow_custom else []
    if endpoint is None:
        return custom, problem or (None if allow_custom else "Choose an endpoint for this card.")
    if not endpoint.base_url:
        return custom, problem or f"'{endpoint.label}' is not available."
    listed = listed or ModelList()
    if listed.error:
        return custom, listed.error + (" Using Custom instead." if allow_custom else "")
    if not listed.models:
        if allow_custom:
            return custom, "This endpoint lists no models; enter a Model ID in Custom."
        return custom, "This endpoint lists no models; choose another endpoint."
    return [*listed.models, *custom], problem or listed.note


@dataclass(frozen=True)
class ModelLanding:
    """Where the Model selector lands, and whether that is only a fallback to Custom."""

    selected: str
    changed: bool  # the selector must be set to ``selected``
    fell_back: bool  # Custom only because the list failed: go back once it loads
    wanted: str | None  # the model it wanted when it fell back


def land_model(
    options: Sequence[str],
    current: object,
    configured: str | None,
    *,
    fell_back: bool,
    wanted: str | None,
    problem: str | None,
) -> ModelLanding:
    """The model a card lands on.

    Its selector's own value while that is offered. Otherwise the configured model
    if offered, else the first. A card that fell back to Custom because its list
    failed goes back to the model it wanted as soon as the list offers models.
    """
    returning = current == CUSTOM and fell_back and len(options) > 1
    if current in options and not returning:
        return ModelLanding(str(current), False, fell_back, wanted)
    target = wanted if returning else configured
    selected = target if target in options else options[0]
    falls_back = selected == CUSTOM and target != CUSTOM and bool(problem)
    return ModelLanding(selected, True, falls_back, target if falls_back else None)


def other_model(card: Card, listed: Sequence[str], cards: Sequence[Card]) -> str | None:
    """For "Compare with other models": a model of the card's endpoint no card uses yet,
    else any model other than the card's own; None when the endpoint lists no other."""
    endpoint = card.config.endpoint
    used = {c.config.model for c in cards if c.config.endpoint == endpoint}
    unused = [m for m in listed if m not in used]
    others = [m for m in listed if m != card.config.model]
    return (unused or others or [None])[0]


def custom_base_url(card_base_url: str, endpoint: Endpoint | None) -> str:
    """What Custom's baseURL field starts with: the card's own, else its endpoint's URL."""
    return card_base_url or (endpoint.base_url if endpoint else "")


def opening_sync(cards: int, link_sync: bool | None = None) -> bool:
    """Whether a workspace made now opens with Sync Input on.

    A link states it (``sync=1``; no ``sync``: off, as ``link_query`` writes a
    link of an unsynced workspace) and wins. Otherwise a new workspace (the first
    page, New workspace) with two or more cards opens synced: its first prompt is
    already a comparison. Saved and imported workspaces never come here: they open
    as they were saved, and a person who turns Sync Input off keeps it off.
    """
    if link_sync is not None:
        return link_sync
    return cards >= 2
