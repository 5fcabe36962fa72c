"""The store's exceptions; each carries a ``message`` that is safe to show.

::

    PlaygroundError
    └── StoreError                  saving or loading a workspace failed
        ├── StoreUnavailable        the database cannot be reached or written (retryable)
        ├── SchemaTooNew            the database was migrated by a newer version of the app
        ├── WorkspaceTooLarge       over ``max_workspace_bytes``: not written
        ├── WorkspaceNotFound       saved to an id that is not (or no longer) stored
        └── WorkspaceUnreadable     the stored JSON does not fit today's Workspace model

Messages never contain the database URL (it may carry a password) or any
workspace text.
"""

from __future__ import annotations

from playground.errors import PlaygroundError


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
