"""A small stand-in of the Backend.AI manager for tests, over real HTTP on 127.0.0.1.

It serves exactly the calls the playground makes, shaped as lablup/backend.ai's manager
answers them:

- ``POST /admin/gql``: ``endpoint_list(offset, limit, filter, order, project)`` with
  ``total_count``, ``endpoint(endpoint_id)`` and ``endpoint_token_list(offset, limit,
  endpoint_id)``. A tiny dispatcher on the root field name; arguments come from
  variables (or literals), the answer keeps only the fields the query selects, and
  ``filter`` is parsed and applied like the manager's filter language (``==``, ``!=``,
  ``like``, ``ilike``, ``&``, ``|``, ``!``, parentheses; ESCAPED_STRING literals);
- ``GET /services``, ``GET /services/{id}``, ``POST /services/{id}/token``.

Every request must be signed: the fake recomputes the HMAC-SHA256 signature the way the
manager's ``api/auth.py`` does (its own code, not the client's) with the secret key it
stores for the access key, and answers in the manager's error JSON: 401 for an unknown
access key or a signature mismatch, 400 "Date/time sync error" for a ``Date`` outside
±15 minutes, 400 for a missing or unsupported ``X-BackendAI-Version``.

Knobs: keypairs (``add_keypair(..., can_generate_tokens=False)`` answers 403 to token
generation), endpoints (``add_endpoint``/``add_endpoints``: name, ``url``, route statuses,
lifecycle stage, ``open_to_public``, project), tokens (``add_token`` with age and lifetime),
``omit_valid_until`` (answer tokens without expiry, as some manager versions do), and
``stop()`` for a manager that is down.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from playground.backendai import BackendAIConfig
from tests.local_server import LocalServer

# The manager's server.py VALID_VERSIONS (recent ones are enough here).
VALID_VERSIONS = frozenset(
    {
        "v6.20230315",
        "v7.20230615",
        "v8.20240315",
        "v8.20240915",
        "v9.20250722",
    }
)
DATE_WINDOW = timedelta(minutes=15)
DEFAULT_PROJECT = "2de2b969-1d04-48a6-af16-0bc8adb3c831"
PROBS = "https://api.backend.ai/probs/"

ACCESS_KEY = "AKIATESTPLAYGROUND01"
SECRET_KEY = "pg-test-secret/K7MDENG+bPxRfiCY0123"


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
    routes: list[str] = field(default_factory=lambda: ["HEALTHY"])
    lifecycle_stage: str = "created"  # created | destroying | destroyed
    open_to_public: bool = False
    project: str = DEFAULT_PROJECT
    retries: int = 0
    endpoint_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    tokens: list[FakeToken] = field(default_factory=list)


@dataclass
class RecordedRequest:
    method: str
    path: str
    access_key: str | None
    status: int
    gql_field: str | None = None
    variables: dict[str, Any] | None = None


class FakeManager:
    """Runs the fake manager in a background thread on 127.0.0.1."""

    def __init__(self) -> None:
        self.keypairs: dict[str, Keypair] = {}
        self.endpoints: list[FakeEndpoint] = []
        self.requests: list[RecordedRequest] = []
        self.omit_valid_until = False
        self.port = 0
        self._local: LocalServer | None = None

    # -- configuration -------------------------------------------------
    def reset(self) -> None:
        """Forget every keypair, endpoint, token and recorded request; knobs to defaults."""
        self.keypairs.clear()
        self.endpoints.clear()
        self.requests.clear()
        self.omit_valid_until = False

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
        token: str | None = None,
    ) -> str:
        """A token created ``age`` ago, valid for ``lifetime`` from then (None: no expiry)."""
        created = datetime.now(UTC) - age
        value = token or f"tok-{secrets.token_hex(12)}"
        until = created + lifetime if lifetime is not None else None
        endpoint.tokens.append(FakeToken(value, created, until))
        return value

    def endpoint(self, endpoint_id: str) -> FakeEndpoint | None:
        return next((e for e in self.endpoints if e.endpoint_id == endpoint_id), None)

    def gql_requests(self, root_field: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.gql_field == root_field]

    # -- lifecycle -----------------------------------------------------
    def start(self) -> FakeManager:
        self._local = LocalServer(
            [
                Route("/admin/gql", self._gql, methods=["POST"]),
                Route("/services", self._list_services, methods=["GET"]),
                Route("/services/{service_id}", self._get_service, methods=["GET"]),
                Route("/services/{service_id}/token", self._generate_token, methods=["POST"]),
            ],
            "fake Backend.AI manager",
        )
        self.port = self._local.start()
        return self

    def stop(self) -> None:
        if self._local is not None:
            self._local.stop()

    # -- authentication (as manager/api/auth.py does it) ------------------
    async def _authenticate(self, request: Request) -> tuple[Keypair | None, Response | None]:
        raw_date = request.headers.get("date") or request.headers.get("x-backendai-date")
        date = _parse_date(raw_date)
        now = datetime.now(UTC)
        if date is None or not (now - DATE_WINDOW < date < now + DATE_WINDOW):
            return None, _problem(400, "invalid-auth-params", "Date/time sync error")
        header = request.headers.get("authorization", "")
        match = re.match(
            r"^BackendAI\s+signMethod=HMAC-(\w+),\s*credential=([^:\s]+):([0-9a-fA-F]+)$",
            header,
        )
        if not match:
            return None, _problem(401, "auth-failed", "Unauthorized access")
        hash_type, access_key, signature = match.group(1).lower(), match.group(2), match.group(3)
        keypair = self.keypairs.get(access_key)
        if keypair is None:
            return None, _problem(401, "auth-failed", "Access key not found in HMAC")
        api_version = request.headers.get("x-backendai-version")
        if api_version is None:
            return None, _problem(
                400, "invalid-auth-params", "API version missing in request headers"
            )
        if api_version not in VALID_VERSIONS:
            return None, _problem(400, "generic-bad-request", "Unsupported API version.")
        if hash_type != "sha256":
            return None, _problem(400, "invalid-auth-params", "Unsupported signing method")
        expected = _manager_signature(request, keypair.secret_key, raw_date or "", date)
        if not hmac.compare_digest(expected, signature):
            return None, _problem(401, "auth-failed", "HMAC signature mismatch")
        return keypair, None

    def _record(self, request: Request, keypair: Keypair | None, status: int, **extra: Any) -> None:
        self.requests.append(
            RecordedRequest(
                request.method,
                request.url.path,
                keypair.access_key if keypair else None,
                status,
                **extra,
            )
        )

    # -- GraphQL ---------------------------------------------------------
    async def _gql(self, request: Request) -> Response:
        keypair, denied = await self._authenticate(request)
        if denied is not None:
            self._record(request, None, denied.status_code)
            return denied
        try:
            body = json.loads(await request.body())
            text = str(body["query"])
            variables = dict(body.get("variables") or {})
        except (ValueError, KeyError, TypeError):
            self._record(request, keypair, 400)
            return _problem(400, "generic-bad-request", "Malformed request body.")
        try:
            selection = _selection(text)
        except (ValueError, IndexError):
            self._record(request, keypair, 200)
            return _gql_error("Syntax Error: the fake could not read this query")
        if len(selection) != 1:
            return _gql_error("the fake serves one root field per query")
        root = next(iter(selection))
        self._record(request, keypair, 200, gql_field=root, variables=variables)
        args = _arguments(text, root, variables)
        handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "endpoint_list": self._endpoint_list,
            "endpoint": self._endpoint,
            "endpoint_token_list": self._endpoint_token_list,
        }
        if root not in handlers:
            return _gql_error(f"Cannot query field '{root}' on type 'Queries'.")
        try:
            result = handlers[root](args)
        except GQLError as exc:
            return JSONResponse({"data": {root: None}, "errors": [{"message": str(exc)}]})
        return JSONResponse({"data": {root: _project(result, selection[root])}})

    def _endpoint_list(self, args: dict[str, Any]) -> dict[str, Any]:
        limit, offset = int(args["limit"]), int(args["offset"])
        items = list(self.endpoints)
        if args.get("project"):
            items = [e for e in items if e.project == args["project"]]
        if args.get("filter"):
            predicate = parse_filter(args["filter"])
            items = [e for e in items if predicate(_filter_fields(e))]
        order = args.get("order")
        if order:
            key = order.lstrip("+-")
            if key not in ("name", "created_at"):
                raise GQLError(f"Unknown/unsupported field name: {key}")
            items.sort(key=lambda e: getattr(e, key), reverse=order.startswith("-"))
        else:
            items.sort(key=lambda e: e.created_at, reverse=True)
        page = items[offset : offset + limit]
        return {"total_count": len(items), "items": [_endpoint_json(e) for e in page]}

    def _endpoint(self, args: dict[str, Any]) -> dict[str, Any]:
        endpoint = self.endpoint(str(args.get("endpoint_id")))
        if endpoint is None:
            raise GQLError("Endpoint not found.")
        return _endpoint_json(endpoint)

    def _endpoint_token_list(self, args: dict[str, Any]) -> dict[str, Any]:
        limit, offset = int(args["limit"]), int(args["offset"])
        endpoint = self.endpoint(str(args.get("endpoint_id")))
        tokens = sorted(endpoint.tokens if endpoint else [], key=lambda t: t.created_at)
        tokens.reverse()  # the manager orders them by created_at, newest first
        page = tokens[offset : offset + limit]
        return {
            "total_count": len(tokens),
            "items": [
                {
                    "token": t.token,
                    "endpoint_id": endpoint.endpoint_id if endpoint else None,
                    "created_at": t.created_at.isoformat(),
                    "valid_until": None
                    if self.omit_valid_until or t.valid_until is None
                    else t.valid_until.isoformat(),
                }
                for t in page
            ],
        }

    # -- REST ------------------------------------------------------------
    async def _list_services(self, request: Request) -> Response:
        keypair, denied = await self._authenticate(request)
        self._record(request, keypair, denied.status_code if denied else 200)
        if denied is not None:
            return denied
        return JSONResponse(
            [
                {
                    "id": e.endpoint_id,
                    "name": e.name,
                    "desired_session_count": len(e.routes),
                    "active_route_count": e.routes.count("HEALTHY"),
                    "service_endpoint": e.url,
                    "is_public": e.open_to_public,
                }
                for e in self.endpoints
                if e.lifecycle_stage == "created"
            ]
        )

    async def _get_service(self, request: Request) -> Response:
        keypair, denied = await self._authenticate(request)
        endpoint = self.endpoint(request.path_params["service_id"])
        answer = denied or (
            _problem(404, "object-not-found", "No such object.") if endpoint is None else None
        )
        self._record(request, keypair, answer.status_code if answer else 200)
        if answer is not None:
            return answer
        assert endpoint is not None
        return JSONResponse(
            {
                "endpoint_id": endpoint.endpoint_id,
                "name": endpoint.name,
                "desired_session_count": len(endpoint.routes),
                "active_routes": [
                    {
                        "route_id": str(uuid.uuid4()),
                        "session_id": str(uuid.uuid4()),
                        "traffic_ratio": 1.0,
                    }
                    for s in endpoint.routes
                    if s == "HEALTHY"
                ],
                "service_endpoint": endpoint.url,
                "is_public": endpoint.open_to_public,
            }
        )

    async def _generate_token(self, request: Request) -> Response:
        keypair, denied = await self._authenticate(request)
        answer = denied or self._token_answer(request, keypair, await request.body())
        self._record(request, keypair, answer.status_code)
        return answer

    def _token_answer(self, request: Request, keypair: Keypair | None, raw: bytes) -> Response:
        endpoint = self.endpoint(request.path_params["service_id"])
        if endpoint is None:
            return _problem(404, "object-not-found", "No such object.")
        if keypair is None or not keypair.can_generate_tokens:
            return _problem(403, "generic-forbidden", None, title="Forbidden operation.")
        try:
            params = json.loads(raw or b"{}")
        except ValueError:
            return _problem(400, "generic-bad-request", "Malformed request body.")
        now = datetime.now(UTC)
        if params.get("valid_until"):
            until = datetime.fromtimestamp(int(params["valid_until"]), UTC)
        elif params.get("duration"):
            delta = _duration(params["duration"])
            if delta is None:
                return _problem(400, "generic-bad-request", "Invalid or Missing API Parameters.")
            until = now + delta
        else:
            return _problem(
                400, "generic-bad-request", "valid_until and duration can't be both unspecified"
            )
        if until <= now:
            return _problem(400, "generic-bad-request", "valid_until is older than now")
        token = f"tok-{secrets.token_hex(16)}"
        endpoint.tokens.append(FakeToken(token, now, until))
        return JSONResponse({"token": token})


# -- signature, as the manager computes it --------------------------------------------


def _parse_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        date = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            date = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
    return date.replace(tzinfo=UTC) if date.tzinfo is None else date


def _manager_signature(request: Request, secret_key: str, raw_date: str, date: datetime) -> str:
    """manager/api/auth.py sign_request(): raw path, Host, raw Date, empty-body hash."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    path = raw_path.decode("latin-1")
    if request.scope.get("query_string"):
        path += "?" + request.scope["query_string"].decode("latin-1")
    host = request.headers.get("host", "")
    content_type = request.headers.get("content-type", "application/octet-stream")
    content_type = content_type.split(";")[0].strip().lower()
    api_version = request.headers["x-backendai-version"]
    sign_bytes = (
        f"{request.method}\n{path}\n{raw_date}\nhost:{host}\ncontent-type:{content_type}\n"
        f"x-backendai-version:{api_version}\n{hashlib.sha256(b'').hexdigest()}"
    ).encode()
    key = hmac.new(secret_key.encode(), date.strftime("%Y%m%d").encode(), "sha256").digest()
    key = hmac.new(key, host.encode(), "sha256").digest()
    return hmac.new(key, sign_bytes, "sha256").hexdigest()


