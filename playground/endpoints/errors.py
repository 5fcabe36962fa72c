"""The one place the openai SDK's exceptions are mapped to the project's ``EndpointError``s.

The SDK wraps its HTTP library's (httpx2) errors in its own types; a body read
after the SDK handed the answer over raises httpx2's own. ``translate_errors()``
knows both. ``error_for_status`` builds the error for an HTTP status, with a short
excerpt of the server's own message (every secret in ``redact`` replaced). The
messages for answers of the wrong shape (a web page, text that is not JSON, an
error object sent with 200) are built here too, for ``discovery`` and ``deltas``.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator, Sequence

import httpx2
import openai

from playground.endpoints.server_answers import recognise
from playground.errors import (
    BadRequest,
    EndpointError,
    NotFound,
    PlaygroundError,
    RateLimited,
    ServerError,
    StreamBroken,
    TimedOut,
    Unauthorized,
    Unreachable,
    caused_by,
    excerpt,
)

log = logging.getLogger(__name__)


def server_detail(exc: openai.APIStatusError, redact: Sequence[str]) -> str:
    """A short, printable excerpt of the server's own error message, if it sent one."""
    body = exc.body
    detail = ""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            detail = str(inner.get("message") or inner.get("detail") or "")
        elif isinstance(inner, str):
            detail = inner
    detail = excerpt(detail, redact)
    return f" Server said: {detail}" if detail else ""


def printable(text: str) -> str:
    """``text`` with control and format characters replaced, on one line (for a message)."""
    return "".join(" " if ch.isspace() else ("?" if not ch.isprintable() else ch) for ch in text)


def looks_like_web_page(content_type: str, body: bytes) -> bool:
    """An HTML page (a proxy's sign-in page, a wrong path) where an API answer was expected."""
    return content_type.lower().startswith(("text/html", "application/xhtml")) or (
        body.lstrip()[:1] == b"<"
    )


def web_page_error(what: str) -> StreamBroken:
    return StreamBroken(
        f"{what} answered with a web page instead of an API response. Check the "
        "baseURL: it should point at the API itself, including a version segment "
        "such as /v1 (a sign-in page or proxy in front of the server shows up like this)."
    )


def not_json_message(what: str, body: bytes, content_type: str, redact: Sequence[str]) -> str:
    """Say that ``body`` is not JSON, with the start of what was sent instead."""
    if not body.strip():
        return f"{what} came back empty (status 200 without a body)."
    start = excerpt(printable(body[:300].decode("utf-8", errors="replace")), redact, 80)
    kind = content_type.split(";", 1)[0].strip() or "no content type"
    return (
        f"{what} came back as something that is not JSON ({kind}; it starts with: "
        f"{start!r}). Check that the "
        "baseURL points at an OpenAI-compatible API."
    )


def server_error_message(what: str, data: dict[str, object], redact: Sequence[str]) -> str:
    """An ``{"error": ...}`` object sent with status 200."""
    inner = data.get("error")
    detail = inner.get("message") if isinstance(inner, dict) else inner
    text = excerpt(printable(str(detail or "")), redact) if detail else ""
    return f"{what} answered with an error" + (f": {text}" if text else ".")


def _redirect(exc: openai.APIStatusError, what: str) -> EndpointError:
    location = exc.response.headers.get("location", "")
    host = printable(httpx2.URL(location).host if location else "")[:100] if location else ""
    where = f" to {host}" if host else ""
    return BadRequest(
        f"{what} answered {exc.status_code}, a redirect{where}. Redirects are not "
        "followed: put the address the server points to in the baseURL (or the config)."
    )


def error_for_status(status: int, *, what: str, detail: str = "") -> EndpointError:
    """Build the project's error for an HTTP status returned by ``what``."""
    error = _error_for_status(status, what=what, detail=detail)
    error.status = status
    return error


