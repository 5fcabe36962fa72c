"""Building ``openai.OpenAI`` clients for an endpoint (base URL, optional token)."""

from __future__ import annotations

from typing import Any

import openai

from playground.config import Timeouts

# Sent when an endpoint has no token: the SDK insists on an api_key, and this
# placeholder is never put on the wire (see ``auth_headers``).
_NO_TOKEN = "no-token"


def make_client(
    base_url: str, token: str | None, timeouts: Timeouts, *, max_retries: int = 2
) -> openai.OpenAI:
    """A thread-safe client for one (base_url, token) pair."""
    return openai.OpenAI(
        base_url=base_url,
        api_key=token or _NO_TOKEN,
        max_retries=max_retries,
        timeout=openai.Timeout(timeouts.read, connect=timeouts.connect),
    )


def auth_headers(token: str | None) -> dict[str, Any]:
    """Per-request headers: no ``Authorization`` header at all when there is no token."""
    return {} if token else {"Authorization": openai.Omit()}
