"""Where endpoints come from: the config file and Streamlit secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from playground.config import LoadedConfig, resolve_token


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible endpoint a card can talk to.

    ``token`` is a ``SecretStr`` so that it never shows up in a repr or a log.
    """

    name: str
    base_url: str  # empty while an embedded model is still starting
    token: SecretStr | None = None
    source: str = "custom"
    embedded: bool = False
    max_tokens: int | None = None  # sent with each request when set
    # Known model IDs: no discovery request. The embedded llama.cpp server serves
    # one request at a time, so GET /models would wait behind a running answer.
    static_models: tuple[str, ...] = ()
    title: str | None = None  # how to show it when ``name`` is an id (Backend.AI)

    @property
    def label(self) -> str:
        return self.title or self.name

    @property
    def token_value(self) -> str | None:
        return self.token.get_secret_value() if self.token is not None else None


@dataclass(frozen=True)
class EndpointCatalog:
    endpoints: tuple[Endpoint, ...]
    problems: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.endpoints]

    def with_endpoint(self, endpoint: Endpoint | None) -> EndpointCatalog:
        """This catalog plus one more endpoint (a Backend.AI one a card chose)."""
        if endpoint is None or self.get(endpoint.name) is not None:
            return self
        return EndpointCatalog((*self.endpoints, endpoint), self.problems)

    def get(self, name: str | None) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.name == name:
                return endpoint
        return None


def build_catalog(
    loaded: LoadedConfig, environ: Mapping[str, str], embedded: Endpoint | None = None
) -> EndpointCatalog:
    """Turn loaded config into endpoints, resolving ``token_env`` from ``environ``.

    ``embedded`` (the local model, when installed and enabled) comes last, so a
    configured endpoint is preselected when there is one.
    """
    endpoints: list[Endpoint] = []
    problems = list(loaded.errors)
    for sourced in loaded.endpoints:
        token, problem = resolve_token(sourced.config, environ)
        if problem:
            problems.append(f"{sourced.source}: {problem}")
        endpoints.append(
            Endpoint(
                name=sourced.config.name,
                base_url=sourced.config.base_url,
                token=token,
                source=sourced.source,
            )
        )
    if embedded is not None and embedded.name not in {e.name for e in endpoints}:
        endpoints.append(embedded)
    return EndpointCatalog(tuple(endpoints), tuple(problems))
