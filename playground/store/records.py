"""What the store hands out: workspace ids, loaded workspaces, save results, History rows."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal

from playground.workspace.types import Workspace

_ID_RE = re.compile(r"[A-Za-z0-9_-]{22,64}")  # token_urlsafe(16) is 22 characters


class Owners(Enum):
    ANY = "any"


ANY_OWNER: Final = Owners.ANY  # list/rename/delete: whoever owns the workspace
OwnerFilter = str | None | Literal[Owners.ANY]


def new_workspace_id() -> str:
    """A random workspace id: 128 bits, URL-safe (22 characters). It is a secret link."""
    return secrets.token_urlsafe(16)


def is_workspace_id(value: object) -> bool:
    """Whether ``value`` looks like a workspace id (checked before any query)."""
    return isinstance(value, str) and _ID_RE.fullmatch(value) is not None


@dataclass(frozen=True)
class StoredWorkspace:
    """A workspace as loaded; ``revision`` is what the next ``save`` expects."""

    id: str
    workspace: Workspace
    revision: int
    title: str
    owner: str | None
    created_at: dt.datetime  # UTC
    updated_at: dt.datetime  # UTC


@dataclass(frozen=True)
class SaveResult:
    """What ``save`` did.

    ``workspace`` is set when another writer had saved first: it is the merge of
    both, now stored at ``revision``, for the caller to adopt (``adopt_merged``).
    """

    revision: int
    size: int
    workspace: Workspace | None = None

    @property
    def merged(self) -> bool:
        return self.workspace is not None


@dataclass(frozen=True)
class WorkspaceSummary:
    """One row of the History page (the workspace itself is not loaded)."""

    id: str
    title: str  # "" until the first prompt
    owner: str | None
    created_at: dt.datetime  # UTC
    updated_at: dt.datetime  # UTC: when it last changed
    models: tuple[str, ...]
    messages: int
    size: int  # bytes


def now_naive_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
