"""``ManagerClient``: the few Backend.AI manager calls the playground needs, over httpx.

Calls (as lablup/backend.ai's manager serves them; sources in the package docstring):

- ``POST /admin/gql`` ``endpoint_list(offset, limit, filter, order, project)``: search
  model-service endpoints by name on the server, a page at a time, with ``total_count``;
- ``POST /admin/gql`` ``endpoint(endpoint_id)``: one endpoint;
- ``POST /admin/gql`` ``endpoint_token_list(offset, limit, endpoint_id)``: its tokens;
- ``POST /services/{id}/token`` with ``{"duration": "1d"}`` or ``{"valid_until": epoch}``:
  a new token (``{"token": ...}``).

First, once, an unsigned ``GET /`` asks the manager its version and API version
(``versions``), which choose the ``X-BackendAI-Version`` header and the fields asked for.
Every other request is signed with the keypair (``signing.KeypairAuth``). ``GET
/services`` is not used: it lists only CREATED endpoints (``list_serve`` in
``manager/api/service.py`` at 24.09.14; ``repositories/model_serving/repository.py`` at
25.13.4), which current managers no longer produce. The legacy ``/admin/gql`` is used,
not ``/admin/gql/strawberry`` (``myDeployments``, from 25.16): every manager from 24.03
to 26.x serves the legacy one and it is not deprecated, while the new one would need a
second code path for every manager before 25.16.

Failures raise the ``ManagerError`` subclasses of ``errors``; nothing here touches
Streamlit.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from playground.endpoints.backendai import parse, query
from playground.endpoints.backendai.answers import EndpointPage, EndpointToken, ModelService
from playground.endpoints.backendai.config import BackendAIConfig, resolve_secret_key
from playground.endpoints.backendai.errors import error_for_response, manager_errors
from playground.endpoints.backendai.parse import shape
from playground.endpoints.backendai.signing import CONTENT_TYPE, Clock, KeypairAuth, utc_now
from playground.endpoints.backendai.versions import ManagerInfo, manager_info
from playground.errors import BadKeypair, BadResponse, PermissionDenied, redact

WHAT = "The Backend.AI manager"
GONE = f"{WHAT} has no such endpoint any more: it may have been deleted."
TOKEN_PAGE = 100
MAX_TOKEN_PAGES = 20


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
        self._clock = clock
        self._info: ManagerInfo | None = None
        self._lock = threading.Lock()
        self._http = httpx.Client(
            base_url=config.manager_url,
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
        return f"ManagerClient({self.config.manager_url!r}, access_key={self.config.access_key!r})"

    def close(self) -> None:
        self._http.close()

    def manager(self) -> ManagerInfo:
        """The manager's version and the API version sent to it (asked once, ``GET /``)."""
        with self._lock:
            if self._info is None:
                hello = self._request("GET", "/", action="tell its version", signed=False)
                self._info = manager_info(hello, self.config.api_version)
            return self._info

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
            query.search_endpoints(self.manager().has_route_health),
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
        with shape("the endpoint list"):
            items = tuple(parse.endpoint(item) for item in listing["items"] or ())
            total = int(listing["total_count"] or 0)
        return EndpointPage(
            total_count=max(total, offset + len(items)), items=items, offset=offset, limit=limit
        )

    def get_endpoint(self, endpoint_id: str) -> ModelService:
        """One endpoint, with its current routes (to refresh its health)."""
        data = self._gql(
            query.get_endpoint(self.manager().has_route_health),
            {"endpoint_id": _checked_id(endpoint_id)},
            action="read the endpoint",
            not_found=GONE,
        )
        item = data.get("endpoint")
        if item is None:
            raise BadResponse(GONE)
        with shape("the endpoint"):
            return parse.endpoint(item)

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
            with shape("the token list"):
                items = listing["items"] or []
                total = int(listing["total_count"] or 0)
                tokens.extend(parse.token(item) for item in items)
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
        body = query.token_request(duration, valid_until)
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

    # -- transport ---------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        action: str,
        json: dict[str, Any] | None = None,
        signed: bool = True,
    ) -> Any:
        auth = None
        if signed:
            auth = KeypairAuth(
                self.config.access_key, self._secret, self.manager().api_version, self._clock
            )
        with manager_errors(self.config.manager_url, self.config.timeout):
            response = self._http.request(method, path, json=json, auth=auth)
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
                f"{WHAT} sent something that is not JSON. Check that [backendai] "
                "manager_url is the manager's API URL (not the web UI's)."
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
            if not_found and re.search(r"not ?found|does not exist|no such", message, re.I):
                raise BadResponse(not_found)
            raise BadResponse(f"{WHAT} could not {action}. Manager said: {detail}")
        data = answer.get("data")
        if not isinstance(data, dict):
            raise BadResponse(f"{WHAT} sent a GraphQL answer without data.")
        return data


def _checked_id(endpoint_id: str) -> str:
    try:
        return query.endpoint_id(endpoint_id)
    except ValueError:
        raise BadResponse(f"'{endpoint_id[:40]}' is not a Backend.AI endpoint ID.") from None
