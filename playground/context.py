"""Will the next request fit the model's context window? Counted before it is sent.

The count is an estimate (``playground.tokens``), shown with "≈": ``tiktoken``
would count OpenAI models exactly, but its wheel ships no encodings (it fetches
them from openaipublic.blob.core.windows.net on first use), which a deployment
without outbound access cannot do. The window comes from the endpoint's config
(``context_window``) or, for the embedded models, llama.cpp's ``n_ctx``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playground.errors import OverContextWindow
from playground.tokens import estimate_tokens


@dataclass(frozen=True)
class ContextUse:
    tokens: int  # what the request carries (estimated)
    window: int | None  # the model's context length, when known

    @property
    def share(self) -> float | None:
        return self.tokens / self.window if self.window else None

    @property
    def fits(self) -> bool:
        return self.window is None or self.tokens <= self.window

    def summary(self) -> str:
        """ "≈1,234 tokens · 15% of 8,192" (the share only when the window is known)."""
        text = f"≈{self.tokens:,} tokens"
        if self.window:
            text += f" · {self.share:.0%} of {self.window:,}"
        return text


def context_use(messages: Sequence[dict[str, Any]], window: int | None) -> ContextUse:
    return ContextUse(estimate_tokens(messages), window)


def check_fits(messages: Sequence[dict[str, Any]], window: int | None) -> ContextUse:
    """Raise ``OverContextWindow`` when the request is over the window; else its use."""
    use = context_use(messages, window)
    if not use.fits:
        raise OverContextWindow(
            f"Not sent: this request would carry about {use.tokens:,} tokens (estimated), "
            f"more than the model's context window of {window:,} tokens. Delete some history "
            "(More → Delete Chat History), shorten the prompt or the system prompt, or "
            "choose a model with a longer context. The prompt is kept above: Edit changes it."
        )
    return use
