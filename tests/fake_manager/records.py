"""What the stand-in manager stores, and how each generation shows it in GraphQL.

``endpoint_json`` follows ``Endpoint.from_row`` and ``resolve_status``; ``token_json``
follows ``EndpointToken.from_row`` and ``resolve_valid_until`` (files per generation in
``generations.py``).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jwt

from tests.fake_manager.generations import Generation

DEFAULT_PROJECT = "2de2b969-1d04-48a6-af16-0bc8adb3c831"
#: The app proxy signs the tokens it makes; the manager never checks them.
PROXY_KEY = "stand-in-app-proxy-signing-key-0123456789"
#: ``manager/defs.py`` SERVICE_MAX_RETRIES.
SERVICE_MAX_RETRIES = 5
#: The manager host's zone: Korea, where many Backend.AI clusters run.
KST = timezone(timedelta(hours=9))


@dataclass
class Keypair:
    access_key: str
    secret_key: str
    can_generate_tokens: bool = True


@dataclass
class FakeToken:
    token: str
    created_at: datetime
    valid_until: datetime | None


@dataclass
class FakeEndpoint:
    name: str
    url: str | None = None
    routes: list[str] = field(default_factory=lambda: ["HEALTHY"])  # see Generation.route
    lifecycle_stage: str | None = None  # None: where this generation's new ones settle
    open_to_public: bool = False
    project: str = DEFAULT_PROJECT
    retries: int = 0
    endpoint_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    tokens: list[FakeToken] = field(default_factory=list)

    def filter_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "endpoint_id": self.endpoint_id,
            "project": self.project,
            "url": self.url,
            "lifecycle_stage": self.lifecycle_stage,
            "open_to_public": self.open_to_public,
            "created_at": self.created_at,
            "retries": self.retries,
        }


def make_token(until: datetime | None, *, jwt_token: bool = True) -> str:
    """A token as the app proxy makes one: a JWT with ``exp`` (or an opaque string)."""
    if not jwt_token:
        return f"opaque-{secrets.token_hex(12)}"
    claims: dict[str, Any] = {"user_uuid": str(uuid.uuid4()), "nonce": secrets.token_hex(4)}
    if until is not None:
        claims["exp"] = int(until.timestamp())
    return jwt.encode(claims, PROXY_KEY, algorithm="HS256")


def endpoint_json(e: FakeEndpoint, gen: Generation) -> dict[str, Any]:
    routes = [gen.route(word) for word in e.routes]
    return {
        "id": e.endpoint_id,
        "endpoint_id": e.endpoint_id,
        "name": e.name,
        "url": e.url,
        "project": e.project,
        "domain": "default",
        "resource_group": "default",
        "desired_session_count": len(e.routes),
        "replicas": len(e.routes),
        "status": endpoint_status(e, routes, gen),
        "lifecycle_stage": str(e.lifecycle_stage).upper(),  # from_row: the enum's NAME
        "open_to_public": e.open_to_public,
        "created_at": e.created_at.isoformat(),
        "retries": e.retries,
        "routings": [
            {
                "routing_id": str(uuid.uuid4()),
                "status": status,
                "health_status": health,
                "traffic_ratio": 1.0,
                "endpoint": e.endpoint_id,
            }
            for status, health in routes
        ],
    }


def endpoint_status(e: FakeEndpoint, routes: list[tuple[str, str | None]], gen: Generation) -> str:
    """``Endpoint.resolve_status`` as each generation computes it."""
    stage = str(e.lifecycle_stage).upper()
    if stage in ("DESTROYED", "DESTROYING"):
        return stage
    statuses = [s for s, _ in routes]
    if gen.route_health:  # api/gql_legacy/endpoint.py at 26.4.10
        if not routes:
            return "DEGRADED"
        active = [h for s, h in routes if s in ("PROVISIONING", "RUNNING")]
        if not active:
            return "UNHEALTHY"
        if set(active) == {"HEALTHY"}:
            return "HEALTHY"
        if set(active) == {"UNHEALTHY"}:
            return "UNHEALTHY"
        return "DEGRADED"
    if not routes:  # models/endpoint.py (24.09.14), models/gql_models/endpoint.py (25.13.4)
        return "READY"
    if e.retries > SERVICE_MAX_RETRIES:
        return "UNHEALTHY"
    if statuses.count("HEALTHY") == len(statuses):
        return "HEALTHY"
    if "UNHEALTHY" in statuses:
        return "DEGRADED"
    return "PROVISIONING"


def token_json(t: FakeToken, e: FakeEndpoint, gen: Generation) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_OID, t.token)),
        "token": t.token,
        "endpoint_id": e.endpoint_id,
        "domain": "default",
        "project": e.project,
        "session_owner": str(uuid.UUID(int=1)),
        "created_at": t.created_at.isoformat(),
        "valid_until": valid_until(t.token, gen),
    }


def valid_until(token: str, gen: Generation) -> str | None:
    """``resolve_valid_until``: from the JWT's ``exp``; None when it is no JWT or has none.

    Up to 25.13 ``datetime.fromtimestamp(exp)``: the host's local time, naive (the host
    here is in Korea); at 26.4 ``fromtimestamp(exp, tz=tzutc())``.
    """
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    if "exp" not in claims:
        return None
    if gen.valid_until_local:
        return datetime.fromtimestamp(claims["exp"], KST).replace(tzinfo=None).isoformat()
    return datetime.fromtimestamp(claims["exp"], UTC).isoformat()
