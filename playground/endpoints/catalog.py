"""Where endpoints come from (the config file, Streamlit secrets, the embedded models),
and which of them the opening cards start on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import SecretStr

from playground.chat.apis import Api
from playground.config.settings import LoadedConfig, resolve_token
from playground.costs.pricing import Pricing
from playground.workspace.types import DEFAULT_CARDS, Card, CardConfig, SamplingSettings, Workspace


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
    description: str = ""  # what it is, shown under its card's selectors (embedded models)
    # What a card on this endpoint starts with (SmolLM2: its system prompt); None: Settings()
    card_settings: SamplingSettings | None = None
    context_window: int | None = None  # tokens the model can read, when known
    pricing: Pricing = field(default_factory=Pricing)  # what its answers cost (pricing.py)
    api: Api = "chat"  # which API its cards' answers stream through (``[[endpoints]] api``)

    @property
    def default_settings(self) -> SamplingSettings:
        """A fresh copy of the settings a card starts with here."""
        return (self.card_settings or SamplingSettings()).model_copy(deep=True)

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
    loaded: LoadedConfig, environ: Mapping[str, str], embedded: Sequence[Endpoint] = ()
) -> EndpointCatalog:
    """Turn loaded config into endpoints, resolving ``token_env`` from ``environ``.

    ``embedded`` (the local models that are installed and enabled) come last, so
    a configured endpoint is preselected when there is one.
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
                pricing=Pricing(sourced.config.price, sourced.config.gpu_hour),
                context_window=sourced.config.context_window,
                api=sourced.config.api,
            )
        )
    taken = {e.name for e in endpoints}
    endpoints.extend(e for e in embedded if e.name not in taken)
    return EndpointCatalog(tuple(endpoints), tuple(problems))


def opening_cards(
    catalog: EndpointCatalog, count: int, *, remote: bool = False
) -> list[tuple[Endpoint, str | None]]:
    """The endpoint and model each of ``count`` opening cards starts on.

    Only when the embedded models are all there is (no configured endpoint, and
    no Backend.AI cluster, ``remote``, that may offer one): one embedded model per
    card, in catalog order, so the first synced prompt is already a comparison.
    Otherwise ``[]``: the cards take the first configured endpoint as before.
    """
    if remote or any(not e.embedded for e in catalog.endpoints):
        return []
    embedded = [e for e in catalog.endpoints if e.embedded]
    if not embedded:
        return []
    chosen = [embedded[i % len(embedded)] for i in range(count)]
    return [(e, e.static_models[0] if e.static_models else None) for e in chosen]


def opening_workspace(
    catalog: EndpointCatalog, *, remote: bool = False, count: int = DEFAULT_CARDS
) -> Workspace:
    """A new workspace of ``count`` cards on ``opening_cards``, each with its endpoint's
    settings (the default cards when ``opening_cards`` places none)."""
    placed = opening_cards(catalog, count, remote=remote)
    if not placed:
        return Workspace(cards=[Card() for _ in range(count)])
    return Workspace(
        cards=[
            Card(
                config=CardConfig(
                    endpoint=endpoint.name,
                    model=model,
                    settings=endpoint.default_settings,
                )
            )
            for endpoint, model in placed
        ]
    )


def settings_for_endpoint(
    settings: SamplingSettings, before: Endpoint | None, after: Endpoint | None
) -> SamplingSettings:
    """A card's settings once it moves from endpoint ``before`` to ``after``.

    Settings follow the endpoint's own defaults (SmolLM2's system prompt) as long
    as they are still the ones the card was given: anything the person changed
    is kept. Returns ``settings`` itself when nothing changes.
    """
    given = before.default_settings if before is not None else SamplingSettings()
    wanted = after.default_settings if after is not None else SamplingSettings()
    if settings != given or given == wanted:
        return settings
    return wanted
