"""The manager's GraphQL answers read into the client's typed values.

Field names and shapes follow ``docs/manager/graphql-reference/schema.graphql`` (types
``Endpoint``, ``Routing``, ``EndpointToken``) at 24.09.14, 25.13.4 and 26.4.10.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from playground.endpoints.backendai.answers import EndpointToken, ModelService, token_expiry
from playground.endpoints.backendai.health import Route
from playground.errors import BadResponse, ManagerError

WHAT = "The Backend.AI manager"


@contextlib.contextmanager
def shape(what: str) -> Iterator[None]:
    """Turn a malformed answer (missing keys, wrong types) into ``BadResponse``."""
    try:
        yield
    except ManagerError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        # pydantic's ValidationError is a ValueError.
        raise BadResponse(f"{WHAT} sent {what} in a shape this app does not know.") from None


def endpoint(item: Mapping[str, Any]) -> ModelService:
    routes = item.get("routings") or []
    return ModelService(
        endpoint_id=str(item["endpoint_id"]),
        name=str(item["name"] or item["endpoint_id"]),
        url=item.get("url") or None,
        status=item.get("status"),
        lifecycle_stage=item.get("lifecycle_stage"),
        open_to_public=bool(item.get("open_to_public")),
        routes=tuple(
            Route(status=str(r["status"]), health_status=r.get("health_status"))
            for r in routes
            if r and r.get("status")
        ),
    )


def token(item: Mapping[str, Any]) -> EndpointToken:
    """A token; its expiry from the token's own ``exp`` when it is a JWT.

    ``valid_until`` is only the fallback: up to 25.13 it is the manager host's local
    time without a zone (see ``answers.token_expiry``), read here as UTC.
    """
    value = str(item["token"])
    expiry = token_expiry(value)
    if expiry is None and item.get("valid_until"):
        expiry = timestamp(item["valid_until"])
    return EndpointToken(
        token=SecretStr(value), created_at=timestamp(item["created_at"]), valid_until=expiry
    )


def timestamp(value: str) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
