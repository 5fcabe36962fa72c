"""Backend.AI endpoints in a card, without drawing: options, resolving, tokens.

A Backend.AI endpoint is chosen in the card's "Endpoint" selector like any
other; its option value is ``backendai:<endpoint id>``. The token a card uses
is the one chosen in its "Token" selector (``CardRuntime.backendai_token``),
this session only; a public endpoint needs none.
"""

from __future__ import annotations

from datetime import timedelta

from playground.endpoints.backendai import EndpointPage, ManagerError, ModelService
from playground.endpoints.catalog import Endpoint
from playground.session.services import Services
from playground.session.session import Session
from playground.workspace.types import BACKENDAI_PREFIX, Card

PREFIX = BACKENDAI_PREFIX
LIFETIMES: dict[str, str] = {"1 hour": "1h", "1 day": "1d", "7 days": "7d", "30 days": "30d"}


def is_backendai(value: str | None) -> bool:
    return bool(value) and str(value).startswith(PREFIX)


def option_label(found: ModelService) -> str:
    return f"{found.name} · Backend.AI · {found.health}"


def remember(session: Session, page: EndpointPage | None) -> None:
    """Keep what a search said of each endpoint (its name, URL and health)."""
    for item in page.items if page else ():
        session.backendai_seen[item.endpoint_id] = item


def endpoint_options(
    session: Session, page: EndpointPage | None, chosen: str | None
) -> tuple[list[str], dict[str, str]]:
    """Backend.AI option values of a search page, and their labels; the card's own
    chosen endpoint stays offered even when the search no longer finds it."""
    remember(session, page)
    values: list[str] = []
    labels: dict[str, str] = {}
    for item in page.items if page else ():
        value = PREFIX + item.endpoint_id
        values.append(value)
        labels[value] = option_label(item)
    if chosen is not None and is_backendai(chosen) and chosen not in labels:
        item = session.backendai_seen.get(chosen.removeprefix(PREFIX))
        values.append(chosen)
        labels[chosen] = option_label(item) if item else "Backend.AI endpoint"
    return values, labels


def as_endpoint(item: ModelService) -> Endpoint:
    return Endpoint(
        name=PREFIX + item.endpoint_id,
        base_url=item.base_url or "",
        source="backendai",
        title=item.name,
    )


def find_by_name(session: Session, page: EndpointPage | None, name: str) -> Endpoint | None:
    """The Backend.AI endpoint with exactly this name in a search page (for links)."""
    remember(session, page)
    for item in page.items if page else ():
        if item.name == name:
            return as_endpoint(item)
    return None


def resolve(session: Session, services: Services, card: Card) -> tuple[Endpoint | None, str | None]:
    """The card's Backend.AI endpoint as an ``Endpoint`` with its chosen token, and a
    problem to show (unhealthy, or why the manager could not say)."""
    value = card.config.endpoint
    if value is None or not is_backendai(value):
        return None, None
    endpoint_id = value.removeprefix(PREFIX)
    found = session.backendai_seen.get(endpoint_id) or services.backendai_endpoint(
        endpoint_id, session.backendai_nonce
    )
    if isinstance(found, str):
        return Endpoint(name=value, base_url="", source="backendai", title="Backend.AI"), found
    session.backendai_seen[endpoint_id] = found
    problem = None if found.is_healthy else f"'{found.name}' is {found.health}: it may not answer."
    token = None if found.open_to_public else session.runtime(card.id).backendai_token
    endpoint = Endpoint(
        name=value,
        base_url=found.base_url or "",
        token=token,
        source="backendai",
        title=found.name,
    )
    return endpoint, problem


def generate_token(session: Session, services: Services, card_id: str, life: str) -> None:
    """Ask the manager for a new token for the card's endpoint, valid for ``life``
    (a key of ``LIFETIMES``); the card uses it, and says what happened."""
    card = session.card(card_id)
    if card is None or not is_backendai(card.config.endpoint):
        return
    endpoint_id = (card.config.endpoint or "").removeprefix(PREFIX)
    runtime = session.runtime(card_id)
    duration: str | timedelta = LIFETIMES.get(life, "1d")
    try:
        manager = services.manager()
        if manager is None:
            runtime.backendai_message = ":material/error: Backend.AI is not configured here."
            return
        token = manager.generate_token(endpoint_id, duration=duration)
    except ManagerError as exc:
        runtime.backendai_message = f":material/error: {exc.message}"
        return
    session.backendai_nonce += 1  # list the new token
    runtime.backendai_token = token
    runtime.backendai_token_fresh = True
    runtime.backendai_message = f":material/check: Token created, valid for {life}."
