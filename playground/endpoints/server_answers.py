"""What particular servers answer, recognised, so the card says what it means.

Seen against real servers (issue 13):

- a history longer than the model's context: OpenAI, vLLM and llama.cpp (without
  streaming) answer 400 ``context_length_exceeded`` or say "maximum context
  length"; LiteLLM passes that on (``ContextWindowExceededError``). llama.cpp's
  server *streaming* answers 200 and sends nothing: see ``answer_shapes.ended_early``.
- the LiteLLM proxy without a database: any key other than its master key gets
  400 ``{"error": {"message": "No connected db.", "type": "no_db_connection"}}``,
  and a request with no key at all gets a plain-text 500 "Internal Server Error";
  a model it does not serve gets 400 "Invalid model name passed in model=...".
"""

from __future__ import annotations

import openai

from playground.errors import ContextTooLong, EndpointError, NotFound, Unauthorized

TOO_LONG_ADVICE = (
    "The conversation may be too long for the model's context window: delete the chat "
    "history, or drop its oldest turns, and send again."
)
_TOO_LONG_WORDS = ("context length", "context window", "context_length", "maximum context")


def _error_body(exc: openai.APIStatusError) -> tuple[str, str, str]:
    """The server's error (code, type, message), each "" when not sent."""
    body = exc.body
    inner = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(inner, dict):
        return (
            str(inner.get("code") or ""),
            str(inner.get("type") or ""),
            str(inner.get("message") or inner.get("detail") or ""),
        )
    return "", "", str(inner or "")


def recognise(
    exc: openai.APIStatusError, what: str, detail: str, *, token_sent: bool | None
) -> EndpointError | None:
    """The error for an answer a known server gives, or None to map it by its status.

    ``detail`` is the redacted excerpt of the server's message (" Server said: ...").
    """
    status = exc.status_code
    code, kind, message = _error_body(exc)
    error: EndpointError | None = None
    if status in (400, 413, 422) and (
        code == "context_length_exceeded"
        or "contextwindowexceeded" in kind.replace("_", "").lower()
        or any(word in message.lower() for word in _TOO_LONG_WORDS)
    ):
        error = ContextTooLong(
            f"{what} rejected the request with {status}. {TOO_LONG_ADVICE}{detail}"
        )
    elif status == 400 and kind == "no_db_connection":
        error = Unauthorized(
            f"{what} refused the token with 400: it looks like a LiteLLM proxy, which accepts "
            "only its master key when it has no database to look other keys up in "
            f"(it said “No connected db.”). Check the Token.{detail}"
        )
    elif status == 400 and "invalid model name" in message.lower():
        error = NotFound(
            f"{what} does not serve this model (it answered 400). Choose one from its "
            f"model list, or check the Model ID.{detail}"
        )
    elif status == 500 and token_sent is False and message.strip() == "Internal Server Error":
        error = Unauthorized(
            f"{what} answered 500 to a request without a token. A LiteLLM proxy answers "
            "like this when no key is sent: enter its key in Token (or the endpoint's "
            "token in the config). Otherwise the server failed: check its logs."
        )
    if error is not None:
        error.status = status
    return error