def _problem(status: int, slug: str, msg: str | None, *, title: str | None = None) -> JSONResponse:
    titles = {
        "auth-failed": "Credential/signature mismatch.",
        "invalid-auth-params": "Missing or invalid authorization parameters.",
        "generic-bad-request": "Invalid or Missing API Parameters.",
        "object-not-found": "No such object.",
    }
    body: dict[str, Any] = {"type": PROBS + slug, "title": title or titles.get(slug, slug)}
    if msg is not None:
        body["msg"] = msg
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


# -- GraphQL: selections, arguments, filters ------------------------------------------


class GQLError(Exception):
    pass


def _gql_error(message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message}]})


def _selection(query: str) -> dict[str, Any]:
    """The selection set as nested dicts ({field: None | {subfield: ...}})."""
    text = re.sub(r"\([^()]*\)", " ", query)  # variable definitions and arguments
    tokens = re.findall(r"[A-Za-z_]\w*|[{}]", text)

    def block(i: int) -> tuple[dict[str, Any], int]:
        fields: dict[str, Any] = {}
        i += 1
        while tokens[i] != "}":
            name = tokens[i]
            i += 1
            if tokens[i] == "{":
                fields[name], i = block(i)
            else:
                fields[name] = None
        return fields, i + 1

    return block(tokens.index("{"))[0]


