"""How many tokens a request carries, before it is sent (no streamlit).

OpenAI models are counted with their own tokenizer (``playground.costs.tokenizers``) and
the chat framing OpenAI documents (3 tokens a message, 3 to open the reply: the
cookbook's "How to count tokens with tiktoken"). Any other model, or a request
holding images, gets an estimate (marked "≈" wherever it is shown): about four
characters a token, as OpenAI's guidance for English text puts it, plus a few
tokens of framing per message as chat templates add.

Counting never raises, whatever the text: a text past the tokenizer's own limits is
counted in pieces (``playground.costs.tokenizers``), and should the tokenizer still fail,
the request gets the estimate.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from playground.costs.tokenizers import TokenCount, counter_for

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4
PER_MESSAGE = 4  # role and separators a chat template wraps around each message
PER_IMAGE = 765  # OpenAI's count for a 1024x1024 image at high detail; others differ
OPENAI_PER_MESSAGE = 3  # <|start|>{role}<|message|> ... <|end|>
OPENAI_REPLY = 3  # <|start|>assistant<|message|>


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
        for call in message.get("tool_calls") or ():  # an answer's calls, sent back
            function = (call.get("function") or {}) if isinstance(call, dict) else {}
            total += estimate_text(f"{function.get('name', '')}{function.get('arguments', '')}")
    return total + 2 if messages else 0  # the assistant's turn opener


def _texts(messages: Sequence[dict[str, Any]]) -> list[str] | None:
    """Every text the messages carry, or None when one holds an image or tool calls (how
    the API frames a call is not known here: estimated)."""
    texts = []
    for message in messages:
        content = message.get("content")
        if message.get("tool_calls"):
            return None
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            for part in content:
                if not (isinstance(part, dict) and part.get("type") == "text"):
                    return None
                texts.append(str(part.get("text", "")))
        texts.append(str(message.get("role", "")))
    return texts


def count_tokens(messages: Sequence[dict[str, Any]], model: str | None) -> TokenCount:
    """The prompt tokens of these chat messages for ``model``: exact for OpenAI models
    (text only; a very long text may be counted in pieces, then not exact), else an
    estimate. Never raises."""
    count = counter_for(model) if model else None
    texts = _texts(messages) if count is not None else None
    if count is None or texts is None or not messages:
        return TokenCount(estimate_tokens(messages), exact=False)
    try:
        counted = [count(t) for t in texts]
    except Exception:  # a tokenizer failure must not take the page down: estimate
        log.warning("token count failed for %s; estimated instead", model, exc_info=True)
        return TokenCount(estimate_tokens(messages), exact=False)
    framing = OPENAI_PER_MESSAGE * len(messages) + OPENAI_REPLY
    tokens = sum(c.tokens for c in counted) + framing
    return TokenCount(tokens, exact=all(c.exact for c in counted))
