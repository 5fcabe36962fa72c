"""How each manager generation the stand-in plays answers, from lablup/backend.ai's code.

Three generations, each named by the release tag its behaviour was read from:

==========  ===================================================================
24.09.14    ``models/endpoint.py`` (Endpoint, EndpointToken, EndpointLifecycle),
            ``models/routing.py`` (RouteStatus), ``server.py`` (VALID_VERSIONS)
25.13.4     ``models/gql_models/endpoint.py``, ``data/deployment/types.py``
            (EndpointLifecycle, RouteStatus), ``common/data/endpoint/types.py``
26.4.10     ``api/gql_legacy/endpoint.py`` and ``routing.py``,
            ``data/deployment/types.py`` (RouteStatus, RouteHealthStatus),
            ``common/data/endpoint/types.py`` (EndpointLifecycle),
            ``api/rest/app.py`` (VALID_VERSIONS, hello)
==========  ===================================================================

(all under ``src/ai/backend/manager/`` except ``common/``). ``GEN_2403`` exists only
for the API-version check: ``server.py`` at 24.03.10.
"""

from __future__ import annotations

from dataclasses import dataclass

_V_2309 = ("v6.20220615", "v6.20230315", "v7.20230615")  # and older ones, not needed here


@dataclass(frozen=True)
class Generation:
    tag: str
    #: ``LATEST_API_VERSION`` and ``VALID_VERSIONS`` (server.py / api/rest/app.py).
    latest_api_version: str
    valid_versions: frozenset[str]
    #: EndpointLifecycle values, as stored (lowercase).
    lifecycle_values: tuple[str, ...]
    #: Where a new endpoint settles: CREATED up to 24.x, READY from 25.13 (PENDING first).
    live_stage: str
    #: 24.09 filters lifecycle_stage through ``EnumFieldItem`` (a value or a NAME);
    #: 25.13 and 26.4 call ``EndpointLifecycle(value)`` (lowercase values only).
    filter_enum_by_name: bool
    #: Fields ``endpoint_list(filter=...)`` knows (``_queryfilter_fieldspec``).
    filter_fields: frozenset[str]
    #: Fields ``order=`` knows (``_queryorder_colmap``).
    order_fields: frozenset[str]
    #: 26.4: route ``status`` is a lifecycle and ``health_status`` the health.
    route_health: bool
    #: ``resolve_valid_until``: ``datetime.fromtimestamp(exp)`` (host-local, naive) up to
    #: 25.13; ``fromtimestamp(exp, tz=tzutc())`` at 26.4.
    valid_until_local: bool
    #: What token generation answers when the app proxy fails: 24.09 reads
    #: ``token_json["token"]`` from the error and fails with 500; from 25.13
    #: ``EndpointNotFound("Failed to generate token: ...")``, a 404.
    proxy_failure_status: int
    #: ``EndpointLifecycle._missing_`` (26.4): v2 deployment-status names on the wire.
    lifecycle_aliases: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return ".".join(self.tag.split(".")[:2])

    def route(self, word: str) -> tuple[str, str | None]:
        """A test's route word (HEALTHY, UNHEALTHY, PROVISIONING, STARTING, DEGRADED,
        FAILED_TO_START, TERMINATING, TERMINATED) as this generation's (status, health).
        """
        word = word.upper()
        if self.route_health:
            health = {"HEALTHY": "HEALTHY", "UNHEALTHY": "UNHEALTHY", "DEGRADED": "DEGRADED"}
            if word in health:
                return "RUNNING", health[word]
            if word == "STARTING":
                return "RUNNING", "NOT_CHECKED"
            return word, "NOT_CHECKED"
        if word in ("DEGRADED", "STARTING"):
            raise ValueError(f"a {self.tag} manager has no {word} routes")
        if word == "TERMINATED" and self.tag.startswith("24."):
            raise ValueError("a 24.09 manager has no TERMINATED routes")
        return word, None


_FILTER_2409 = frozenset(
    {"name", "model", "domain", "url", "lifecycle_stage", "created_user_email"}
)
_ORDER_2409 = _FILTER_2409 | {"created_at"}
_FILTER_2513 = frozenset(
    {
        "name", "endpoint_id", "project", "resource_group", "created_at", "retries",
        "replicas", "destroyed_at", "model", "domain", "url", "lifecycle_stage",
        "open_to_public", "created_user_id", "created_user_email",
    }
)  # fmt: skip
_V9 = frozenset({*_V_2309, "v8.20240315", "v8.20240915", "v9.20250722"})

GEN_2409 = Generation(
    tag="24.09.14",
    latest_api_version="v8.20240915",
    valid_versions=frozenset({*_V_2309, "v8.20240315", "v8.20240915"}),
    lifecycle_values=("created", "destroying", "destroyed"),
    live_stage="created",
    filter_enum_by_name=True,
    filter_fields=_FILTER_2409,
    order_fields=_ORDER_2409,
    route_health=False,
    valid_until_local=True,
    proxy_failure_status=500,
)
GEN_2513 = Generation(
    tag="25.13.4",
    latest_api_version="v9.20250722",
    valid_versions=_V9,
    lifecycle_values=("pending", "created", "scaling", "ready", "destroying", "destroyed"),
    live_stage="ready",
    filter_enum_by_name=False,
    filter_fields=_FILTER_2513,
    order_fields=_FILTER_2513,
    route_health=False,
    valid_until_local=True,
    proxy_failure_status=404,
)
GEN_2604 = Generation(
    tag="26.4.10",
    latest_api_version="v9.20250722",
    valid_versions=_V9,
    lifecycle_values=(
        "pending",
        "created",
        "scaling",
        "ready",
        "deploying",
        "destroying",
        "destroyed",
    ),
    live_stage="ready",  # and the 26.4.4 migration rewrites every CREATED row to READY
    filter_enum_by_name=False,
    filter_fields=_FILTER_2513,
    order_fields=_FILTER_2513,
    route_health=True,
    valid_until_local=False,
    proxy_failure_status=404,
    lifecycle_aliases=(("stopping", "destroying"), ("stopped", "destroyed")),
)
GEN_2403 = Generation(
    **{
        **GEN_2409.__dict__,
        "tag": "24.03.10",
        "latest_api_version": "v8.20240315",
        "valid_versions": frozenset({*_V_2309, "v8.20240315"}),
    }
)

GENERATIONS = (GEN_2409, GEN_2513, GEN_2604)