def _arguments(query: str, root: str, variables: dict[str, Any]) -> dict[str, Any]:
    match = re.search(rf"\b{root}\s*\(([^()]*)\)", query)
    args: dict[str, Any] = {}
    pairs = re.findall(
        r'(\w+)\s*:\s*(\$\w+|"(?:[^"\\]|\\.)*"|-?\d+)', match.group(1) if match else ""
    )
    for name, value in pairs:
        if value.startswith("$"):
            args[name] = variables.get(value[1:])
        elif value.startswith('"'):
            args[name] = json.loads(value)
        else:
            args[name] = int(value)
    return args


def _project(value: Any, selection: dict[str, Any] | None) -> Any:
    if selection is None or value is None:
        return value
    if isinstance(value, list):
        return [_project(v, selection) for v in value]
    return {k: _project(value.get(k), sub) for k, sub in selection.items()}


def _endpoint_json(e: FakeEndpoint) -> dict[str, Any]:
    return {
        "endpoint_id": e.endpoint_id,
        "name": e.name,
        "url": e.url,
        "project": e.project,
        "status": _manager_status(e),
        "lifecycle_stage": e.lifecycle_stage.upper(),  # GraphQL gives the enum's name
        "open_to_public": e.open_to_public,
        "created_at": e.created_at.isoformat(),
        "retries": e.retries,
        "routings": [
            {"routing_id": str(uuid.uuid4()), "status": s, "traffic_ratio": 1.0} for s in e.routes
        ],
    }


