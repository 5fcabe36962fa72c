"""Opening the playground from a link: ``?card=<endpoint>:<model>&card=…&sync=1``.

Unknown endpoints or models get a notice and fall back to the defaults; a
Backend.AI endpoint is found by its name. Parameters that look like tokens are
never read: ``apply_link`` returns them so the UI removes them from the address.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from playground.endpoints.backendai import EndpointPage, ModelService
from playground.endpoints.catalog import Endpoint
from playground.session import backendai
from playground.session.decisions import opening_sync
from playground.session.services import Services
from playground.session.session import Session
from playground.session.workspaces.saving import opening_workspace
from playground.workspace.deeplinks import (
    CardLink,
    backendai_card,
    is_true,
    link_query,
    parse_card,
    secret_keys,
)
from playground.workspace.types import Card, CardConfig, Workspace


def apply_link(
    session: Session, services: Services, params: Mapping[str, Sequence[str]]
) -> list[str]:
    """Build the workspace from the link's ``card`` and ``sync`` values, once a session.

    ``params`` maps each query key to all its values. Returns the keys that would
    carry a token (never read), for the UI to remove from the address.
    """
    if session.link_applied:
        return []
    session.link_applied = True
    dropped = secret_keys(params.keys())
    note_dropped_secrets(session, dropped)
    values = list(params.get("card", ()))
    sync = next(iter(params.get("sync", ())), None)
    from_backendai = backendai_card({k: next(iter(v), None) for k, v in params.items()})
    if not values and sync is None and from_backendai is None:
        return dropped
    names = services.catalog().names
    max_cards = services.config().limits.max_cards
    # At most max_cards values are parsed and looked up; the rest only counted.
    links = [parse_card(value, names) for value in values[:max_cards]]
    links += [from_backendai] if from_backendai is not None else []
    asked = len(values) + (from_backendai is not None)
    cards = [_card_for(session, services, link) for link in links[:max_cards]]
    if asked > max_cards:
        session.notices.append(
            f"The link asks for {asked} cards; this playground opens at most "
            f"{max_cards}, so the first {max_cards} were opened and the rest ignored."
        )
    workspace = Workspace(cards=cards) if cards else opening_workspace(services)
    workspace.sync_input = opening_sync(len(workspace.cards), link_sync=is_true(sync))
    session.replace_workspace(workspace)
    return dropped


def note_dropped_secrets(session: Session, dropped: Sequence[str]) -> None:
    """Say that the link's token parameters were ignored and removed (never their values)."""
    if dropped:
        session.notices.append(
            "Links never carry tokens: the link's "
            + ", ".join(f"'{k[:40]}'" for k in dropped)
            + " parameter was ignored and removed from the address."
        )


def _find_backendai(session: Session, services: Services, name: str) -> Endpoint | None:
    """The Backend.AI endpoint with exactly this name, or this ``backendai:<id>``."""
    if services.config().backendai is None:
        return None
    if backendai.is_backendai(name):
        one = services.backendai_endpoint(
            name.removeprefix(backendai.PREFIX), session.backendai_nonce
        )
        if not isinstance(one, ModelService):
            return None
        session.backendai_seen[one.endpoint_id] = one
        return backendai.as_endpoint(one)
    answer = services.backendai_search(name, session.backendai_nonce)
    return backendai.find_by_name(
        session, answer if isinstance(answer, EndpointPage) else None, name
    )


def _card_for(session: Session, services: Services, link: CardLink) -> Card:
    catalog = services.catalog()
    names = catalog.names
    endpoint = catalog.get(link.endpoint) or _find_backendai(session, services, link.endpoint)
    if endpoint is None:
        session.notices.append(
            f"The link's endpoint '{link.endpoint[:80]}' is not configured here; "
            "the card uses the default endpoint instead."
        )
        return Card(config=CardConfig(endpoint=names[0] if names else None))
    model = link.model
    if model is not None and endpoint.base_url:
        listed = services.models(endpoint, session.models_nonce)
        if not listed.error and model not in listed.models:
            session.notices.append(
                f"'{endpoint.label}' does not offer the link's model '{model[:80]}'; "
                "the card uses its first model instead."
            )
            model = None
    return Card(config=CardConfig(endpoint=endpoint.name, model=model))


def share_query(session: Session) -> str:
    """The query string of a link to these cards (endpoints and models; never tokens)."""
    names = {backendai.PREFIX + k: v.name for k, v in session.backendai_seen.items()}
    return link_query(session.workspace.cards, session.workspace.sync_input, names)
