"""``ManagerClient``: the few Backend.AI manager calls the playground needs, over httpx.

Calls (as lablup/backend.ai's manager serves them; sources in the package docstring):

- ``POST /admin/gql`` ``endpoint_list(offset, limit, filter, order, project)``: search
  model-service endpoints by name on the server, a page at a time, with ``total_count``;
- ``POST /admin/gql`` ``endpoint(endpoint_id)``: one endpoint;
- ``POST /admin/gql`` ``endpoint_token_list(offset, limit, endpoint_id)``: its tokens;
- ``POST /services/{id}/token`` with ``{"duration": "1d"}`` or ``{"valid_until": epoch}``:
  a new token (``{"token": ...}``);
- ``GET /services`` and ``GET /services/{id}``: the keypair owner's services, with the
  number of healthy routes (a cheap health check).

Every request is signed with the keypair (``signing.KeypairAuth``). Failures raise the
``ManagerError`` subclasses of ``errors``; nothing here touches Streamlit.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from playground.backendai import query
from playground.backendai.errors import (
    BadKeypair,
    BadResponse,
    ManagerError,
    PermissionDenied,
    error_for_response,
    manager_errors,
    redact,
)
from playground.backendai.models import EndpointPage, EndpointToken, ServiceEndpoint
from playground.backendai.settings import BackendAIConfig, resolve_secret_key
from playground.backendai.signing import CONTENT_TYPE, Clock, KeypairAuth, utc_now

WHAT = "The Backend.AI manager"
GONE = f"{WHAT} has no such endpoint any more: it may have been deleted."
TOKEN_PAGE = 100
MAX_TOKEN_PAGES = 20
# What the manager's TimeDuration accepts: seconds, or a number with w/d/h/m/s, yr or mo.
_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?[wdhms]?|\d+(?:yr|mo))$")


class ServiceInfo(ServiceEndpoint):
    """A service from the REST API, which only reports its healthy routes.

    ``healthy_routes`` counts them; ``health`` is therefore "ready" or "provisioning".
    """

    healthy_routes: int = 0


class ManagerClient:
    """Talks to one manager with one keypair. Thread-safe; ``close()`` when done.

    ``clock`` (UTC now) dates each signature; tests pass a skewed one. ``transport`` is
    httpx's, for callers that need a custom one; tests talk real HTTP instead.
    """

    def __init__(
        self,
        config: BackendAIConfig,
        secret_key: SecretStr | str,
        *,
        clock: Clock = utc_now,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        secret = secret_key.get_secret_value() if isinstance(secret_key, SecretStr) else secret_key
        if not secret:
            raise BadKeypair(f"{WHAT} needs a secret key: set [backendai] secret_key.")
        self.config = config
        self._secret = secret
        self._http = httpx.Client(
            base_url=config.endpoint,
            auth=KeypairAuth(config.access_key, secret, config.api_version, clock),
            headers={"Content-Type": CONTENT_TYPE, "Accept": "application/json"},
            timeout=config.timeout,
            follow_redirects=False,
            transport=transport,
        )

    @classmethod
    def from_config(
        cls, config: BackendAIConfig, environ: Mapping[str, str], *, clock: Clock = utc_now
    ) -> ManagerClient:
        """A client with the secret key from the config or its ``secret_key_env``.

        Raises ``BadKeypair`` when there is no secret key.
        """
        secret, problem = resolve_secret_key(config, environ)
        if secret is None:
            raise BadKeypair(f"{WHAT} cannot be used: {problem}.")
        return cls(config, secret, clock=clock)

    def __repr__(self) -> str:
        return f"ManagerClient({self.config.endpoint!r}, access_key={self.config.access_key!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ManagerClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- endpoints ---------------------------------------------------------------
    def search_endpoints(
        self, text: str = "", *, offset: int = 0, limit: int | None = None
    ) -> EndpointPage:
        """Live endpoints whose name contains ``text`` (any case), searched on the server.

        Sorted by name; ``offset``/``limit`` page through them (``limit`` defaults to
        ``page_size``). ``text`` is matched literally: ``%``, ``_``, quotes and
        backslashes in it are escaped.
        """
        limit = max(1, min(limit or self.config.page_size, 100))
        offset = max(0, offset)
        data = self._gql(
            query.SEARCH_ENDPOINTS,
            {
                "offset": offset,
                "limit": limit,
                "filter": query.endpoint_filter(text),
                "order": query.ORDER,
                "project": self.config.project,
            },
            action="list model-service endpoints",
        )
        listing = data.get("endpoint_list")
        with _shape("the endpoint list"):
            items = tuple(_endpoint(item) for item in listing["items"] or ())
            total = int(listing["total_count"] or 0)
        return EndpointPage(
            total_count=max(total, offset + len(items)), items=items, offset=offset, limit=limit
        )

    def get_endpoint(self, endpoint_id: str) -> ServiceEndpoint:
        """One endpoint, with its current routes (to refresh its health)."""
        data = self._gql(
            query.GET_ENDPOINT,
            {"endpoint_id": _checked_id(endpoint_id)},
            action="read the endpoint",
            not_found=GONE,
        )
        item = data.get("endpoint")
        if item is None:
            raise BadResponse(GONE)
        with _shape("the endpoint"):
            return _endpoint(item)

    # -- tokens ------------------------------------------------------------------
    def list_tokens(self, endpoint_id: str, *, now: datetime | None = None) -> list[EndpointToken]:
        """The endpoint's tokens that have not expired, newest first."""
        eid = _checked_id(endpoint_id)
        tokens: list[EndpointToken] = []
        for page in range(MAX_TOKEN_PAGES):
            data = self._gql(
                query.LIST_TOKENS,
                {"offset": page * TOKEN_PAGE, "limit": TOKEN_PAGE, "endpoint_id": eid},
                action="list the endpoint's tokens",
            )
            listing = data.get("endpoint_token_list")
            with _shape("the token list"):
                items = listing["items"] or []
                total = int(listing["total_count"] or 0)
                tokens.extend(_token(item) for item in items)
            if not items or len(tokens) >= total:
                break
        now = now or utc_now()
        valid = [t for t in tokens if t.is_valid(now)]
        return sorted(valid, key=lambda t: t.created_at, reverse=True)

    def generate_token(
        self,
        endpoint_id: str,
        *,
        duration: str | timedelta | None = None,
        valid_until: datetime | None = None,
    ) -> SecretStr:
        """A new token for the endpoint, valid for ``duration`` or until ``valid_until``.

        ``duration`` is a ``timedelta`` or the manager's notation (``"1d"``, ``"12h"``,
        ``"2w"``, ``"3600"``). Raises ``PermissionDenied`` when the keypair may not.
        """
        if (duration is None) == (valid_until is None):
            raise ValueError("pass exactly one of duration and valid_until")
        body: dict[str, Any]
        if isinstance(duration, timedelta):
            seconds = int(duration.total_seconds())
            if seconds <= 0:
                raise ValueError("duration must be positive")
            body = {"duration": seconds}
        elif duration is not None:
            duration = duration.strip()
            if not _DURATION.match(duration) or float(re.sub(r"[a-z]+$", "", duration)) <= 0:
                raise ValueError("duration must look like 30m, 12h, 1d, 2w or a number of seconds")
            body = {"duration": duration}
        else:
            assert valid_until is not None
            if valid_until.tzinfo is None:
                raise ValueError("valid_until must be timezone-aware")
            body = {"valid_until": int(valid_until.timestamp())}
        eid = _checked_id(endpoint_id)
        answer = self._request(
            "POST",
            f"/services/{eid}/token",
            action="generate tokens for this endpoint",
            json=body,
        )
        token = answer.get("token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise BadResponse(f"{WHAT} answered without a token when asked to generate one.")
        return SecretStr(token)

    # -- REST services -----------------------------------------------------------
    def list_services(self) -> list[ServiceInfo]:
        """``GET /services``: the keypair owner's live services (own ones only)."""
        answer = self._request("GET", "/services", action="list services")
        with _shape("the service list"):
            return [_service(item) for item in answer]

    def get_service(self, endpoint_id: str) -> ServiceInfo:
        """``GET /services/{id}``: one service and how many routes are healthy."""
        answer = self._request(
            "GET", f"/services/{_checked_id(endpoint_id)}", action="read the service"
        )
        with _shape("the service"):
            return _service(answer)

    # -- transport ---------------------------------------------------------------
    def _request(
        self, method: str, path: str, *, action: str, json: dict[str, Any] | None = None
    ) -> Any:
        with manager_errors(self.config.endpoint, self.config.timeout):
            response = self._http.request(method, path, json=json)
            response.read()
        if not response.is_success:
            raise error_for_response(
                response,
                action=action,
                secrets=(self._secret,),
                signed_at=response.request.extensions.get("backendai_signed_at"),
            )
        try:
            return response.json()
        except ValueError:
            raise BadResponse(
                f"{WHAT} sent something that is not JSON. Check that [backendai] endpoint "
                "is the manager's API URL (not the web UI's)."
            ) from None

    def _gql(
        self,
        text: str,
        variables: dict[str, Any],
        *,
        action: str,
        not_found: str | None = None,
    ) -> dict[str, Any]:
        answer = self._request(
            "POST", "/admin/gql", action=action, json={"query": text, "variables": variables}
        )
        if not isinstance(answer, dict):
            raise BadResponse(f"{WHAT} sent an unexpected GraphQL answer.")
        errors = answer.get("errors")
        if errors:
            first = errors[0] if isinstance(errors, list) and errors else {}
            message = str(first.get("message", "") if isinstance(first, dict) else first)
            detail = " ".join(redact(message, (self._secret,)).split())[:200]
            if re.search(r"forbidden|permission|not allowed|privilege", message, re.I):
                raise PermissionDenied(
                    f"{WHAT} did not allow this keypair to {action}. Manager said: {detail}"
                )
            if not_found and re.search(r"not ?found|does not exist", message, re.I):
                raise BadResponse(not_found)
            raise BadResponse(f"{WHAT} could not {action}. Manager said: {detail}")
        data = answer.get("data")
        if not isinstance(data, dict):
            raise BadResponse(f"{WHAT} sent a GraphQL answer without data.")
        return data


@contextlib.contextmanager
def _shape(what: str) -> Iterator[None]:
    """Turn a malformed answer (missing keys, wrong types) into ``BadResponse``."""
    try:
        yield
    except ManagerError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        # pydantic's ValidationError is a ValueError.
        raise BadResponse(f"{WHAT} sent {what} in a shape this app does not know.") from None


def _checked_id(endpoint_id: str) -> str:
    try:
        return query.endpoint_id(endpoint_id)
    except ValueError:
        raise BadResponse(f"'{endpoint_id[:40]}' is not a Backend.AI endpoint ID.") from None


def _endpoint(item: Mapping[str, Any]) -> ServiceEndpoint:
    routes = item.get("routings") or []
    return ServiceEndpoint(
        endpoint_id=str(item["endpoint_id"]),
        name=str(item["name"] or item["endpoint_id"]),
        url=item.get("url") or None,
        status=item.get("status"),
        lifecycle_stage=item.get("lifecycle_stage"),
        open_to_public=bool(item.get("open_to_public")),
        route_statuses=tuple(str(r["status"]) for r in routes if r and r.get("status")),
    )


def _token(item: Mapping[str, Any]) -> EndpointToken:
    return EndpointToken(
        token=SecretStr(str(item["token"])),
        created_at=_datetime(item["created_at"]),
        valid_until=_datetime(item["valid_until"]) if item.get("valid_until") else None,
    )


def _datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:  # the manager stores UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _service(item: Mapping[str, Any]) -> ServiceInfo:
    if "active_routes" in item:  # GET /services/{id}: only healthy routes are listed
        healthy = len(item["active_routes"] or [])
        eid = item["endpoint_id"]
    else:  # GET /services
        healthy = int(item.get("active_route_count") or 0)
        eid = item["id"]
    return ServiceInfo(
        endpoint_id=str(eid),
        name=str(item["name"]),
        url=item.get("service_endpoint") or None,
        open_to_public=bool(item.get("is_public")),
        route_statuses=("HEALTHY",) * healthy,
        healthy_routes=healthy,
    )
