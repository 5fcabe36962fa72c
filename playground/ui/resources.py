"""Config, clients and model lists, cached across reruns where that is safe."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openai
import streamlit as st

from playground.chat import Workspace
from playground.clients import make_client
from playground.config import (
    LoadedConfig,
    Timeouts,
    config_file_path,
    load_config,
    read_toml_file,
)
from playground.discovery import ModelList, list_models
from playground.endpoints import Endpoint, EndpointCatalog, build_catalog, opening_workspace
from playground.gates import EndpointGates
from playground.local_models import (
    LOCAL_MODELS,
    LocalModelServer,
    LocalModelSpec,
    embedded_endpoint,
    installed,
    spec_named,
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
def local_server(key: str, n_ctx: int) -> LocalModelServer:
    """An embedded model's server: one per model and app process, shared by every session.

    Made (not started) when the catalog is built; it starts when a card first uses it.
    """
    spec = next(s for s in LOCAL_MODELS if s.key == key)
    return LocalModelServer(spec, n_ctx=n_ctx)


def embedded_server(loaded: LoadedConfig, endpoint_name: str | None) -> LocalModelServer | None:
    """The server behind an embedded endpoint (None for any other endpoint)."""
    spec = spec_named(endpoint_name)
    if spec is None:
        return None
    return local_server(spec.key, loaded.local_model.settings_for(spec.key).n_ctx)


@st.cache_resource(show_spinner=False)
def _installed_local_models() -> tuple[LocalModelSpec, ...]:
    return tuple(spec for spec in LOCAL_MODELS if installed(spec))


def _embedded_endpoints(loaded: LoadedConfig) -> list[Endpoint]:
    endpoints = []
    for spec in _installed_local_models():
        settings = loaded.local_model.settings_for(spec.key)
        if settings.enabled:
            status = local_server(spec.key, settings.n_ctx).status
            url = status.base_url if status.ready else None
            endpoints.append(embedded_endpoint(spec, settings, url))
    return endpoints


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
    return loaded, build_catalog(loaded, os.environ, _embedded_endpoints(loaded))


def fresh_workspace() -> Workspace:
    """A new workspace's opening cards (two embedded models side by side when that is all)."""
    loaded, catalog = load_settings()
    return opening_workspace(catalog, remote=loaded.backendai is not None)


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
