"""Shared by the prompt-set tests and the child process that runs a set and gets killed."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from playground.config.settings import EndpointConfig, Limits, LoadedConfig, SourcedEndpoint
from playground.session import PlainServices, Session
from playground.store import StoreConfig
from playground.workspace.types import Card, CardConfig, Workspace


def services(
    data: Path | None,
    *,
    limit: int = 4,
    tokens: dict[str, str] | None = None,
    **endpoints: str,
) -> PlainServices:
    """PlainServices with these endpoints (name=base_url) and a SQLite store under ``data``."""
    tokens = tokens or {}
    loaded = LoadedConfig(
        endpoints=[
            SourcedEndpoint(
                EndpointConfig(
                    name=name,
                    base_url=url,
                    token=SecretStr(tokens[name]) if name in tokens else None,
                ),
                "test",
            )
            for name, url in endpoints.items()
        ],
        limits=Limits(max_concurrent_per_endpoint=limit),
    )
    if data is not None:
        loaded.store = StoreConfig(data_dir=str(data))
    return PlainServices(loaded=loaded, environ={})


def session_on(*cards: tuple[str, str]) -> Session:
    """A session with one card per (endpoint name, model)."""
    return Session(
        workspace=Workspace(cards=[Card(config=CardConfig(endpoint=e, model=m)) for e, m in cards])
    )
