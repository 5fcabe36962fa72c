"""The app's ``Services``: config, clients, gates, model lists, the Backend.AI manager and
the store, each cached across reruns where that is safe (``CachedServices``)."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from playground.chat.redraws import RedrawBudget
from playground.chat.running import ModelListCache, RunningJobs
from playground.config.settings import (
    LoadedConfig,
    SecurityConfig,
    Timeouts,
    config_file_path,
    load_config,
    read_toml_file,
)
from playground.endpoints.backendai import (
    BackendAIConfig,
    EndpointPage,
    EndpointToken,
    ManagerClient,
    ModelService,
    resolve_secret_key,
)
from playground.endpoints.catalog import Endpoint, EndpointCatalog, build_catalog
from playground.endpoints.clients import EndpointClient, make_client
from playground.endpoints.concurrency import AdaptiveGate, EndpointGates
from playground.endpoints.discovery import ModelList
from playground.endpoints.local_models import (
    LOCAL_MODELS,
    LocalModelServer,
    LocalModelSpec,
    embedded_endpoint,
    installed,
    spec_named,
)
from playground.session.services import ask_manager, cached_models, listed_models
from playground.store import StoreConfig, StoreError, WorkspaceStore

log = logging.getLogger(__name__)


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


def _embedded_endpoints(loaded: LoadedConfig) -> tuple[list[Endpoint], bool]:
    """The embedded models' catalog entries, and whether one of them is starting."""
    endpoints = []
    starting = False
    for spec in _installed_local_models():
        settings = loaded.local_model.settings_for(spec.key)
        if settings.enabled:
            status = local_server(spec.key, settings.n_ctx).status
            url = status.base_url if status.ready else None
            endpoints.append(embedded_endpoint(spec, settings, url))
            starting = starting or status.busy
    return endpoints, starting


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


# Seconds a page may use the config and catalog it got before looking at the files
# again. A page run asks for them dozens of times (every card, client, gate and model
# list), and each look cost file stats, Streamlit cache lookups (each taking its config
# lock) and a new catalog: a quarter of a page run (py-spy on AppTest page runs).
RECHECK_SECONDS = 0.5
_memo: tuple[tuple[str, int], float, tuple[LoadedConfig, EndpointCatalog]] | None = None


def load_config_and_catalog() -> tuple[LoadedConfig, EndpointCatalog]:
    """The config and endpoint catalog (re-read when a config or secrets file changes,
    seen within ``RECHECK_SECONDS``; at once while an embedded model is starting)."""
    global _memo
    where = (os.getcwd(), hash(frozenset(os.environ.items())))  # what the files and catalog read
    now = time.monotonic()
    memo = _memo
    if memo is not None and memo[0] == where and now - memo[1] < RECHECK_SECONDS:
        return memo[2]
    path, named = config_file_path(os.environ, Path.cwd())
    stamps = (_mtime(path), *(_mtime(p) for p in _secrets_files()))
    loaded = _load_config(path, named, stamps)
    embedded, starting = _embedded_endpoints(loaded)
    found = loaded, build_catalog(loaded, os.environ, embedded)
    _memo = None if starting else (where, now, found)
    return found


@st.cache_resource(show_spinner=False)
def endpoint_gates(hard_cap: int | None) -> EndpointGates:
    """Adaptive concurrency per endpoint, shared by every session of this app process."""
    return EndpointGates(hard_cap)


@st.cache_resource(show_spinner=False)
def redraw_budget() -> RedrawBudget:
    """The redraws a second shared by every streaming card of this app process."""
    return RedrawBudget()


@st.cache_resource(show_spinner=False, max_entries=64)
def get_client(
    base_url: str, token: str | None, timeouts: Timeouts, security: SecurityConfig
) -> EndpointClient:
    """One thread-safe client per (base_url, token, timeouts, [security] rules)."""
    return make_client(base_url, token, timeouts, egress=security.policy())


@st.cache_resource(show_spinner=False)
def running_jobs() -> RunningJobs:
    """Every answer streaming in this app process, shared by every session."""
    return RunningJobs()


