"""Will the next request fit the model's context window? Counted before it is sent.

OpenAI models are counted exactly with their own tokenizer; any other model gets
an estimate, shown with "≈" (``playground.costs.tokens``). The window comes from the
endpoint's config (``context_window``), the embedded models' ``n_ctx``, or what
the endpoint's model list states.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playground.costs.tokens import count_tokens
from playground.errors import OverContextWindow


@dataclass(frozen=True)
class ContextUse:
    tokens: int  # what the request carries
    window: int | None  # the model's context length, when known
    exact: bool = False  # counted with the model's tokenizer; else estimated

    @property
    def share(self) -> float | None:
        return self.tokens / self.window if self.window else None

    @property
    def fits(self) -> bool:
        return self.window is None or self.tokens <= self.window

    def summary(self) -> str:
        """ "≈1,234 tokens · 15% of 8,192" (≈: estimated; the share only when the window
        is known)."""
        text = f"{'' if self.exact else '≈'}{self.tokens:,} tokens"
        if self.window:
            text += f" · {self.share:.0%} of {self.window:,}"
        return text


def context_use(
    messages: Sequence[dict[str, Any]], window: int | None, model: str | None = None
) -> ContextUse:
    counted = count_tokens(messages, model)
    return ContextUse(counted.tokens, window, counted.exact)


def check_fits(
    messages: Sequence[dict[str, Any]],
    window: int | None,
    model: str | None = None,
    figures: bool = True,
) -> ContextUse:
    """Raise ``OverContextWindow`` when the request is over the window; else its use.

    ``figures=False`` (a blind round): the message gives neither count nor window,
    which would tell the model apart.
    """
    use = context_use(messages, window, model)
    if not use.fits and not figures:
        raise OverContextWindow(
            "Not sent: this request is over the model's context window. Delete some "
            "history, or shorten the prompt or the system prompt. The prompt is kept above: "
            "Edit changes it."
        )
    if not use.fits:
        carries = f"{use.tokens:,} tokens"
        if not use.exact:
            carries = f"about {carries} (estimated)"
        raise OverContextWindow(
            f"Not sent: this request would carry {carries}, "
            f"more than the model's context window of {window:,} tokens. Delete some history "
            "(More → Delete Chat History), shorten the prompt or the system prompt, or "
            "choose a model with a longer context. The prompt is kept above: Edit changes it."
        )
    return use
