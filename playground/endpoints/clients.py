"""``EndpointClient``: an ``openai.OpenAI`` client for one endpoint (base URL, optional token).

The one place that decides the ``Authorization`` header: with a token, every
request carries ``Bearer <token>``; without one, none carries an
``Authorization`` header at all (the SDK insists on an ``api_key``, so it gets
a placeholder that every request omits). No call site has to remember it. The
client also knows which secret to keep out of the messages it lets through.

Every connection goes through the ``egress`` policy (resolved once, every
address checked, connected to what was checked), and no redirect is followed.
Chat and Responses streams are read from the SDK's raw response (``raw_events``) and go
out with the SDK's own retries off:
``answer_stream.AnswerStream`` retries them itself, so that a 429 or 503
reaches the endpoint's concurrency gate (see ``playground.endpoints.retries``). Other
calls keep the SDK's retries.
"""

from __future__ import annotations

from typing import Any

import openai

from playground.chat.apis import Api as Api  # which API answers stream through (re-exported)
from playground.chat.raw_events import RawEvents
from playground.config.settings import Timeouts
from playground.endpoints.egress import EgressPolicy, PinnedTransport

_NO_TOKEN = "no-token"  # never put on the wire (see the module docstring)


class EndpointClient:
    """Thread-safe: one per (base_url, token), shared by every session that uses it."""

    def __init__(self, sdk: openai.OpenAI, token: str | None) -> None:
        self.sdk = sdk
        self._chat_sdk = sdk.with_options(max_retries=0)  # shares sdk's connection pool
        self._headers: dict[str, Any] = {} if token else {"Authorization": openai.Omit()}
        self.secrets: tuple[str, ...] = (token,) if token else ()  # redacted from messages

    def create_chat_stream(self, **request: Any) -> RawEvents:
        """``chat.completions.create(stream=True, ...)`` with the endpoint's headers, its
        events read raw (``raw_events``: no SDK model per chunk)."""
        completions = self._chat_sdk.chat.completions.with_streaming_response
        return RawEvents(completions.create(stream=True, extra_headers=self._headers, **request))

    def create_response_stream(self, **request: Any) -> RawEvents:
        """``responses.create(stream=True, ...)`` with the endpoint's headers, read raw as a
        chat stream is and, like one, without the SDK's retries (``AnswerStream`` retries)."""
        responses = self._chat_sdk.responses.with_streaming_response
        return RawEvents(responses.create(stream=True, extra_headers=self._headers, **request))

    def stream_models(self) -> Any:
        """``GET /models`` as a context manager over the raw answer (status already checked),
        so its bytes are read and checked by ``discovery`` rather than the SDK's types."""
        return self.sdk.models.with_streaming_response.list(extra_headers=self._headers)

    def close(self) -> None:
        self.sdk.close()


def make_client(
    base_url: str,
    token: str | None,
    timeouts: Timeouts,
    *,
    max_retries: int = 2,
    egress: EgressPolicy | None = None,
) -> EndpointClient:
    """A client for one (base_url, token) pair, connecting only where ``egress`` allows.

    ``egress`` defaults to the rules with an empty ``allowed_hosts`` (link-local and
    metadata addresses refused). Proxy variables and ``.netrc`` are not used: a proxy
    would resolve the host again, out of the policy's sight.
    """
    http_client = openai.DefaultHttpxClient(
        transport=PinnedTransport(egress or EgressPolicy()),
        follow_redirects=False,
        trust_env=False,
    )
    sdk = openai.OpenAI(
        base_url=base_url,
        api_key=token or _NO_TOKEN,
        max_retries=max_retries,
        timeout=openai.Timeout(timeouts.read, connect=timeouts.connect),
        http_client=http_client,
    )
    return EndpointClient(sdk, token)
