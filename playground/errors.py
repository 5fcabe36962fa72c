"""The project's one exception tree, and the helpers every error mapping shares.

Exception tree::

    PlaygroundError                 base: every error has a ``message`` safe to show
    ├── InvalidBaseURL              a baseURL typed by a person is not usable
    ├── IncompleteCard              a card lacks what it needs to send (model, Model ID...)
    ├── ImportProblem               a file that cannot be imported
    ├── CustomNotAllowed            [security] allow_custom_endpoints = false, and a card asks
    ├── PromptSetProblem            a prompt set, template or check that cannot be run
    ├── OverContextWindow           the request would not fit the model's context window
    ├── AttachmentRefused           a file that cannot be sent with a prompt (type, size)
    ├── EndpointError               talking to an OpenAI-compatible endpoint failed
    │   ├── Unauthorized            401 / 403: token missing or rejected
    │   ├── NotFound                404: wrong version segment or unknown model
    │   ├── RateLimited             429
    │   ├── ServerError             5xx
    │   ├── BadRequest              other 4xx
    │   │   └── ContextTooLong      the conversation is longer than the model's context
    │   ├── Unreachable             connection refused, DNS failure
    │   ├── TimedOut                connect or read timeout
    │   ├── StreamBroken            the connection or the stream broke midway
    │   │   └── EmptyStream         200 and not one event (llama.cpp: context exceeded)
    │   └── HostRefused             [security]: the host, or an address it resolves to, refused
    ├── ManagerError                talking to the Backend.AI manager failed
    │   ├── ManagerUnreachable      connection refused, DNS failure, timed out
    │   ├── BadKeypair              401, or no secret key: access key unknown / secret wrong
    │   ├── ClockSkewRejected       the manager refused our Date (more than 15 minutes off)
    │   ├── PermissionDenied        403, or a GraphQL "forbidden" error
    │   └── BadResponse             anything else: 404, 5xx, not JSON, GraphQL errors, ...
    └── StoreError                  saving or loading a workspace failed
        ├── StoreUnavailable        the database cannot be reached or written (retryable)
        ├── SchemaTooNew            the database was migrated by a newer version of the app
        ├── WorkspaceTooLarge       over ``max_workspace_bytes``: not written
        ├── WorkspaceNotFound       saved to an id that is not (or no longer) stored
        └── WorkspaceUnreadable     the stored JSON does not fit today's Workspace model

Each foreign library's errors are mapped in one place:

- the openai SDK (and the HTTP library it wraps): ``endpoint_errors.translate_errors``;
- httpx, for the Backend.AI manager: ``backendai.errors.manager_errors`` (and
  ``error_for_response`` for its HTTP answers);
- SQLAlchemy and the file system, for the store: ``store.errors.translate_store_errors``.

Messages never hold a token, a secret key, a database URL or workspace text: they
are built from status codes and our own words, and the short excerpt of a
server's own message that is shown passes through ``excerpt``, which replaces
every known secret.
"""

from __future__ import annotations

from collections.abc import Sequence


class PlaygroundError(Exception):
    """Base class: ``message`` is safe to show to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidBaseURL(PlaygroundError):
    """A baseURL a person typed cannot be used."""


class IncompleteCard(PlaygroundError):
    """The card lacks something it needs before it can send (model, Model ID...)."""


class ImportProblem(PlaygroundError):
    """A file that cannot be imported; ``message`` says why."""


class CustomNotAllowed(PlaygroundError):
    """This deployment does not let cards talk to a typed baseURL (``allow_custom_endpoints``)."""


class PromptSetProblem(PlaygroundError):
    """A prompt set (file or text), template, check or judge prompt that cannot be run.

    ``row`` is the 1-based row of the set it is about (None: the set as a whole).
    """

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(f"Row {row}: {message}" if row is not None else message)
        self.row = row


# -- OpenAI-compatible endpoints ---------------------------------------------------


class OverContextWindow(PlaygroundError):
    """The next request is over the model's known context window; it was not sent."""


class AttachmentRefused(PlaygroundError):
    """A file that cannot be sent with a prompt: its type, its size, or the prompt's total."""


class EndpointError(PlaygroundError):
    """Talking to an OpenAI-compatible endpoint failed.

    ``status`` is the HTTP status the endpoint answered, when it answered one.
    """

    status: int | None = None


class Unauthorized(EndpointError):
    pass


class NotFound(EndpointError):
    pass


class RateLimited(EndpointError):
    pass


class ServerError(EndpointError):
    pass


class BadRequest(EndpointError):
    pass


class ContextTooLong(BadRequest):
    """The server said the messages do not fit the model's context window."""


class Unreachable(EndpointError):
    pass


class TimedOut(EndpointError):
    pass


class StreamBroken(EndpointError):
    pass


class HostRefused(EndpointError):
    """The ``[security]`` rules refuse the host: no connection was opened (``egress``)."""


class EmptyStream(StreamBroken):
    """The server answered 200 and then sent nothing at all (not even ``[DONE]``).

    llama.cpp's server does this when the history is longer than its context.
    """


# -- the Backend.AI manager ----------------------------------------------------------


class ManagerError(PlaygroundError):
    """Talking to the Backend.AI manager failed."""


class ManagerUnreachable(ManagerError):
    pass


class BadKeypair(ManagerError):
    pass


class ClockSkewRejected(ManagerError):
    pass


class PermissionDenied(ManagerError):
    pass


class BadResponse(ManagerError):
    pass


# -- the workspace store -------------------------------------------------------------


class StoreError(PlaygroundError):
    """Saving or loading a workspace failed."""

    retryable = False


class StoreUnavailable(StoreError):
    """The database cannot be reached, is locked for too long, or refused a write."""

    retryable = True


class SchemaTooNew(StoreError):
    """The database's schema is newer than this app knows; it is left untouched."""


class WorkspaceTooLarge(StoreError):
    """The workspace is over the configured size limit and was not written."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"This workspace is too large to save ({_size(size)}; the limit is {_size(limit)}). "
            "Changes from now on are not saved: delete the chat history of a card, "
            "or start a new workspace."
        )
        self.size = size
        self.limit = limit


class WorkspaceNotFound(StoreError):
    """The id is unknown: never stored, or deleted (perhaps from another tab)."""


class WorkspaceUnreadable(StoreError):
    """The stored workspace cannot be read by this version of the app."""


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1000:.1f} kB" if size >= 1000 else f"{size} bytes"


# -- helpers every mapping shares -------------------------------------------------------


def redact(text: str, secrets: Sequence[str | None]) -> str:
    """``text`` with every secret replaced by ``***`` (a server may echo a token)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def excerpt(text: str, secrets: Sequence[str | None], limit: int = 200) -> str:
    """A short, one-line, redacted excerpt of a server's own message."""
    text = " ".join(redact(text, secrets).split())
    return text[: limit - 3] + "..." if len(text) > limit else text


def caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or one of its causes (a short chain, never a cycle) is a ``kind``."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
