"""What a manager says about itself (``GET /``), and what the client may send it.

``GET /`` answers ``{"version": LATEST_API_VERSION, "manager": __version__}`` without
authentication (``hello`` in ``manager/server.py`` at 24.09.14 and 25.13.4,
``manager/api/rest/app.py`` at 26.4.10). Every request's ``X-BackendAI-Version`` must be
in the manager's ``VALID_VERSIONS`` or it answers 400 "Unsupported API version."
(``api_middleware``, same files): 23.09 managers accept up to ``v7.20230615``, 24.03 up
to ``v8.20240315``, 24.09 up to ``v8.20240915``, 25.x and 26.x up to ``v9.20250722``.
So the client sends the newest version it knows that is not newer than the manager's.
"""

from __future__ import annotations

import re
from typing import Any

from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict

#: API versions this client was written against (each manager's LATEST_API_VERSION).
KNOWN_API_VERSIONS = ("v7.20230615", "v8.20240315", "v8.20240915", "v9.20250722")
#: Sent when the manager does not say its version (every manager from 24.09 on accepts it).
FALLBACK_API_VERSION = "v8.20240915"
#: ``Routing.health_status`` is served from 26.4.2 (``api/gql_legacy/routing.py``).
ROUTE_HEALTH_SINCE = Version("26.4.2")
#: The oldest manager whose ``endpoint_list`` takes the filter this client sends.
OLDEST_SUPPORTED = "24.03.10"

_API_VERSION = re.compile(r"^v(\d+)\.(\d{8})$")


def api_version_key(value: str) -> tuple[int, str] | None:
    """``v8.20240915`` -> (8, "20240915"), comparable; None when it is not one."""
    match = _API_VERSION.match(value)
    return (int(match.group(1)), match.group(2)) if match else None


def choose_api_version(latest: str | None) -> str:
    """The newest known API version not newer than the manager's ``latest``."""
    theirs = api_version_key(latest or "")
    if theirs is None:
        return FALLBACK_API_VERSION
    fitting = [v for v in KNOWN_API_VERSIONS if (api_version_key(v) or (0, "")) <= theirs]
    return fitting[-1] if fitting else str(latest)


class ManagerInfo(BaseModel):
    """The manager's own version (None: unknown) and the API version to send it."""

    model_config = ConfigDict(frozen=True)

    manager_version: str | None = None
    api_version: str = FALLBACK_API_VERSION

    @property
    def has_route_health(self) -> bool:
        """Whether GraphQL ``Routing`` has ``health_status`` (older managers reject it)."""
        version = _version(self.manager_version)
        return version is not None and version >= ROUTE_HEALTH_SINCE


def _version(text: str | None) -> Version | None:
    try:
        return Version(text) if text else None
    except InvalidVersion:
        return None


def manager_info(hello: Any, configured_api_version: str | None = None) -> ManagerInfo:
    """``ManagerInfo`` from the answer to ``GET /`` (any shape; unknown parts ignored)."""
    body = hello if isinstance(hello, dict) else {}
    latest = body.get("version") if isinstance(body.get("version"), str) else None
    manager = body.get("manager") if isinstance(body.get("manager"), str) else None
    return ManagerInfo(
        manager_version=manager,
        api_version=configured_api_version or choose_api_version(latest),
    )
