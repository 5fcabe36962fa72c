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


def estimate_text(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_tokens(messages: Sequence[dict[str, Any]]) -> int:
    """An estimate of the prompt tokens of these chat messages."""
    total = 0
    for message in messages:
        content = message.get("content")
        text = content if isinstance(content, str) else ""
        total += PER_MESSAGE + estimate_text(text)
    return total + 2 if messages else 0  # the assistant's turn opener
