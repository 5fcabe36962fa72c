"""One answer through the Responses API (``POST /responses``) as a plain iterator of deltas.

``ResponseStream`` is ``deltas.DeltaStream``'s twin for an endpoint whose ``api`` is
"responses": the same ``AnswerStream`` base (retries, push-back, ``close()`` from
another thread, errors mapped by ``translate_errors``), the same ``Delta``s out, so
the card never knows which API answered. The chat-shaped request becomes the
Responses one in ``responses_request``; the events become deltas in
``responses_events``. A stream that ends without ``response.completed`` (or
``response.incomplete``) fails as a chat stream without a finish reason does
(``answer_shapes.ended_early``). A 404 to ``POST /responses`` says that the endpoint
may not serve this API at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import openai

from playground.chat.answer_shapes import Delta, ended_early, server_name
from playground.chat.answer_stream import AnswerStream
from playground.chat.responses.events import EventReader
from playground.chat.responses.request import responses_request
from playground.endpoints.errors import server_detail
from playground.errors import NotFound, StreamBroken

log = logging.getLogger(__name__)


def no_responses_api(what: str, detail: str = "") -> NotFound:
    """The error for a 404 to ``POST /responses``."""
    error = NotFound(
        f"{what} answered 404 Not Found to POST /v1/responses: this endpoint does not "
        "serve the Responses API (or the model ID does not exist). Choose the Chat "
        f"Completions API for it, or check the baseURL and the model ID.{detail}"
    )
    error.status = 404
    return error


class ResponseStream(AnswerStream):
    """Iterate once to stream the request's answer through ``responses.create``."""

    def _open(self) -> Any:
        request = self._request
        built = responses_request(request.model, request.messages, request.params)
        if built.dropped:  # names only, never values
            log.info("not sent to the Responses API: %s", ", ".join(built.dropped))
        try:
            return self._client.create_response_stream(**built.arguments)
        except openai.NotFoundError as exc:
            raise no_responses_api(self._what, server_detail(exc, self._client.secrets)) from None

    def _deltas(self) -> Iterator[Delta]:
        opened = self._opened()
        if opened is None:
            return
        stream, kind = opened
        reader = EventReader(self._what, self._client.secrets)
        events = 0
        for event in stream:
            events += 1
            for delta in reader.read(event):
                yield self._noted(delta)
        if reader.finished or self._closed:
            return
        sent = kind.split(";")[0]
        if not events and sent not in ("", "text/event-stream"):
            raise StreamBroken(
                f"{self._what} sent no answer: its response held no events ({sent}, not an "
                "event stream). Check that the baseURL points at an API that serves the "
                "Responses API, or choose the Chat Completions API."
            )
        raise ended_early(self._what, events, server_name(stream))
