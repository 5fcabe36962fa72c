"""A server's event stream read from the SDK's raw response: each event's JSON as plain data.

The openai SDK still sends the request (auth, headers, timeouts, status errors);
``RawEvents`` opens it with ``with_streaming_response`` (openai-python v3.63.0
``src/openai/_response.py``: ``ResponseContextManager``, whose ``APIResponse.http_response``
is the unread httpx2 response) and reads the body itself, so no SDK model is built per
chunk: each event's data is parsed by orjson into dicts and lists, which
``answer_shapes`` and ``responses_events`` read into ``Delta``s.

What it keeps of the SDK's own ``Stream`` (openai-python v3.63.0 ``src/openai/_streaming.py``
``Stream.__stream__``, ``SSEDecoder``, ``_SSELineDecoder``; tag v3.3.1 splits lines with
``bytes.splitlines`` to the same effect), so every failure maps through
``endpoint_errors.translate_errors`` as before:

- lines end at CR, LF or CRLF only (not at U+2028 or U+0085, which a JSON string may hold
  raw: ``str.splitlines`` and so httpx2's ``iter_lines`` would split there);
- ``data:`` lines are joined with a newline; ``event:``, ``id:``, ``retry:``, unknown fields
  and comments (``: ping`` keepalives) are ignored; a blank line ends an event;
- ``data: [DONE]`` ends the stream; an event not ended by a blank line is dropped;
- an object with a truthy ``"error"`` raises ``openai.APIError`` with its message, as the
  SDK does (LiteLLM's proxy sends ``data: {"error": {"message", "type", "param", "code"}}``
  when a stream fails: litellm 1.106.12 ``proxy/proxy_server.py`` ``async_data_generator``);
- data that is not JSON raises ``ValueError`` (mapped to a clear "malformed" message);
- httpx2's timeouts and request errors are raised as ``APITimeoutError`` and
  ``APIConnectionError``, as the SDK raises them.

One deviation, the spec's (WHATWG HTML "event stream interpretation"): an event with
no ``data:`` line (``event: ping`` alone) is skipped, where the SDK parses its empty data
and fails. And one limit: a line or an event over ``MAX_COMPLETION_BYTES`` ends the stream.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterable, Iterator
from typing import Any

import anyio
import httpx2
import openai
import orjson

from playground.config.limits import MAX_COMPLETION_BYTES
from playground.errors import StreamBroken

# What the SDK counts as a request error while reading (openai-python v3.63.0
# src/openai/_httpx2.py ``request_exceptions``).
_REQUEST_ERRORS = (httpx2.RequestError, ssl.SSLError, anyio.EndOfStream)


def loads(data: bytes) -> Any:
    """One event's JSON. orjson first; what it refuses and Python's json accepts (NaN,
    lone surrogates, integers over 64 bits) still parses, as it did through the SDK."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(data)
    except RecursionError:  # nested too deeply for json (orjson stops at 1024 levels)
        raise ValueError("JSON nested too deeply") from None


def lines(chunks: Iterable[bytes], limit: int = MAX_COMPLETION_BYTES) -> Iterator[bytes]:
    """The lines of a byte stream, ended by CR, LF or CRLF (a CRLF may be split across
    chunks); a line longer than ``limit`` bytes raises ``StreamBroken``."""
    pending: list[bytes] = []  # the start of a line that has not ended yet
    size = 0
    skip_lf = False  # the last chunk ended with CR: a LF starting the next one is its pair
    for chunk in chunks:
        if skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        skip_lf = False
        if b"\r" in chunk:
            skip_lf = chunk.endswith(b"\r")
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if b"\n" not in chunk:
            pending.append(chunk)
            size += len(chunk)
            if size > limit:
                raise StreamBroken(f"The server sent a line longer than {limit // 1_000_000} MB.")
            continue
        if pending:
            pending.append(chunk)
            chunk = b"".join(pending)
            pending.clear()
        found = chunk.split(b"\n")
        last = found.pop()
        if last:
            pending.append(last)
        size = len(last)
        yield from found
    if pending:
        yield b"".join(pending)


def event_data(chunks: Iterable[bytes], limit: int = MAX_COMPLETION_BYTES) -> Iterator[bytes]:
    """The data of each event in an SSE byte stream, until ``data: [DONE]``; an event
    whose data lines hold more than ``limit`` bytes raises ``StreamBroken``."""
    data: list[bytes] = []
    size = 0
    for line in lines(chunks, limit):
        if not line:
            if data:
                payload = data[0] if len(data) == 1 else b"\n".join(data)
                data.clear()
                size = 0
                if payload.startswith(b"[DONE]"):
                    return
                yield payload
        elif line.startswith(b"data"):
            value = line[4:]
            if value[:1] == b":":
                value = value[2:] if value[1:2] == b" " else value[1:]
            elif value:  # another field whose name starts with "data"
                continue
            data.append(value)  # "data" alone is the field with an empty value
            size += len(value)
            if size > limit:
                raise StreamBroken(f"The server sent an event over {limit // 1_000_000} MB.")
        # comments (":"), event:, id:, retry: and other fields say nothing we use


def stream_error(value: Any, request: httpx2.Request) -> openai.APIError | None:
    """The SDK's error for an ``{"error": ...}`` object sent as an event, if ``value`` is one."""
    if not isinstance(value, dict) or not value.get("error"):
        return None
    error = value["error"]
    message = error.get("message") if isinstance(error, dict) else None
    if not message or not isinstance(message, str):
        message = "An error occurred during streaming"
    return openai.APIError(message=message, request=request, body=error)


class RawEvents:
    """An open event stream: ``response`` (its headers), ``close()`` from any thread, and
    one iteration over its events' JSON values (see the module docstring)."""

    def __init__(self, manager: Any) -> None:
        # ``manager``: a ``with_streaming_response`` call; entering it sends the request
        # and raises the SDK's status errors.
        self._manager = manager
        self.response: httpx2.Response = manager.__enter__().http_response

    def close(self) -> None:
        self._manager.__exit__(None, None, None)

    def __iter__(self) -> Iterator[Any]:
        response = self.response
        try:
            for data in event_data(response.iter_bytes()):
                value = loads(data)
                if (error := stream_error(value, response.request)) is not None:
                    raise error
                yield value
        except httpx2.TimeoutException as exc:
            raise openai.APITimeoutError(request=response.request) from exc
        except _REQUEST_ERRORS as exc:
            raise openai.APIConnectionError(request=response.request) from exc
        finally:
            response.close()
