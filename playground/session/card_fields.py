"""Commands that set what a card is bound to and how it shows, without sending anything.

Its fields (endpoint, model, Custom's baseURL, Model ID, token and API), its settings,
the page's layout, and view flags. Re-exported by ``commands``, the one place the
UI calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from playground.chat.apis import Api
from playground.endpoints.catalog import settings_for_endpoint
from playground.endpoints.urls import without_secrets
from playground.session.services import Services
from playground.session.session import Session
from playground.workspace.types import SamplingSettings


def set_settings(session: Session, card_id: str, settings: SamplingSettings) -> None:
    """A card's Settings, already validated."""
    card = session.card(card_id)
    if card is not None:
        card.config.settings = settings


@dataclass(frozen=True)
class CardFields:
    """What a card's selectors and Custom fields hold; None: that field is not shown."""

    endpoint: str | None = None
    model: str | None = None
    base_url: str | None = None
    model_id: str | None = None
    token: str | None = None
    api: Api | None = None  # Custom's API choice


def set_card_fields(session: Session, card_id: str, fields: CardFields) -> None:
    """Take in what the card's fields hold: the one place they reach its config.

    A key typed into a baseURL (``user:password@``, ``?api_key=``) is never kept;
    the typed token lives in the card's runtime only. Choosing another endpoint
    empties Custom's baseURL (it then shows the new endpoint's) and its token.
    """
    card = session.card(card_id)
    if card is None:
        return
    config = card.config
    if fields.endpoint is not None:
        if config.endpoint is not None and fields.endpoint != config.endpoint:
            # Another endpoint: Custom starts from *its* URL, and a token typed for
            # the old server is never sent to the new one.
            config.custom.base_url = ""
            session.runtime(card_id).token = None
        config.endpoint = fields.endpoint
    if fields.model is not None:
        config.model = fields.model
    if fields.base_url is not None:
        config.custom.base_url = without_secrets(fields.base_url)
    if fields.model_id is not None:
        config.custom.model_id = fields.model_id
    if fields.api is not None:
        config.custom.api = fields.api
    if fields.token is not None:
        value = fields.token.strip()
        session.runtime(card_id).token = SecretStr(value) if value else None


def choose_endpoint(session: Session, services: Services, card_id: str, endpoint: str) -> None:
    """A person chose the card's endpoint. It may bring its own settings (SmolLM2's system
    prompt): they follow the endpoint as long as the person has not changed them."""
    card = session.card(card_id)
    if card is None:
        return
    catalog = services.catalog()
    before = card.config.settings
    after = settings_for_endpoint(before, catalog.get(card.config.endpoint), catalog.get(endpoint))
    set_card_fields(session, card_id, CardFields(endpoint=endpoint))
    if after is not before:
        card.config.settings = after
        session.runtime(card_id).generation += 1  # its Settings widgets take the new values


def choose_model(session: Session, card_id: str, model: str | None) -> None:
    """A person chose the card's model: no more hints or automatic changes for it."""
    card = session.card(card_id)
    if card is None:
        return
    card.config.model = model
    runtime = session.runtime(card_id)
    runtime.compare_hint = False
    runtime.fell_back = False
    runtime.wanted_model = None


def set_layout(session: Session, *, sync_input: bool, cards_per_row: int) -> None:
    """The sidebar's Sync Input and Cards per row (1 to 4)."""
    session.workspace.sync_input = sync_input
    session.workspace.cards_per_row = min(4, max(1, cards_per_row))


def refresh_models(session: Session) -> None:
    """More → Refresh model list."""
    session.models_nonce += 1


def set_load_images(session: Session, card_id: str, allowed: bool) -> None:
    """More → Load images / Block images, for this card only."""
    session.runtime(card_id).load_images = allowed


def show_all_messages(session: Session, card_id: str, shown: bool) -> None:
    session.runtime(card_id).show_all_messages = shown
