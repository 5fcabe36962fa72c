"""The one place the openai SDK's exceptions are mapped to the project's ``EndpointError``s.

The SDK wraps its HTTP library's errors in its own types; ``translate_errors()``
knows both. ``error_for_status`` builds the error for an HTTP status, with a short
excerpt of the server's own message (every secret in ``redact`` replaced).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator, Sequence

import openai

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
from playground.server_answers import recognise


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
    except (ValueError, KeyError, TypeError):
        # Malformed payloads (bad JSON in an SSE chunk, missing fields).
        raise StreamBroken(
            f"{what} sent malformed data that is not valid OpenAI-compatible JSON. "
            "Anything received before it is kept; check that the baseURL points at an "
            "OpenAI-compatible API."
        ) from None
