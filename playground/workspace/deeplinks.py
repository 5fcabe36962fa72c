"""Links that open the playground with given cards: ``?card=<endpoint>:<model>&sync=1``.

Backend.AI's own links (its web UI's "Compare with other models" and "Play your model
now!") open ``/chat?endpointId=<id>&modelId=<model>``, newer builds ``deploymentId``
(lablup/backend.ai-webui); such a link opens a card on that Backend.AI endpoint here.

Endpoint names and model IDs may both contain ":" (Ollama's ``llama3:8b``), so
a ``card`` value is matched against the configured endpoint names first, the
longest name that fits winning. Tokens are never part of a link: query keys
that look like one are reported so the UI can drop them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from playground.workspace.types import BACKENDAI_PREFIX, CUSTOM, Card

TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
# Any query key that looks like it carries a credential ("access_token", "api-key",
# "Authorization", "openai_api_key", ...).
_SECRET_KEY = re.compile(r"token|key|secret|passw|auth|bearer|credential", re.IGNORECASE)


@dataclass(frozen=True)
class CardLink:
    endpoint: str
    model: str | None  # None: the endpoint's first model


def parse_card(value: str, endpoint_names: Sequence[str]) -> CardLink:
    """Split one ``card`` value into endpoint and model (see the module docstring)."""
    value = value.strip()
    for name in sorted(endpoint_names, key=len, reverse=True):
        if value == name:
            return CardLink(name, None)
        if value.startswith(name + ":"):
            return CardLink(name, value[len(name) + 1 :].strip() or None)
    endpoint, _, model = value.partition(":")
    return CardLink(endpoint.strip(), model.strip() or None)


#: Query keys of Backend.AI's links, in the order they are read.
BACKENDAI_ENDPOINT_KEYS = ("endpointId", "deploymentId")
BACKENDAI_MODEL_KEY = "modelId"


def backendai_card(params: Mapping[str, str | None]) -> CardLink | None:
    """The card a Backend.AI link (``endpointId``/``deploymentId`` + ``modelId``) asks for.

    The endpoint is ``backendai:<id>``; None when there is no such key or its value is not
    an endpoint ID (a link is never trusted to name anything else).
    """
    for key in BACKENDAI_ENDPOINT_KEYS:
        raw = (params.get(key) or "").strip()
        if not raw:
            continue
        try:
            endpoint_id = str(uuid.UUID(raw))
        except ValueError:
            return None
        model = (params.get(BACKENDAI_MODEL_KEY) or "").strip() or None
        return CardLink(BACKENDAI_PREFIX + endpoint_id, model)
    return None


def is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in TRUE_WORDS


def secret_keys(keys: Iterable[str]) -> list[str]:
    """Query keys that would carry a token (never read; the UI removes them)."""
    return [key for key in keys if _SECRET_KEY.search(key)]


def link_query(cards: Sequence[Card], sync: bool, names: Mapping[str, str] | None = None) -> str:
    """The query string (``card=...&sync=1``) that opens these cards again.

    Backend.AI cards appear under their endpoint's name (from ``names``, endpoint
    value -> name), as Backend.AI's own links do; one whose name is not known is
    left out, as are Custom cards and cards without an endpoint or model: a link
    never carries a baseURL or a token.
    """
    names = names or {}
    pairs = []
    for card in cards:
        endpoint, model = card.config.endpoint, card.config.model
        if endpoint and endpoint.startswith(BACKENDAI_PREFIX):
            endpoint = names.get(endpoint)
        if endpoint and model and model != CUSTOM:
            pairs.append(("card", f"{endpoint}:{model}"))
    if sync:
        pairs.append(("sync", "1"))
    return urlencode(pairs)
