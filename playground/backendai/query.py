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

import uuid

from playground.limits import MAX_SEARCH_CHARS

ENDPOINT_FIELDS = """
      endpoint_id
      name
      url
      status
      lifecycle_stage
      open_to_public
      routings { status }
"""

SEARCH_ENDPOINTS = f"""
query PlaygroundEndpoints(
  $offset: Int!, $limit: Int!, $filter: String, $order: String, $project: UUID
) {{
  endpoint_list(
    offset: $offset, limit: $limit, filter: $filter, order: $order, project: $project
  ) {{
    total_count
    items {{{ENDPOINT_FIELDS}    }}
  }}
}}
"""

GET_ENDPOINT = f"""
query PlaygroundEndpoint($endpoint_id: UUID!) {{
  endpoint(endpoint_id: $endpoint_id) {{{ENDPOINT_FIELDS}  }}
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

#: Endpoints that exist and are not being destroyed (as the web UI's selector filters).
LIVE_ENDPOINTS = 'lifecycle_stage == "created"'
#: Search results in a stable order, so paging neither skips nor repeats.
ORDER = "name"


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
    """``(lifecycle_stage == "created") & (name ilike "%text%")``, the text escaped."""
    parts = [LIVE_ENDPOINTS]
    text = clean_search_text(text)
    if text:
        parts.append(f"name ilike {quote('%' + like_escape(text) + '%')}")
    return " & ".join(f"({p})" for p in parts)


def endpoint_id(value: str) -> str:
    """A canonical endpoint ID, or ValueError (never sent to the manager unchecked)."""
    return str(uuid.UUID(str(value).strip()))
