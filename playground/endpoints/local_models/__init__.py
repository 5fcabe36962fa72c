"""The embedded models: SmolLM2 135M Instruct and Gemma 3 270M base, each on its own llama.cpp.

``models`` says what each model is and where its file comes from;
``server`` runs one model's llama.cpp server on 127.0.0.1.
"""

from playground.endpoints.local_models.models import (
    GEMMA3,
    LOCAL_MODELS,
    SMOLLM2,
    LocalModelSpec,
    embedded_endpoint,
    installed,
    spec_named,
)
from playground.endpoints.local_models.server import LocalModelServer, LocalStatus

__all__ = [
    "GEMMA3",
    "LOCAL_MODELS",
    "SMOLLM2",
    "LocalModelServer",
    "LocalModelSpec",
    "LocalStatus",
    "embedded_endpoint",
    "installed",
    "spec_named",
]
