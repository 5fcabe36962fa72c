"""Which OpenAI API a card's answers stream through, and how each is named on screen.

``chat``: ``POST /chat/completions``; ``responses``: ``POST /responses``. Set per
endpoint (``api = "responses"`` in ``[[endpoints]]``) or by the API choice on Custom.
"""

from __future__ import annotations

from typing import Literal

Api = Literal["chat", "responses"]

API_NAMES: dict[Api, str] = {"chat": "Chat Completions", "responses": "Responses"}
