"""``FakeManager``: the stand-in Backend.AI manager over real HTTP on 127.0.0.1.

It serves what the playground calls, as the manager ``generation`` (``generations.py``)
answers it: ``GET /`` (its versions, no authentication), ``POST /admin/gql`` (the legacy
GraphQL: ``endpoint_list``, ``endpoint``, ``endpoint_token_list``; ``schema.py``,
``filters.py``) and ``POST /services/{id}/token``. ``GET /services`` is not served: the
playground does not use it (it lists only CREATED endpoints, which managers from 25.13
no longer make). Every request but ``GET /`` must be signed (``auth.py``).

Knobs: ``generation``; keypairs (``add_keypair(..., can_generate_tokens=False)``: 403 to
token generation); endpoints (``add_endpoint``/``add_endpoints``); tokens (``add_token``
with age, lifetime and ``jwt_token=False`` for one without ``exp``);
``token_proxy_fails`` (the app proxy refuses to make tokens); ``stop()``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import graphql_sync
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fake_manager.auth import check_signature, problem, version_problem
from tests.fake_manager.generations import GEN_2604, Generation
from tests.fake_manager.records import (
    FakeEndpoint,
    FakeToken,
    Keypair,
    make_token,
)
from tests.fake_manager.resolvers import Resolvers, root_field
from tests.fake_manager.schema import schema_for
from tests.local_server import LocalServer

ACCESS_KEY = "AKIATESTPLAYGROUND01"
SECRET_KEY = "pg-test-secret/K7MDENG+bPxRfiCY0123"


@dataclass
class RecordedRequest:
    method: str
    path: str
    access_key: str | None
    status: int
    gql_field: str | None = None
    variables: dict[str, Any] | None = None
    query: str | None = None


class FakeManager:
    """Runs the stand-in manager in a background thread on 127.0.0.1."""

    def __init__(self, generation: Generation = GEN_2604) -> None:
        self.generation = generation
        self.keypairs: dict[str, Keypair] = {}
        self.endpoints: list[FakeEndpoint] = []
        self.requests: list[RecordedRequest] = []
        self.token_proxy_fails = False
        self.port = 0
        self._local: LocalServer | None = None

    # -- configuration -------------------------------------------------
    def reset(self, generation: Generation) -> None:
        """Forget every keypair, endpoint, token and request; play ``generation``."""
        self.generation = generation
        self.keypairs.clear()
        self.endpoints.clear()
        self.requests.clear()
        self.token_proxy_fails = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_keypair(
        self, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY, **knobs: Any
    ) -> Keypair:
        keypair = Keypair(access_key, secret_key, **knobs)
        self.keypairs[access_key] = keypair
        return keypair

    def add_endpoint(self, name: str, **knobs: Any) -> FakeEndpoint:
        endpoint = FakeEndpoint(name, **knobs)
        endpoint.lifecycle_stage = endpoint.lifecycle_stage or self.generation.live_stage
        if self.endpoints and endpoint.created_at <= self.endpoints[-1].created_at:
            # Distinct creation times, as a database's now() gives them.
            endpoint.created_at = self.endpoints[-1].created_at + timedelta(milliseconds=1)
        for word in endpoint.routes:
            self.generation.route(word)  # refuse routes this generation cannot have
        self.endpoints.append(endpoint)
        return endpoint

    def add_endpoints(
        self, count: int, *, name: str = "svc-{:03d}", **knobs: Any
    ) -> list[FakeEndpoint]:
        return [self.add_endpoint(name.format(i), **knobs) for i in range(count)]

    def add_token(
        self,
        endpoint: FakeEndpoint,
        *,
        age: timedelta = timedelta(0),
        lifetime: timedelta | None = timedelta(days=30),
        jwt_token: bool = True,
    ) -> str:
        """A token created ``age`` ago, valid for ``lifetime`` from then (None: no expiry)."""
        created = datetime.now(UTC) - age
        until = created + lifetime if lifetime is not None else None
        value = make_token(until, jwt_token=jwt_token)
        endpoint.tokens.append(FakeToken(value, created, until if jwt_token else None))
        return value

    def endpoint(self, endpoint_id: str) -> FakeEndpoint | None:
        return next((e for e in self.endpoints if e.endpoint_id == str(endpoint_id)), None)

    def gql_requests(self, root_field: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.gql_field == root_field]

    # -- lifecycle -----------------------------------------------------
    def start(self) -> FakeManager:
        self._local = LocalServer(
            [
                Route("/", self._hello, methods=["GET"]),
                Route("/admin/gql", self._gql, methods=["POST"]),
                Route("/services/{service_id}/token", self._generate_token, methods=["POST"]),
            ],
            "fake Backend.AI manager",
        )
        self.port = self._local.start()
        return self

    def stop(self) -> None:
        if self._local is not None:
            self._local.stop()

    # -- handlers ------------------------------------------------------
    def _signed(self, request: Request) -> tuple[Keypair | None, Response | None]:
        denied = version_problem(request, self.generation)
        if denied is not None:
            return None, denied
        secrets = {k: v.secret_key for k, v in self.keypairs.items()}
        access_key, denied = check_signature(request, secrets)
        return (self.keypairs[access_key] if access_key else None), denied

    def _record(self, request: Request, keypair: Keypair | None, status: int, **extra: Any) -> None:
        key = keypair.access_key if keypair else None
        self.requests.append(
            RecordedRequest(request.method, request.url.path, key, status, **extra)
        )

    async def _hello(self, request: Request) -> Response:
        """``hello``: the API version and the manager's own, for anyone."""
        answer = version_problem(request, self.generation) or JSONResponse(
            {"version": self.generation.latest_api_version, "manager": self.generation.tag}
        )
        self._record(request, None, answer.status_code)
        return answer

    async def _gql(self, request: Request) -> Response:
        keypair, denied = self._signed(request)
        if denied is not None:
            self._record(request, None, denied.status_code)
            return denied
        try:
            body = json.loads(await request.body())
            text, variables = str(body["query"]), dict(body.get("variables") or {})
        except (ValueError, KeyError, TypeError):
            self._record(request, keypair, 400)
            return problem(400, "generic-bad-request", "Malformed request body.")
        root = root_field(text)
        self._record(request, keypair, 200, gql_field=root, variables=variables, query=text)
        result = graphql_sync(
            schema_for(self.generation), text, root_value=Resolvers(self), variable_values=variables
        )
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [{"message": e.message} for e in result.errors]
        return JSONResponse(answer)

    async def _generate_token(self, request: Request) -> Response:
        keypair, denied = self._signed(request)
        answer = denied or self._token_answer(request, keypair, await request.body())
        self._record(request, keypair, answer.status_code)
        return answer

    def _token_answer(self, request: Request, keypair: Keypair | None, raw: bytes) -> Response:
        """``generate_token`` (manager/api/service.py; services/model_serving at 25.13+)."""
        endpoint = self.endpoint(request.path_params["service_id"])
        if endpoint is None:
            return problem(404, "object-not-found", None)
        if keypair is None or not keypair.can_generate_tokens:
            return problem(403, "generic-forbidden", None)
        try:
            params = json.loads(raw or b"{}")
        except ValueError:
            return problem(400, "generic-bad-request", "Malformed request body.")
        now = datetime.now(UTC)
        if params.get("valid_until"):
            until = datetime.fromtimestamp(int(params["valid_until"]), UTC)
        elif params.get("duration"):
            delta = _duration(params["duration"])
            if delta is None:
                return problem(400, "generic-bad-request", "Invalid or Missing API Parameters.")
            until = now + delta
        else:
            return problem(
                400, "generic-bad-request", "valid_until and duration can't be both unspecified"
            )
        if until <= now:
            return problem(400, "generic-bad-request", "valid_until is older than now")
        if self.token_proxy_fails:
            if self.generation.proxy_failure_status == 500:  # token_json["token"]: KeyError
                return problem(500, "internal-server-error", None)
            proxy = {"type": "https://api.backend.ai/probs/internal-server-error"}
            return problem(
                404,
                "object-not-found",
                f"Failed to generate token: 502 Bad Gateway {proxy}",
                title="E00002: No such endpoint.",
            )
        token = make_token(until)
        endpoint.tokens.append(FakeToken(token, now, until))
        return JSONResponse({"token": token})


def _duration(value: Any) -> timedelta | None:
    """``common/validators.py`` TimeDuration, without years and months."""
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([wdhms]?)", str(value))
    if not m:
        return None
    unit = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds", "": "seconds"}
    return timedelta(**{unit[m.group(2)]: float(m.group(1))})
