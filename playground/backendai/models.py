"""Typed values the manager client returns: endpoints, pages of them, and tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr

Health = Literal["ready", "degraded", "unhealthy", "provisioning"]

# Route statuses as the manager's GraphQL names them (RouteStatus enum names).
_HEALTHY = "HEALTHY"
_FAILED = frozenset({"UNHEALTHY", "FAILED_TO_START"})
_GONE = frozenset({"DESTROYING", "DESTROYED"})


def derive_health(status: str | None, route_statuses: tuple[str, ...]) -> Health:
    """Health from the routes (the replicas serving traffic) and the manager's status.

    - ready: every route is healthy;
    - degraded: some routes are healthy, some are not (it still answers);
    - unhealthy: no healthy route and one has failed, or the manager says UNHEALTHY
      (too many failed retries), or the endpoint is being destroyed;
    - provisioning: no healthy route yet and none failed (starting, or no routes at all).

    The manager's own ``status`` says READY for an endpoint with no routes at all, and
    DEGRADED for one whose routes are all unhealthy; neither can serve a request, so they
    are "provisioning" and "unhealthy" here.
    """
    routes = [s.upper() for s in route_statuses]
    manager = (status or "").upper()
    healthy = sum(1 for s in routes if s == _HEALTHY)
    if routes and healthy == len(routes):
        return "ready"
    if healthy:
        return "degraded"
    if manager in _GONE or manager == "UNHEALTHY" or any(s in _FAILED for s in routes):
        return "unhealthy"
    if routes and all(s == "TERMINATING" for s in routes):
        return "unhealthy"
    return "provisioning"


class ServiceEndpoint(BaseModel):
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
    route_statuses: tuple[str, ...] = ()

    @property
    def health(self) -> Health:
        return derive_health(self.status, self.route_statuses)

    @property
    def is_healthy(self) -> bool:
        """At least one healthy route: it can answer now (ready or degraded)."""
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
    items: tuple[ServiceEndpoint, ...]
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
    valid_until: datetime | None = None  # None: the manager gave no expiry

    def is_valid(self, now: datetime) -> bool:
        return self.valid_until is None or self.valid_until > now

    @property
    def label(self) -> str:
        return token_label(self.token, self.valid_until)


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
