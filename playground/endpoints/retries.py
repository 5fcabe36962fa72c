"""When to ask a server again before the first token, and how long to wait.

Chat streams are opened with the SDK's own retries off, so that a 429 or 503
reaches the endpoint's ``concurrency.AdaptiveGate`` (the SDK would otherwise
retry it twice unseen, and the gate would never learn that the server is
full). ``deltas.DeltaStream`` retries instead:

- 429 and 503 (the server is full): reported to the gate, which lowers the
  endpoint's concurrency and holds new requests for ``Retry-After``; the
  answer then waits its turn and asks again, up to ``MAX_PUSH_BACKS`` times.
- other transient failures (408, 409, other 5xx, a connection that failed or
  timed out) and 429/503 without a gate: up to ``MAX_RETRIES`` times, after the
  server's ``Retry-After`` or an exponential backoff with jitter, as the SDK does.

Nothing is retried once text has arrived.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping

MAX_RETRIES = 2  # transient failures, as the SDK's default
MAX_PUSH_BACKS = 6  # 429/503 answers per answer, each waited out under a lower cap
PUSH_BACK_STATUSES = frozenset({429, 503})
RETRY_STATUSES = frozenset({408, 409, 429}) | frozenset(range(500, 600))
MAX_RETRY_AFTER = 60.0
_INITIAL = 0.5
_MAX_BACKOFF = 8.0


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asks us to wait (``Retry-After-Ms``, ``Retry-After`` seconds or
    date), or None when it does not say (or says something unusable)."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            delay = float(value) / divisor
        except ValueError:
            continue
        return delay if math.isfinite(delay) and delay >= 0 else None
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, float(email.utils.mktime_tz(parsed) - time.time()))
    except (TypeError, ValueError, OverflowError):
        return None


def backoff(attempt: int, server_says: float | None) -> float:
    """How long to wait before retry number ``attempt`` (0-based)."""
    if server_says is not None and 0 < server_says <= MAX_RETRY_AFTER:
        return server_says
    return min(_INITIAL * 2.0**attempt, _MAX_BACKOFF) * (1 - 0.25 * random.random())
