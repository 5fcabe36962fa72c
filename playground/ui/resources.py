"""Config, clients and model lists, cached across reruns where that is safe."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openai
import streamlit as st

from playground.clients import make_client
from playground.config import (
    LoadedConfig,
    Timeouts,
    config_file_path,
    load_config,
    read_toml_file,
)
from playground.discovery import ModelList, list_models
from playground.endpoints import Endpoint, EndpointCatalog, build_catalog
from playground.gates import EndpointGates
from playground.local_model import (
    LOCAL_ENDPOINT_NAME,
    LOCAL_MODEL_ID,
    LocalModelServer,
    local_model_installed,
)


def _secrets_files() -> list[Path]:
    return [Path(p) for p in st.get_option("secrets.files")]


def _secrets() -> tuple[Mapping[str, Any] | None, str | None]:
    """Streamlit secrets as a plain mapping, or a message naming a broken file."""
    try:
        if st.secrets.load_if_toml_exists():
            return st.secrets.to_dict(), None
    except Exception as exc:  # a broken secrets.toml must not stop the app
        return None, f"secrets: cannot be read ({type(exc).__name__})"
    # Streamlit reports "no secrets" for a file it cannot parse: find it ourselves.
    for path in _secrets_files():
        if path.exists():
            _, error = read_toml_file(path)
            if error:
                return None, f"{path}: cannot be read: {error.split(': ', 1)[-1]}"
    return None, None


@st.cache_resource(show_spinner=False)
def local_server(n_ctx: int) -> LocalModelServer:
    """The embedded model's server: one per app process, shared by every session."""
    return LocalModelServer(n_ctx=n_ctx)


@st.cache_resource(show_spinner=False)
def _local_model_installed() -> bool:
    return local_model_installed()


def _embedded_endpoint(loaded: LoadedConfig) -> Endpoint | None:
    if not loaded.local_model.enabled or not _local_model_installed():
        return None
    status = local_server(loaded.local_model.n_ctx).status
    return Endpoint(
        name=LOCAL_ENDPOINT_NAME,
        base_url=status.base_url if status.ready and status.base_url else "",
        source="embedded",
        embedded=True,
        max_tokens=loaded.local_model.max_tokens,
        static_models=(LOCAL_MODEL_ID,),
    )


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_config(path: Path, named: bool, stamps: tuple[int, ...]) -> LoadedConfig:
    """Parse the config file and secrets; cached until one of the files changes."""
    del stamps
    secrets, secrets_error = _secrets()
    loaded = load_config(path, secrets, file_required=named)
    if secrets_error:
        loaded.errors.append(secrets_error)
    return loaded


def load_settings() -> tuple[LoadedConfig, EndpointCatalog]:
    """The config and endpoint catalog (re-read when a config or secrets file changes)."""
    path, named = config_file_path(os.environ, Path.cwd())
    stamps = (_mtime(path), *(_mtime(p) for p in _secrets_files()))
    loaded = _load_config(path, named, stamps)
    return loaded, build_catalog(loaded, os.environ, _embedded_endpoint(loaded))


@st.cache_resource(show_spinner=False)
def endpoint_gates(limit: int) -> EndpointGates:
    """Concurrency caps per endpoint, shared by every session of this app process."""
    return EndpointGates(limit)


@st.cache_resource(show_spinner=False, max_entries=64)
def get_client(base_url: str, token: str | None, timeouts: Timeouts) -> openai.OpenAI:
    """One thread-safe client per (base_url, token, timeouts)."""
    return make_client(base_url, token, timeouts)


@st.cache_data(show_spinner=False, ttl=60, max_entries=256)
def fetch_models(base_url: str, token: str | None, timeouts: Timeouts, nonce: int) -> ModelList:
    """Model IDs of an endpoint, cached for a minute (``nonce`` forces a refresh)."""
    del nonce
    return list_models(base_url, token, timeouts)


def models_of(endpoint: Endpoint, timeouts: Timeouts, nonce: int) -> ModelList:
    """The endpoint's models: its known list, or what GET /models says (cached)."""
    if endpoint.static_models:
        return ModelList(models=endpoint.static_models)
    return fetch_models(endpoint.base_url, endpoint.token_value, timeouts, nonce)
