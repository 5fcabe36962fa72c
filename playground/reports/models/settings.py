"""How a model "as a person chose it" is named: its settings that differ from the defaults."""

from __future__ import annotations

import hashlib

from playground.workspace.types import SamplingSettings

_SHORT = {
    "temperature": "T",
    "top_p": "top_p",
    "max_tokens": "max",
    "frequency_penalty": "freq",
    "presence_penalty": "pres",
    "seed": "seed",
    "reasoning_effort": "effort",
}
_NEVER_SENT = {"tool_mocks"}  # what never reaches the model does not change it


def settings_label(settings: SamplingSettings) -> str:
    """E.g. ``"T 0.2 · max 512 · system #1a2b3c"``; "" for the defaults.

    A system prompt is named by a short hash of its text (two prompts differ by their
    label, and a long prompt does not fill the table)."""
    changed = settings.model_dump(exclude_defaults=True, exclude=_NEVER_SENT)
    parts: list[str] = []
    for name in SamplingSettings.model_fields:
        if name not in changed:
            continue
        value = getattr(settings, name)
        if name == "system_prompt":
            digest = hashlib.blake2b(value.encode("utf-8"), digest_size=3).hexdigest()
            parts.append(f"system #{digest}")
        elif name == "send_sampling":
            parts.append("no sampling")
        elif name == "stop":
            parts.append(f"stop ×{len(value)}")
        elif name == "tools":
            parts.append("tools")
        elif name == "response_format":
            parts.append(f"format {value.kind}")
        else:
            parts.append(f"{_SHORT.get(name, name)} {value}")
    return " · ".join(parts)
