"""Backend.AI endpoints: search a cluster's model services, read and make their tokens.

Plain Python (no Streamlit). The public surface, all importable from this package::

    BackendAIConfig                       the [backendai] config section (settings.py)
    resolve_secret_key(cfg, environ)      -> (SecretStr | None, problem | None)

    client = ManagerClient.from_config(cfg, os.environ)   # or ManagerClient(cfg, secret)
    client.search_endpoints(text="", offset=0, limit=None) -> EndpointPage
    client.get_endpoint(endpoint_id)                       -> ModelService
    client.list_tokens(endpoint_id)                        -> list[EndpointToken]
    client.generate_token(endpoint_id, duration="1d" | timedelta(...))  -> SecretStr
    client.generate_token(endpoint_id, valid_until=<aware datetime>)    -> SecretStr
    client.manager()                        -> ManagerInfo (asked once with GET /)
    client.close()                         (also a context manager; thread-safe)

    EndpointPage        total_count, items: tuple[ModelService, ...], offset, limit,
                        has_more
    ModelService     endpoint_id, name, url (no /v1), base_url ({url}/v1), status,
                        lifecycle_stage, open_to_public, routes: tuple[Route, ...],
                        health ("ready" | "degraded" | "unhealthy" | "provisioning"),
                        is_healthy (a route serves)
    EndpointToken       token: SecretStr, created_at, valid_until | None (the JWT's exp),
                        label, is_valid(now)
    ManagerInfo         manager_version, api_version, has_route_health
    token_label(token, valid_until)       "…a1b2 · expires 2026-12-01" (never the token)

    ManagerError (a playground.errors.PlaygroundError; ``.message`` is for people)
    ├── ManagerUnreachable     connection refused, DNS, timeout
    ├── BadKeypair             401 or no secret key
    ├── ClockSkewRejected      the manager's 15-minute Date window
    ├── PermissionDenied       403 (e.g. generating a token for someone else's endpoint)
    └── BadResponse            everything else

Search is server-side: ``endpoint_list`` with the filter ``((lifecycle_stage !=
"destroying") & (lifecycle_stage != "destroyed")) & (name ilike "%text%")``, the text
escaped for the filter language and for ILIKE (``query.py``), ordered by
``name,created_at``, ``page_size`` at a time.

Modules: ``settings`` (config), ``signing`` (HMAC), ``versions`` (``GET /`` and what it
allows), ``query`` (what is sent), ``parse`` and ``answers`` (what comes back),
``health`` (routes -> health), ``errors``, ``manager`` (the client).
A public endpoint (``open_to_public``) needs no token; the model list then comes from
``{base_url}/models`` like any other endpoint.

Sources followed (lablup/backend.ai on GitHub):
``docs/manager/common-api/auth.rst``; ``src/ai/backend/client/auth.py``,
``client/request.py``, ``client/config.py`` (API version), ``client/func/admin.py``
(``/admin/gql``); ``src/ai/backend/manager/api/auth.py`` (signature and date checks),
``manager/errors/auth.py`` and ``common/exception.py`` (the error JSON),
``manager/server.py`` (``VALID_VERSIONS``, ``hello``), ``manager/api/admin.py`` (GraphQL
answers), ``manager/api/service.py`` (``/services/{id}/token``),
``manager/models/gql_models/endpoint.py`` and ``models/routing.py`` (``endpoint_list``,
``endpoint``, ``endpoint_token_list``, statuses, filter fields),
``manager/models/minilang/queryfilter.py`` (the filter grammar); and
lablup/backend.ai-webui ``react/src/components/EndpointSelect.tsx`` (the same filter).
"""

from playground.endpoints.backendai.answers import (
    EndpointPage,
    EndpointToken,
    ModelService,
    token_label,
)
from playground.endpoints.backendai.config import BackendAIConfig, resolve_secret_key
from playground.endpoints.backendai.health import Health, Route
from playground.endpoints.backendai.manager import ManagerClient
from playground.endpoints.backendai.versions import ManagerInfo
from playground.errors import (
    BadKeypair,
    BadResponse,
    ClockSkewRejected,
    ManagerError,
    ManagerUnreachable,
    PermissionDenied,
)

__all__ = [
    "BackendAIConfig",
    "BadKeypair",
    "BadResponse",
    "ClockSkewRejected",
    "EndpointPage",
    "EndpointToken",
    "Health",
    "ManagerClient",
    "ManagerError",
    "ManagerInfo",
    "ManagerUnreachable",
    "ModelService",
    "PermissionDenied",
    "Route",
    "resolve_secret_key",
    "token_label",
]
