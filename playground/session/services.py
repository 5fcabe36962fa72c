"""What the commands need from outside the session, as one ``Services`` protocol.

The app hands in a Streamlit-cached implementation (``playground.ui.services``:
config re-read when its files change, one client per server shared by every
session, model lists cached for a minute). Tests hand in ``PlainServices``, which
builds the same things without caching, as httpx tests hand a transport to a
client instead of patching it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from playground.chat.running import ModelListCache, RunningJobs
from playground.config.settings import LoadedConfig, Timeouts
from playground.endpoints.backendai import (
    EndpointPage,
    EndpointToken,
    ManagerClient,
    ManagerError,
    ModelService,
)
from playground.endpoints.catalog import Endpoint, EndpointCatalog, build_catalog
from playground.endpoints.clients import EndpointClient, make_client
from playground.endpoints.concurrency import AdaptiveGate, EndpointGates
from playground.endpoints.discovery import ModelList, list_models
from playground.endpoints.egress import EgressPolicy
from playground.store import StoreError, WorkspaceStore


class Services(Protocol):
    """Config, clients, concurrency gates, model lists, the Backend.AI manager, the store."""

    def config(self) -> LoadedConfig: ...

    def catalog(self) -> EndpointCatalog: ...

    def client(self, base_url: str, token: str | None, timeouts: Timeouts) -> EndpointClient: ...

    def gate(self, base_url: str) -> AdaptiveGate: ...

    def models(self, endpoint: Endpoint, nonce: int) -> ModelList:
        """The endpoint's models; never asked while one of our answers streams from it."""
        ...

    def listed_models(self, endpoint: Endpoint) -> ModelList | None:
        """The last model list asked of the endpoint (None if never); never asks, so a
        send costs no extra request."""
        ...

    def jobs(self) -> RunningJobs:
        """Every answer streaming in this process (by workspace and card, by endpoint)."""
        ...

    def manager(self) -> ManagerClient | None:
        """The Backend.AI manager client; None when not configured. Raises ``ManagerError``."""
        ...

    def backendai_search(self, text: str, nonce: int) -> EndpointPage | str:
        """Backend.AI endpoints whose name contains ``text``, or a message why not."""
        ...

    def backendai_endpoint(self, endpoint_id: str, nonce: int) -> ModelService | str:
        """One Backend.AI endpoint, or a message saying why it cannot be had."""
        ...

    def backendai_tokens(self, endpoint_id: str, nonce: int) -> list[EndpointToken] | str: ...

    def store(self) -> WorkspaceStore | StoreError: ...


def models_of(
    endpoint: Endpoint, timeouts: Timeouts, egress: EgressPolicy | None = None
) -> ModelList:
    """The endpoint's models: its known list, or what GET /models says (not cached)."""
    if endpoint.static_models:
        return ModelList(models=endpoint.static_models)
    return list_models(endpoint.base_url, endpoint.token_value, timeouts, egress)


def cached_models(
    cache: ModelListCache,
    jobs: RunningJobs,
    endpoint: Endpoint,
    nonce: int,
    timeouts: Timeouts,
    egress: EgressPolicy | None = None,
) -> ModelList:
    """``models_of``, through ``cache``: the last list while the endpoint is busy."""
    if endpoint.static_models:
        return ModelList(models=endpoint.static_models)
    return cache.get(
        endpoint.base_url,
        endpoint.token_value,
        nonce,
        jobs,
        lambda: models_of(endpoint, timeouts, egress),
    )


def listed_models(cache: ModelListCache, endpoint: Endpoint) -> ModelList | None:
    """The endpoint's known list, or the last one ``cache`` holds; never asks."""
    if endpoint.static_models:
        return ModelList(models=endpoint.static_models)
    return cache.last(endpoint.base_url, endpoint.token_value)


def ask_manager(manager: Callable[[], ManagerClient | None], call: str, arg: str) -> object:
    """One manager call (``search``, ``endpoint`` or ``tokens``), or a message why not."""
    try:
        client = manager()
        if client is None:
            return "Backend.AI is not configured here."
        if call == "search":
            return client.search_endpoints(arg)
        if call == "endpoint":
            return client.get_endpoint(arg)
        return client.list_tokens(arg)
    except ManagerError as exc:  # including an incomplete keypair
        return exc.message


@dataclass
class PlainServices:
    """``Services`` without caching, for tests and scripts: everything built on demand."""

    loaded: LoadedConfig = field(default_factory=LoadedConfig)
    embedded: tuple[Endpoint, ...] = ()
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    opened_store: WorkspaceStore | None = None
    running: RunningJobs = field(default_factory=RunningJobs)
    model_lists: ModelListCache = field(default_factory=lambda: ModelListCache(ttl=0))
    _gates: EndpointGates | None = None
    _manager: ManagerClient | None = None

    def config(self) -> LoadedConfig:
        return self.loaded

    def catalog(self) -> EndpointCatalog:
        return build_catalog(self.loaded, self.environ, self.embedded)

    def client(self, base_url: str, token: str | None, timeouts: Timeouts) -> EndpointClient:
        return make_client(base_url, token, timeouts, egress=self.loaded.security.policy())

    def gate(self, base_url: str) -> AdaptiveGate:
        if self._gates is None:
            self._gates = EndpointGates(self.loaded.limits.max_concurrent_per_endpoint)
        return self._gates.gate(base_url)

    def models(self, endpoint: Endpoint, nonce: int) -> ModelList:
        return cached_models(
            self.model_lists,
            self.running,
            endpoint,
            nonce,
            self.loaded.timeouts,
            self.loaded.security.policy(),
        )

    def listed_models(self, endpoint: Endpoint) -> ModelList | None:
        return listed_models(self.model_lists, endpoint)

    def jobs(self) -> RunningJobs:
        return self.running

    def manager(self) -> ManagerClient | None:
        if self.loaded.backendai is None:
            return None
        if self._manager is None:
            self._manager = ManagerClient.from_config(self.loaded.backendai, self.environ)
        return self._manager

    def backendai_search(self, text: str, nonce: int) -> EndpointPage | str:
        del nonce
        answer = ask_manager(self.manager, "search", text.strip())
        return answer if isinstance(answer, EndpointPage | str) else "Unexpected answer."

    def backendai_endpoint(self, endpoint_id: str, nonce: int) -> ModelService | str:
        del nonce
        answer = ask_manager(self.manager, "endpoint", endpoint_id)
        return answer if isinstance(answer, ModelService | str) else "Unexpected answer."

    def backendai_tokens(self, endpoint_id: str, nonce: int) -> list[EndpointToken] | str:
        del nonce
        answer = ask_manager(self.manager, "tokens", endpoint_id)
        return answer if isinstance(answer, list | str) else []

    def store(self) -> WorkspaceStore | StoreError:
        if self.opened_store is None:
            try:
                self.opened_store = WorkspaceStore.from_config(self.loaded.store)
            except StoreError as exc:
                return exc
        return self.opened_store