def _error_for_status(status: int, *, what: str, detail: str = "") -> EndpointError:
    if status in (401, 403):
        verb = "missing or was rejected" if status == 401 else "not allowed to do this"
        return Unauthorized(
            f"{what} answered {status}: the token is {verb}. Check the Token "
            f"(or the endpoint's token in the config).{detail}"
        )
    if status == 404:
        return NotFound(
            f"{what} answered 404 Not Found. Check that the baseURL ends with the "
            f"version segment (for example /v1) and that the model ID exists.{detail}"
        )
    if status == 429:
        return RateLimited(
            f"{what} answered 429 Too Many Requests: the rate limit was hit. "
            f"Wait a moment and retry.{detail}"
        )
    if status >= 500:
        return ServerError(
            f"{what} answered {status}: the server failed. Retry later or check "
            f"the server's logs.{detail}"
        )
    return BadRequest(f"{what} rejected the request with {status}.{detail}")


@contextlib.contextmanager
def translate_errors(
    what: str = "The endpoint",
    *,
    redact: Sequence[str | None] = (),
    token_sent: bool | None = None,
) -> Iterator[None]:
    """Map openai and httpx exceptions raised inside the block to ``EndpointError``s.

    ``token_sent``: whether the request carried a token (None: not known); some
    answers mean something else without one (see ``server_answers``).
    """
    try:
        yield
    except PlaygroundError:
        raise
    except openai.APIStatusError as exc:
        if 300 <= exc.status_code < 400:
            raise _redirect(exc, what) from None
        detail = server_detail(exc, [r for r in redact if r])
        known = recognise(exc, what, detail, token_sent=token_sent)
        if known is not None:
            raise known from None
        raise error_for_status(exc.status_code, what=what, detail=detail) from None
    except openai.APITimeoutError:
        raise TimedOut(
            f"{what} did not answer in time. Check that the server is up and not "
            "overloaded, or raise the timeouts in the config."
        ) from None
    except openai.APIConnectionError as exc:
        cause = exc.__cause__ or exc.__context__
        if caused_by(exc, httpx2.DecodingError):
            raise _undecodable(what) from None
        if caused_by(exc, socket.gaierror):
            raise Unreachable(
                f"Could not connect to {what.lower()}: its host name could not be found "
                "(DNS). Check the spelling of the host in the baseURL."
            ) from None
        if type(cause).__name__ in ("RemoteProtocolError", "ReadError"):
            raise StreamBroken(
                f"The connection to {what.lower()} broke before the answer was "
                "complete. The partial answer is kept; retry to get a full one."
            ) from None
        raise Unreachable(
            f"Could not connect to {what.lower()}. Check the baseURL (host and "
            "port) and that the server is running."
        ) from None
    except openai.APIResponseValidationError:
        raise StreamBroken(
            f"{what} sent a response that is not valid OpenAI-compatible JSON."
        ) from None
    except openai.APIError as exc:  # an error event inside a stream
        detail = excerpt(printable(exc.message or ""), [r for r in redact if r])
        raise ServerError(
            f"{what} reported an error during the answer"
            + (f" ({detail})" if detail else "")
            + ". Anything received before it is kept."
        ) from None
    # Reading a body the SDK handed over raises httpx2's own errors.
    except httpx2.DecodingError:
        raise _undecodable(what) from None
    except httpx2.TimeoutException:
        raise TimedOut(
            f"{what} stopped sending before it was done. Retry, or raise the timeouts "
            "in the config."
        ) from None
    except httpx2.HTTPError:
        raise StreamBroken(
            f"The connection to {what.lower()} broke before the answer was "
            "complete. The partial answer is kept; retry to get a full one."
        ) from None
    except (ValueError, KeyError, TypeError):
        # Malformed payloads (bad JSON in an SSE chunk, missing fields).
        raise StreamBroken(
            f"{what} sent malformed data that is not valid OpenAI-compatible JSON. "
            "Anything received before it is kept; check that the baseURL points at an "
            "OpenAI-compatible API."
        ) from None


def _undecodable(what: str) -> StreamBroken:
    return StreamBroken(
        f"{what} sent a body that could not be decoded: it says it is compressed "
        "(Content-Encoding) but is not, or is cut. A proxy in between may have changed it."
    )


def log_failure(what: str, exc: Exception) -> None:
    """One WARNING line per failed answer: the endpoint, the HTTP status and the kind
    (an ``EndpointError``'s, or a bug's exception type).

    Never the message (a server's excerpt may echo the prompt), a token or the prompt.
    """
    status = getattr(exc, "status", None)
    status = status if status is not None else "-"
    log.warning("answer failed: endpoint=%s status=%s kind=%s", what, status, type(exc).__name__)
