"""The manager's request checks: API version, Date window and the HMAC signature.

As ``api_middleware`` (``manager/server.py`` at 24.09.14 and 25.13.4,
``manager/api/rest/app.py`` at 26.4.10) and ``auth_middleware``/``sign_request`` in
``manager/api/auth.py`` do them, written here from that code (not from the client's),
answering in the manager's error JSON (``common/exception.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from tests.fake_manager.generations import Generation

DATE_WINDOW = timedelta(minutes=15)
PROBS = "https://api.backend.ai/probs/"
_TITLES = {
    "auth-failed": "Credential/signature mismatch.",
    "invalid-auth-params": "Missing or invalid authorization parameters.",
    "generic-bad-request": "Invalid or Missing API Parameters.",
    "generic-forbidden": "Forbidden operation.",
    "object-not-found": "No such object.",
    "internal-server-error": "Internal server error.",
}


def problem(status: int, slug: str, msg: str | None, *, title: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": PROBS + slug, "title": title or _TITLES.get(slug, slug)}
    if msg is not None:
        body["msg"] = msg
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def version_problem(request: Request, generation: Generation) -> JSONResponse | None:
    """api_middleware: a header version must be one of VALID_VERSIONS (none is fine)."""
    version = request.headers.get("x-backendai-version")
    if version is not None and version not in generation.valid_versions:
        return problem(400, "generic-bad-request", "Unsupported API version.")
    return None


def check_signature(
    request: Request, keypairs: dict[str, str]
) -> tuple[str | None, JSONResponse | None]:
    """(access key, None) when the request is signed right, else (None, the answer)."""
    raw_date = request.headers.get("date") or request.headers.get("x-backendai-date")
    date = _parse_date(raw_date)
    now = datetime.now(UTC)
    if date is None or not (now - DATE_WINDOW < date < now + DATE_WINDOW):
        return None, problem(400, "invalid-auth-params", "Date/time sync error")
    header = request.headers.get("authorization", "")
    match = re.match(
        r"^BackendAI\s+signMethod=HMAC-(\w+),\s*credential=([^:\s]+):([0-9a-fA-F]+)$", header
    )
    if not match:
        return None, problem(401, "auth-failed", "Unauthorized access")
    hash_type, access_key, signature = match.group(1).lower(), match.group(2), match.group(3)
    secret = keypairs.get(access_key)
    if secret is None:
        return None, problem(401, "auth-failed", "Access key not found in HMAC")
    if request.headers.get("x-backendai-version") is None:
        return None, problem(400, "invalid-auth-params", "API version missing in request headers")
    if hash_type != "sha256":
        return None, problem(400, "invalid-auth-params", "Unsupported signing method")
    expected = _signature(request, secret, raw_date or "", date)
    if not hmac.compare_digest(expected, signature):
        return None, problem(401, "auth-failed", "HMAC signature mismatch")
    return access_key, None


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


def _signature(request: Request, secret_key: str, raw_date: str, date: datetime) -> str:
    """sign_request(): raw path, Host, raw Date, the hash of an empty body."""
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
