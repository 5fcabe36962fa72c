"""How many tokens a request carries, before it is sent (no streamlit).

Without the model's own tokenizer this is an estimate (marked "≈" wherever it is
shown): about four characters a token, as OpenAI's guidance for English text puts
it, plus a few tokens of framing per message as chat templates add.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

CHARS_PER_TOKEN = 4
PER_MESSAGE = 4  # role and separators a chat template wraps around each message
PER_IMAGE = 765  # OpenAI's count for a 1024x1024 image at high detail; others differ


def estimate_text(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_tokens(messages: Sequence[dict[str, Any]]) -> int:
    """An estimate of the prompt tokens of these chat messages."""
    total = 0
    for message in messages:
        content = message.get("content")
        total += PER_MESSAGE
        if isinstance(content, str):
            total += estimate_text(content)
        elif isinstance(content, list):  # content parts: text and images
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text":
                    total += estimate_text(str(part.get("text", "")))
                elif isinstance(part, dict):
                    total += PER_IMAGE
    return total + 2 if messages else 0  # the assistant's turn opener
