"""Short names for what a card talks to (no streamlit)."""

from __future__ import annotations

import re

from playground.workspace.types import CUSTOM, Card

_FILE_SUFFIX = re.compile(r"\.(gguf|ggml|bin|safetensors|pt|pth|onnx)$", re.IGNORECASE)


def short_model_id(model: str) -> str:
    """A model id that is a file path (llama.cpp reports the .gguf path) as its file name;
    any other id unchanged ("org/model" ids are names, not paths)."""
    text = model.strip()
    is_path = text.startswith(("/", "~", "./", "../")) or bool(re.match(r"^[A-Za-z]:[\\/]", text))
    if is_path or (("/" in text or "\\" in text) and _FILE_SUFFIX.search(text)):
        return re.split(r"[\\/]", text.rstrip("/\\"))[-1] or text
    return text


def card_model(card: Card) -> str:
    """The model id the card is set to ("" when none): a Custom card's Model ID."""
    model = card.config.model
    if model == CUSTOM:
        return card.config.custom.model_id.strip()
    return model or ""


TITLE_CHARS = {1: 90, 2: 44, 3: 22, 4: 14}  # a title that fits a card's header line


def fit_title(name: str, per_row: int) -> str:
    """``name`` cut in the middle ("bartowski_Qw…q4_k_m.gguf") to fit a card's header at
    ``per_row`` cards per row: the start names the model, the end its quantisation."""
    limit = TITLE_CHARS.get(per_row, min(TITLE_CHARS.values()))
    if len(name) <= limit:
        return name
    head = (limit - 1) // 2
    return name[:head] + "…" + name[len(name) - (limit - 1 - head) :]
