"""The GraphQL the client sends, and building filters in the manager's filter language.

The manager parses ``filter`` with a small grammar (``models/minilang/queryfilter.py`` in
lablup/backend.ai): ``field op value`` joined by ``&``/``|``, values are double-quoted
strings (lark's ESCAPED_STRING: a ``"`` inside is written ``\\"``, and the manager turns
``\\"`` back into ``"`` and leaves every other backslash as it is). ``ilike`` then becomes
SQL ``ILIKE``, where ``%`` and ``_`` are wildcards and ``\\`` escapes them (PostgreSQL's
default escape character). So a person's search text is escaped twice: for LIKE, then for
the string literal.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from playground.config.limits import MAX_SEARCH_CHARS

_ENDPOINT_FIELDS = """
      endpoint_id
      name
      url
      status
      lifecycle_stage
      open_to_public
      routings {{ {route_fields} }}
"""
#: ``Routing.health_status`` exists from 26.4.2; older managers refuse the whole query
#: when it is asked for (schema.graphql at 24.09.14 and 25.13.4 has no such field).
ROUTE_FIELDS = "status"
ROUTE_FIELDS_WITH_HEALTH = "status health_status"


def endpoint_fields(with_route_health: bool) -> str:
    return _ENDPOINT_FIELDS.format(
        route_fields=ROUTE_FIELDS_WITH_HEALTH if with_route_health else ROUTE_FIELDS
    )


def search_endpoints(with_route_health: bool) -> str:
    """``endpoint_list`` (docs/manager/graphql-reference/schema.graphql, every tag)."""
    return f"""
query PlaygroundEndpoints(
  $offset: Int!, $limit: Int!, $filter: String, $order: String, $project: UUID
) {{
  endpoint_list(
    offset: $offset, limit: $limit, filter: $filter, order: $order, project: $project
  ) {{
    total_count
    items {{{endpoint_fields(with_route_health)}    }}
  }}
}}
"""


def get_endpoint(with_route_health: bool) -> str:
    return f"""
query PlaygroundEndpoint($endpoint_id: UUID!) {{
  endpoint(endpoint_id: $endpoint_id) {{{endpoint_fields(with_route_health)}  }}
}}
"""


LIST_TOKENS = """
query PlaygroundEndpointTokens($offset: Int!, $limit: Int!, $endpoint_id: UUID) {
  endpoint_token_list(offset: $offset, limit: $limit, endpoint_id: $endpoint_id) {
    total_count
    items { token created_at valid_until }
  }
}
"""

#: Endpoints that are not being destroyed. Not ``lifecycle_stage == "created"``: from
#: 25.13 new endpoints go PENDING -> READY and are never CREATED, and a 26.4.4 migration
#: rewrites CREATED rows to READY (``common/data/endpoint/types.py`` EndpointLifecycle at
#: 26.4.10); nor ``== "ready"``, which managers up to 25.12 refuse ("Invalid enum value").
#: "destroying" and "destroyed" are values of EndpointLifecycle at every tag
#: (``models/endpoint.py`` at 24.09.14, ``data/deployment/types.py`` at 25.13.4).
LIVE_ENDPOINTS = '(lifecycle_stage != "destroying") & (lifecycle_stage != "destroyed")'
#: Search results in a stable order, so paging neither skips nor repeats. Names are not
#: unique on current managers (migration c7d58e2a4f93 drops the unique index), so
#: ``created_at`` breaks ties (``minilang/ordering.py``: comma-separated columns).
ORDER = "name,created_at"


def like_escape(text: str) -> str:
    """Make ``text`` match itself literally in a LIKE/ILIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def quote(value: str) -> str:
    """A string literal of the filter language whose value is ``value``."""
    return '"' + value.replace('"', '\\"') + '"'


def clean_search_text(text: str) -> str:
    """Drop control characters (a literal cannot span lines) and surrounding spaces."""
    text = "".join(c for c in text if c.isprintable())
    return text.strip()[:MAX_SEARCH_CHARS]


def endpoint_filter(text: str = "") -> str:
    """``LIVE_ENDPOINTS & (name ilike "%text%")``, the text escaped."""
    parts = [LIVE_ENDPOINTS]
    text = clean_search_text(text)
    if text:
        parts.append(f"name ilike {quote('%' + like_escape(text) + '%')}")
    return " & ".join(f"({p})" for p in parts)


def endpoint_id(value: str) -> str:
    """A canonical endpoint ID, or ValueError (never sent to the manager unchecked)."""
    return str(uuid.UUID(str(value).strip()))


# What the manager's TimeDuration accepts: seconds, or a number with w/d/h/m/s, yr or mo
# (``common/validators.py``; ``TokenRequestModel`` in ``manager/api/service.py``).
_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?[wdhms]?|\d+(?:yr|mo))$")


def token_request(duration: str | timedelta | None, valid_until: datetime | None) -> dict[str, Any]:
    """The body of ``POST /services/{id}/token``; ValueError for a lifetime it refuses."""
    if (duration is None) == (valid_until is None):
        raise ValueError("pass exactly one of duration and valid_until")
    if isinstance(duration, timedelta):
        seconds = int(duration.total_seconds())
        if seconds <= 0:
            raise ValueError("duration must be positive")
        return {"duration": seconds}
    if duration is not None:
        duration = duration.strip()
        if not _DURATION.match(duration) or float(re.sub(r"[a-z]+$", "", duration)) <= 0:
            raise ValueError("duration must look like 30m, 12h, 1d, 2w or a number of seconds")
        return {"duration": duration}
    assert valid_until is not None
    if valid_until.tzinfo is None:
        raise ValueError("valid_until must be timezone-aware")
    return {"valid_until": int(valid_until.timestamp())}
