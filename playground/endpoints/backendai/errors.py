"""The one place Backend.AI manager failures are mapped to the project's ``ManagerError``s.

``manager_errors()`` maps httpx's exceptions; ``error_for_response()`` maps an HTTP
answer. Messages are built from status codes and our own words plus a short
excerpt of the manager's ``title``/``msg`` with every known secret replaced, so they
never contain the secret key or a token. The classes are in ``playground.errors``.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator, Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from playground.errors import (
    BadKeypair,
    BadResponse,
    ClockSkewRejected,
    ManagerError,
    ManagerUnreachable,
    PermissionDenied,
    caused_by,
    excerpt,
)

WHAT = "The Backend.AI manager"
_WHAT = "the Backend.AI manager"


def _problem(response: httpx.Response) -> dict[str, Any]:
    """The manager's RFC 7807 body (``type``, ``title``, ``msg``), or {}."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def server_detail(response: httpx.Response, secrets: Sequence[str | None]) -> str:
    body = _problem(response)
    parts = [str(body[k]) for k in ("title", "msg") if isinstance(body.get(k), str | int)]
    detail = excerpt(" ".join(parts), secrets)
    return f" Manager said: {detail}" if detail else ""


def _skew_minutes(response: httpx.Response, signed_at: datetime | None) -> float | None:
    """How far our clock was from the manager's, from its ``Date`` response header."""
    raw = response.headers.get("date")
    if not raw or signed_at is None:
        return None
    try:
        server_now = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if server_now.tzinfo is None or signed_at.tzinfo is None:
        return None
    return (signed_at - server_now).total_seconds() / 60


def is_clock_skew(response: httpx.Response) -> bool:
    """The manager's "Date/time sync error" (400, invalid-auth-params)."""
    if response.status_code not in (400, 401):
        return False
    body = _problem(response)
    text = f"{body.get('msg', '')} {body.get('title', '')}".lower()
    return "date/time" in text or "sync error" in text


def error_for_response(
    response: httpx.Response,
    *,
    action: str,
    secrets: Sequence[str | None] = (),
    signed_at: datetime | None = None,
) -> ManagerError:
    """The project's error for a non-2xx answer to ``action`` (e.g. "list endpoints")."""
    status = response.status_code
    detail = server_detail(response, secrets)
    if is_clock_skew(response):
        minutes = _skew_minutes(response, signed_at)
        how_far = (
            f"this machine's clock is about {abs(minutes):.0f} minutes "
            f"{'ahead of' if minutes > 0 else 'behind'} the manager's"
            if minutes is not None and abs(minutes) >= 1
            else "this machine's clock and the manager's differ"
        )
        return ClockSkewRejected(
            f"{WHAT} rejected the request time (clock skew): {how_far}, and it allows at "
            "most 15 minutes. Set this machine's clock right (NTP) and retry."
        )
    if status == 401:
        return BadKeypair(
            f"{WHAT} rejected the keypair (401): the access key is unknown or the secret key "
            "does not match it. Check access_key and secret_key (or secret_key_env) in the "
            f"[backendai] config.{detail}"
        )
    if status == 403:
        return PermissionDenied(
            f"{WHAT} answered 403 Forbidden: this keypair is not allowed to {action}. Ask the "
            f"cluster's admin for access, or use the keypair of the endpoint's owner.{detail}"
        )
    if status == 404 and _problem(response).get("msg"):
        # The manager's own reason, e.g. 26.x's "Failed to generate token: 502 ..." when
        # its app proxy fails (services/model_serving/services/model_serving.py, 26.4.10).
        return BadResponse(f"{WHAT} could not {action} (404).{detail}")
    if status == 404:
        return BadResponse(
            f"{WHAT} answered 404 Not Found to {action}. Check that [backendai] manager_url "
            f"is the manager's API URL; the endpoint may also have been deleted.{detail}"
        )
    if status == 400 and "version" in detail.lower():
        return BadResponse(
            f"{WHAT} rejected the API version (400). Remove [backendai] api_version (the "
            f"app then asks the manager) or set one this manager supports.{detail}"
        )
    if status >= 500:
        return BadResponse(
            f"{WHAT} failed to {action} ({status}). Retry later or check the manager's "
            f"logs.{detail}"
        )
    return BadResponse(f"{WHAT} rejected the request to {action} ({status}).{detail}")


@contextlib.contextmanager
def manager_errors(endpoint: str, timeout: float) -> Iterator[None]:
    """Map httpx transport errors raised inside the block to ``ManagerUnreachable``."""
    try:
        yield
    except ManagerError:
        raise
    except httpx.TimeoutException:
        raise ManagerUnreachable(
            f"{WHAT} at {endpoint} did not answer within {timeout:g} s. Check that it is "
            "up, or raise [backendai] timeout."
        ) from None
    except httpx.TransportError as exc:
        if caused_by(exc, socket.gaierror):
            raise ManagerUnreachable(
                f"Could not connect to {_WHAT}: the host name in {endpoint} could not "
                "be found (DNS). Check [backendai] manager_url."
            ) from None
        raise ManagerUnreachable(
            f"Could not connect to {_WHAT} at {endpoint}. Check [backendai] manager_url "
            "(host and port) and that the manager is running."
        ) from None
