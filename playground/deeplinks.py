"""Links that open the playground with given cards: ``?card=<endpoint>:<model>&sync=1``.

Endpoint names and model IDs may both contain ":" (Ollama's ``llama3:8b``), so
a ``card`` value is matched against the configured endpoint names first, the
longest name that fits winning. Tokens are never part of a link: query keys
that look like one are reported so the UI can drop them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from playground.chat import CUSTOM, Card

TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
SECRET_KEYS = frozenset({"token", "api_key", "apikey", "key", "secret", "password"})


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


def is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in TRUE_WORDS


def secret_keys(keys: Iterable[str]) -> list[str]:
    """Query keys that would carry a token (never read; the UI removes them)."""
    return [key for key in keys if key.strip().lower() in SECRET_KEYS]


def link_query(cards: Sequence[Card], sync: bool) -> str:
    """The query string (``card=...&sync=1``) that opens these cards again.

    Custom cards and cards without an endpoint or model are left out: a link
    never carries a baseURL or a token.
    """
    pairs = [
        ("card", f"{c.config.endpoint}:{c.config.model}")
        for c in cards
        if c.config.endpoint and c.config.model and c.config.model != CUSTOM
    ]
    if sync:
        pairs.append(("sync", "1"))
    return urlencode(pairs)