def _manager_status(e: FakeEndpoint) -> str:
    """models/gql_models/endpoint.py Endpoint.resolve_status()."""
    if e.lifecycle_stage == "destroyed":
        return "DESTROYED"
    if e.lifecycle_stage == "destroying":
        return "DESTROYING"
    if not e.routes:
        return "READY"
    if e.retries > 5:
        return "UNHEALTHY"
    if all(s == "HEALTHY" for s in e.routes):
        return "HEALTHY"
    if any(s == "UNHEALTHY" for s in e.routes):
        return "DEGRADED"
    return "PROVISIONING"


def _filter_fields(e: FakeEndpoint) -> dict[str, Any]:
    return {
        "name": e.name,
        "endpoint_id": e.endpoint_id,
        "project": e.project,
        "url": e.url,
        "lifecycle_stage": e.lifecycle_stage,
        "open_to_public": e.open_to_public,
    }


_LIFECYCLES = ("created", "destroying", "destroyed")
# lark's common.ESCAPED_STRING: the closing quote is not preceded by an odd run of "\".
_TOKEN = re.compile(
    r"""\s*(?:(?P<string>".*?(?<!\\)(?:\\\\)*?")|(?P<op>==|!=|>=|<=|[&|!()><])"""
    r"""|(?P<name>[A-Za-z_]\w*)|(?P<number>-?\d+(?:\.\d+)?))"""
)
_WORD_OPS = {"like", "ilike", "contains", "in", "is", "isnot"}


