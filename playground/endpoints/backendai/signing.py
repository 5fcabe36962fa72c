"""Signing Backend.AI manager API requests with a keypair (HMAC-SHA256).

What the manager checks, and so what this module produces:

1. ``Date`` (and ``X-BackendAI-Date``, the same value): the request time. The manager
   rejects it when it is not within 15 minutes of its own clock ("Date/time sync error").
   We send ISO 8601 in UTC to the second, as the official SDK does.
2. The signing key: ``k1 = HMAC(secret_key, date as YYYYMMDD)``, then
   ``k2 = HMAC(k1, host)`` where ``host`` is the request's ``Host`` header.
3. The string to sign, seven lines joined by ``"\\n"``: the method in upper case, the path
   with its query string, the ``Date`` value exactly as sent, ``host:<host>``,
   ``content-type:<content type>``, ``x-backendai-version:<api version>``, and the hex
   SHA-256 of the body. Since API version ``v4.20181215`` the manager hashes an empty
   body whatever the request carries, so does this module (the body is only hashed for
   older versions).
4. ``Authorization: BackendAI signMethod=HMAC-SHA256, credential=<access key>:<signature>``
   where the signature is the hex ``HMAC(k2, string to sign)``.

Sources followed (lablup/backend.ai): ``docs/manager/common-api/auth.rst`` (headers,
signing key, string to sign, the 15-minute window); ``src/ai/backend/client/auth.py``
(``generate_signature``: ``date.isoformat()``, ``host`` = the endpoint's authority, empty
body hash) and ``src/ai/backend/client/request.py`` (``Date`` header, content type); and
``src/ai/backend/manager/api/auth.py`` (``check_date`` and ``sign_request``: the raw
``Date`` string, ``request.host``, ``request.raw_path``, the body rule above). Where the
doc and the code differ (the doc says the body is hashed and dates are ``YYYYmmddTHHMMSSZ``)
this module follows the manager's code.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

SIGN_METHOD = "HMAC-SHA256"
CONTENT_TYPE = "application/json"
# API versions before this one hashed the request body; later ones hash b"".
_BODY_HASH_UNTIL = "v4.20181215"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: now, in UTC."""
    return datetime.now(UTC)


def format_date(date: datetime) -> str:
    """The ``Date`` header value: ISO 8601 in UTC to the second (naive means UTC)."""
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return date.astimezone(UTC).replace(microsecond=0).isoformat()


def signing_key(secret_key: str, date: datetime, host: str) -> bytes:
    """``HMAC(HMAC(secret_key, YYYYMMDD), host)`` with SHA-256."""
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    day = date.astimezone(UTC).strftime("%Y%m%d")
    k1 = hmac.new(secret_key.encode("utf-8"), day.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(k1, host.encode("utf-8"), hashlib.sha256).digest()


def string_to_sign(
    method: str,
    path: str,
    *,
    date_header: str,
    host: str,
    content_type: str,
    api_version: str,
    body: bytes = b"",
) -> str:
    """The canonical request the signature covers (see the module docstring)."""
    hashed = body if api_version < _BODY_HASH_UNTIL else b""
    return "\n".join(
        [
            method.upper(),
            path,
            date_header,
            f"host:{host.strip()}",
            # The manager compares the media type only (aiohttp's request.content_type).
            f"content-type:{content_type.split(';')[0].strip().lower()}",
            f"x-backendai-version:{api_version.strip()}",
            hashlib.sha256(hashed).hexdigest(),
        ]
    )


def sign_request(
    method: str,
    url_or_path: str,
    body: bytes = b"",
    *,
    access_key: str,
    secret_key: str,
    api_version: str,
    date: datetime,
    content_type: str = CONTENT_TYPE,
    host: str | None = None,
) -> dict[str, str]:
    """The headers that sign one request.

    ``url_or_path`` is a full URL (its host and port become ``host``) or a path with its
    query string (then pass ``host``, the exact ``Host`` header the request will carry).
    Returns ``Date``, ``X-BackendAI-Date``, ``X-BackendAI-Version``, ``Content-Type`` and
    ``Authorization``.
    """
    parts = urlsplit(url_or_path)
    if parts.scheme:
        host = host or parts.netloc
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
    else:
        path = url_or_path
    if not host:
        raise ValueError("sign_request needs the Host: pass a full URL or host=...")
    date_header = format_date(date)
    to_sign = string_to_sign(
        method,
        path,
        date_header=date_header,
        host=host,
        content_type=content_type,
        api_version=api_version,
        body=body,
    )
    key = signing_key(secret_key, date, host)
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return {
        "Date": date_header,
        "X-BackendAI-Date": date_header,
        "X-BackendAI-Version": api_version,
        "Content-Type": content_type,
        "Authorization": (
            f"BackendAI signMethod={SIGN_METHOD}, credential={access_key}:{signature}"
        ),
    }


class KeypairAuth(httpx.Auth):
    """Signs each httpx request just before it is sent, from its final Host and path."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        api_version: str,
        clock: Clock,
    ) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._api_version = api_version
        self._clock = clock

    def __repr__(self) -> str:  # never show the secret key
        return f"KeypairAuth(access_key={self._access_key!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        now = self._clock()
        request.extensions["backendai_signed_at"] = now
        headers = sign_request(
            request.method,
            request.url.raw_path.decode("ascii"),
            request.content,
            access_key=self._access_key,
            secret_key=self._secret_key,
            api_version=self._api_version,
            date=now,
            content_type=request.headers.get("content-type", CONTENT_TYPE),
            host=request.headers["host"],
        )
        request.headers.update(headers)
        yield request