@st.cache_resource(show_spinner=False)
def model_lists() -> ModelListCache:
    """Model IDs of each endpoint, for a minute (a new nonce refreshes), never asked
    while one of our answers streams from it (llama.cpp would cut that answer)."""
    return ModelListCache(ttl=60)


def _manager_key(cfg: BackendAIConfig) -> str:
    """A cache key for this manager and keypair (the secret only as a hash)."""
    secret, _ = resolve_secret_key(cfg, os.environ)
    digest = hashlib.sha256(secret.get_secret_value().encode()).hexdigest() if secret else ""
    return f"{cfg.manager_url}|{cfg.access_key}|{cfg.api_version}|{cfg.project}|{digest}"


@st.cache_resource(show_spinner=False, max_entries=4)
def _manager(key: str, _cfg: BackendAIConfig) -> ManagerClient:
    """One signed HTTP client per manager and keypair, shared by every session."""
    del key
    return ManagerClient.from_config(_cfg, os.environ)


@st.cache_data(show_spinner=False, ttl=30, max_entries=512)
def _ask_manager(key: str, call: str, arg: str, nonce: int) -> object:
    """One manager call, cached for 30 s: the answer, or a message saying why there is none."""
    del nonce
    cfg = load_config_and_catalog()[0].backendai
    if cfg is None:
        return "Backend.AI is not configured here."
    return ask_manager(lambda: _manager(key, cfg), call, arg)


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(config: StoreConfig) -> WorkspaceStore:
    """One store per process (thread-safe). Raises ``StoreError``, which is not cached:
    a database that was down is tried again on the next run."""
    return WorkspaceStore.from_config(config)


class CachedServices:
    """``Services`` for the app, shared by every session of the process where safe."""

    def config(self) -> LoadedConfig:
        return load_config_and_catalog()[0]

    def catalog(self) -> EndpointCatalog:
        return load_config_and_catalog()[1]

    def client(self, base_url: str, token: str | None, timeouts: Timeouts) -> EndpointClient:
        return get_client(base_url, token, timeouts, self.config().security)

    def gate(self, base_url: str) -> AdaptiveGate:
        return endpoint_gates(self.config().limits.max_concurrent_per_endpoint).gate(base_url)

    def models(self, endpoint: Endpoint, nonce: int) -> ModelList:
        cfg = self.config()
        return cached_models(
            model_lists(), running_jobs(), endpoint, nonce, cfg.timeouts, cfg.security.policy()
        )

    def listed_models(self, endpoint: Endpoint) -> ModelList | None:
        return listed_models(model_lists(), endpoint)

    def jobs(self) -> RunningJobs:
        return running_jobs()

    def manager(self) -> ManagerClient | None:
        cfg = self.config().backendai
        return _manager(_manager_key(cfg), cfg) if cfg is not None else None

    def _ask(self, call: str, arg: str, nonce: int) -> object:
        cfg = self.config().backendai
        if cfg is None:
            return "Backend.AI is not configured here."
        return _ask_manager(_manager_key(cfg), call, arg, nonce)

    def backendai_search(self, text: str, nonce: int) -> EndpointPage | str:
        answer = self._ask("search", text.strip(), nonce)
        return answer if isinstance(answer, EndpointPage | str) else "Unexpected answer."

    def backendai_endpoint(self, endpoint_id: str, nonce: int) -> ModelService | str:
        answer = self._ask("endpoint", endpoint_id, nonce)
        return answer if isinstance(answer, ModelService | str) else "Unexpected answer."

    def backendai_tokens(self, endpoint_id: str, nonce: int) -> list[EndpointToken] | str:
        answer = self._ask("tokens", endpoint_id, nonce)
        return answer if isinstance(answer, list | str) else []

    def store(self) -> WorkspaceStore | StoreError:
        try:
            return _store(self.config().store)
        except StoreError as exc:
            log.warning("the workspace store cannot be opened: %s", type(exc).__name__)
            return exc


SERVICES = CachedServices()  # stateless: every cache it uses is Streamlit's
