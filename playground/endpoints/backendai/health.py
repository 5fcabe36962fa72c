"""An endpoint's health, from its routes first and the manager's own status after.

Route statuses changed between manager generations (lablup/backend.ai):

- up to 25.x a route's ``status`` is its health: PROVISIONING, HEALTHY, UNHEALTHY,
  TERMINATING (and TERMINATED from 25.13), FAILED_TO_START
  (``manager/models/routing.py`` RouteStatus at 24.09.14;
  ``manager/data/deployment/types.py`` RouteStatus at 25.13.4);
- from 26.4 ``status`` is the route's lifecycle (PROVISIONING, RUNNING, TERMINATING,
  TERMINATED, FAILED_TO_START) and health moved to ``health_status`` (NOT_CHECKED,
  HEALTHY, UNHEALTHY, DEGRADED), served by GraphQL from 26.4.2
  (``manager/data/deployment/types.py`` RouteStatus, RouteHealthStatus and
  ``manager/api/gql_legacy/routing.py`` at 26.4.10).

The endpoint's own ``status`` (``resolve_status`` in ``models/endpoint.py`` at 24.09.14,
``models/gql_models/endpoint.py`` at 25.13.4, ``api/gql_legacy/endpoint.py`` at 26.4.10)
says READY (up to 25.x) or DEGRADED (26.4) for an endpoint with no routes at all, neither
of which can answer; so it is read only after the routes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Health = Literal["ready", "degraded", "unhealthy", "provisioning"]
RouteState = Literal["healthy", "degraded", "unhealthy", "failed", "starting"]

_LEAVING = frozenset({"TERMINATING", "TERMINATED"})
_HEALTH = {"HEALTHY": "healthy", "DEGRADED": "degraded", "UNHEALTHY": "unhealthy"}
_GONE = frozenset({"DESTROYING", "DESTROYED"})


class Route(BaseModel):
    """One replica of an endpoint as GraphQL ``Routing`` gives it (enum names)."""

    model_config = ConfigDict(frozen=True)

    status: str
    health_status: str | None = None  # 26.4.2 and later only


def route_state(route: Route) -> RouteState | None:
    """What one route means for serving; None for a route on its way out (not counted)."""
    status = route.status.upper()
    if status in _LEAVING:
        return None
    if status == "FAILED_TO_START":
        return "failed"
    if status == "PROVISIONING":
        return "starting"
    if route.health_status is not None or status == "RUNNING":  # 26.4 and later
        health = (route.health_status or "NOT_CHECKED").upper()
        return _HEALTH.get(health, "starting")  # type: ignore[return-value]
    return _HEALTH.get(status, "starting")  # type: ignore[return-value]


def derive_health(status: str | None, routes: tuple[Route, ...]) -> Health:
    """Health of an endpoint.

    - ready: every counted route is healthy;
    - degraded: some route serves (healthy or degraded), not all are healthy;
    - unhealthy: none serves and one failed or is unhealthy, or the manager says
      UNHEALTHY (too many retries) or is destroying the endpoint;
    - provisioning: none serves yet and none failed (starting, or no routes).

    Terminating and terminated routes are left out of the count.
    """
    states = [s for s in (route_state(r) for r in routes) if s is not None]
    healthy = states.count("healthy")
    if states and healthy == len(states):
        return "ready"
    if healthy or "degraded" in states:
        return "degraded"
    manager = (status or "").upper()
    if "failed" in states or "unhealthy" in states:
        return "unhealthy"
    if manager in _GONE or manager == "UNHEALTHY":
        return "unhealthy"
    return "provisioning"