def parse_filter(text: str) -> Callable[[dict[str, Any]], bool]:
    """Parse the manager's filter language into a predicate over an endpoint's fields."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise GQLError(f"Query filter parsing error: unexpected input at {pos}")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    stream = iter([*tokens, ("end", "")])
    current = [next(stream)]

    def take() -> tuple[str, str]:
        tok = current[0]
        current[0] = next(stream)
        return tok

    def expr() -> Callable[[dict[str, Any]], bool]:
        left = unary()
        while current[0] in (("op", "&"), ("op", "|")):
            op = take()[1]
            right = unary()
            left = _combine(op, left, right)
        return left

    def unary() -> Callable[[dict[str, Any]], bool]:
        if current[0] == ("op", "!"):
            take()
            inner = unary()
            return lambda f: not inner(f)
        if current[0] == ("op", "("):
            take()
            inner = expr()
            if take() != ("op", ")"):
                raise GQLError("Query filter parsing error: missing )")
            return inner
        kind, name = take()
        if kind != "name":
            raise GQLError("Query filter parsing error: expected a field name")
        kind, op = take()
        if not (kind == "op" or (kind == "name" and op in _WORD_OPS)):
            raise GQLError("Query filter parsing error: expected an operator")
        value = _value(take())
        return _compare(name, op, value)

    predicate = expr()
    if current[0][0] != "end":
        raise GQLError("Query filter parsing error: trailing input")
    return predicate


def _combine(
    op: str, a: Callable[[dict[str, Any]], bool], b: Callable[[dict[str, Any]], bool]
) -> Callable[[dict[str, Any]], bool]:
    if op == "&":
        return lambda f: a(f) and b(f)
    return lambda f: a(f) or b(f)


def _value(token: tuple[str, str]) -> Any:
    kind, raw = token
    if kind == "string":
        return raw[1:-1].replace('\\"', '"')  # exactly what the manager's transformer does
    if kind == "number":
        return float(raw) if "." in raw else int(raw)
    if kind == "name" and raw in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[raw]
    raise GQLError("Query filter parsing error: expected a value")


def _compare(name: str, op: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    if name not in ("name", "endpoint_id", "project", "url", "lifecycle_stage", "open_to_public"):
        raise GQLError(f"Unknown/unsupported field name: {name}")
    if name == "lifecycle_stage":
        value = str(value).lower()
        if value not in _LIFECYCLES:
            raise GQLError(f"Invalid enum value: {value}")
    if op in ("like", "ilike"):
        pattern = _like_regex(str(value), ignore_case=op == "ilike")
        return lambda f: f[name] is not None and pattern.fullmatch(str(f[name])) is not None
    if op == "==":
        return lambda f: f[name] == value
    if op == "!=":
        return lambda f: f[name] != value
    raise GQLError(f"the fake does not support '{op}'")


def _like_regex(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """SQL LIKE with PostgreSQL's default escape character, the backslash."""
    out: list[str] = []
    chars = iter(pattern)
    for c in chars:
        if c == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        else:
            out.append(re.escape(c))
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _duration(value: Any) -> timedelta | None:
    """common/validators.py TimeDuration, without years and months."""
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([wdhms]?)", str(value))
    if not m:
        return None
    unit = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds", "": "seconds"}
    return timedelta(**{unit[m.group(2)]: float(m.group(1))})


# -- pytest fixtures ----------------------------------------------------------------


@pytest.fixture(scope="session")
def _fake_manager_server() -> Iterator[FakeManager]:
    manager = FakeManager().start()
    yield manager
    manager.stop()


@pytest.fixture
def fake_manager(_fake_manager_server: FakeManager) -> FakeManager:
    """The running fake manager, emptied, knowing only the keypair ACCESS_KEY/SECRET_KEY."""
    _fake_manager_server.reset()
    _fake_manager_server.add_keypair()
    return _fake_manager_server


@pytest.fixture
def backendai_config(fake_manager: FakeManager) -> BackendAIConfig:
    """A ``[backendai]`` config for ``fake_manager`` (the secret key inline)."""
    return BackendAIConfig(
        endpoint=fake_manager.base_url,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,  # type: ignore[arg-type]
        page_size=20,
        timeout=5,
    )
