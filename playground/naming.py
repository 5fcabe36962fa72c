"""Short names for what a card talks to (no streamlit)."""

from __future__ import annotations

import re

from playground.workspace import CUSTOM, Card

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
