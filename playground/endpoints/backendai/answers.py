"""Typed values the manager client returns: endpoints, pages of them, and tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, SecretStr

from playground.endpoints.backendai.health import Health, Route, derive_health


class ModelService(BaseModel):
    """A model-service endpoint the manager runs.

    ``url`` is the service's address as the manager gives it (no version segment);
    ``base_url`` adds ``/v1`` for OpenAI-compatible clients, so its models are listed
    from ``{url}/v1/models``.
    """

    model_config = ConfigDict(frozen=True)

    endpoint_id: str
    name: str
    url: str | None = None
    status: str | None = None  # the manager's: HEALTHY, DEGRADED, PROVISIONING, ...
    lifecycle_stage: str | None = None
    open_to_public: bool = False
    routes: tuple[Route, ...] = ()

    @property
    def health(self) -> Health:
        return derive_health(self.status, self.routes)

    @property
    def is_healthy(self) -> bool:
        """At least one route serves: it can answer now (ready or degraded)."""
        return self.health in ("ready", "degraded")

    @property
    def base_url(self) -> str | None:
        """``{url}/v1``: the OpenAI-compatible base URL, or None while it has no URL."""
        if not self.url:
            return None
        return self.url.rstrip("/") + "/v1"


class EndpointPage(BaseModel):
    """One page of a server-side search: ``items`` from ``offset``, of ``total_count``."""

    model_config = ConfigDict(frozen=True)

    total_count: int
    items: tuple[ModelService, ...]
    offset: int = 0
    limit: int = 0

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total_count


class EndpointToken(BaseModel):
    """A token for calling one endpoint. ``token`` never shows in a repr or a log."""

    model_config = ConfigDict(frozen=True)

    token: SecretStr
    created_at: datetime
    valid_until: datetime | None = None  # None: no expiry known

    def is_valid(self, now: datetime) -> bool:
        return self.valid_until is None or self.valid_until > now

    @property
    def label(self) -> str:
        return token_label(self.token, self.valid_until)


def token_expiry(token: str) -> datetime | None:
    """The ``exp`` claim of a JWT token (aware, UTC), read without verifying it.

    The manager computes ``valid_until`` the same way, but up to 25.13 (and 25.6.0 to
    25.6.12) as ``datetime.fromtimestamp(exp)``: the manager host's local time without
    a zone (``resolve_valid_until`` in ``models/gql_models/endpoint.py`` at 25.13.4; with
    ``tz=tzutc()`` in ``api/gql_legacy/endpoint.py`` at 26.4.10). Reading ``exp`` here
    is right whatever the host's zone. PyJWT is what the manager itself decodes with.
    """
    import jwt  # on first use: with `cryptography` it costs 8 MiB, for Backend.AI only

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    try:
        return datetime.fromtimestamp(exp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def token_label(
    token: SecretStr | str, valid_until: datetime | None, *, now: datetime | None = None
) -> str:
    """A safe label: the token's last characters and its expiry, never the token.

    ``"…a1b2 · expires 2026-12-01"``; the time is added when it expires within two days.
    Short tokens show fewer characters (none below 8), so a label never reveals most of one.
    """
    value = token.get_secret_value() if isinstance(token, SecretStr) else token
    shown = 4 if len(value) >= 16 else 2 if len(value) >= 8 else 0
    tail = f"…{value[-shown:]}" if shown else "…"
    if valid_until is None:
        return f"{tail} · no expiry"
    until = _as_utc(valid_until)
    now = _as_utc(now) if now is not None else datetime.now(UTC)
    if until <= now:
        return f"{tail} · expired {until:%Y-%m-%d}"
    if until - now < timedelta(days=2):
        return f"{tail} · expires {until:%Y-%m-%d %H:%M} UTC"
    return f"{tail} · expires {until:%Y-%m-%d}"
