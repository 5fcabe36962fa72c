"""Sharing: freeze a view into a snapshot, open one read-only, go on from it, delete it.

Who sees what (decided here, drawn by ``playground.ui.sharing.snapshot``):

- Without sign-in, a snapshot is a secret link: anyone who has ``?snapshot=<id>``
  (128 random bits) sees it; only the browser session that shared it may delete it.
- With sign-in, a snapshot shared by a signed-in person is seen by every signed-in
  person of this deployment (the team: sign-in is who the app lets in), never by
  a visitor who is not signed in; only the person who shared it may delete it.
- Snapshots are never edited. An unknown, deleted or unreadable id says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.errors import StoreError
from playground.promptsets.summary import summarize
from playground.reports.sharing import (
    AnySnapshot,
    ReportSnapshot,
    SnapshotStore,
    StoredSnapshot,
    freeze_report,
    freeze_run,
    freeze_workspace,
    thaw,
)
from playground.session.evaluation.promptsets import RunView
from playground.session.services import Services
from playground.session.session import Session
from playground.session.workspaces.saving import new_workspace

UNKNOWN = (
    "This snapshot link is unknown: it was deleted, or the link is incomplete. "
    "Ask the person who shared it for a new link."
)
SIGN_IN = "This snapshot was shared within the team: sign in to see it."


@dataclass(frozen=True)
class Shared:
    """What Share did: the new snapshot's id, or why there is none."""

    snapshot_id: str | None
    problem: str | None = None


@dataclass(frozen=True)
class Opened:
    """A snapshot to draw, or the message to show instead."""

    stored: StoredSnapshot | None
    problem: str | None = None


def snapshot_store(services: Services) -> SnapshotStore | StoreError:
    store = services.store()
    return store if isinstance(store, StoreError) else SnapshotStore(store.engine)


def _share(services: Services, snapshot: AnySnapshot, user: str | None) -> Shared:
    store = snapshot_store(services)
    if isinstance(store, StoreError):
        return Shared(None, f"Sharing needs the workspace store: {store.message}")
    try:
        return Shared(store.create(snapshot, owner=user))
    except StoreError as exc:
        return Shared(None, f"The snapshot was not saved: {exc.message}")


def share_workspace(session: Session, services: Services, user: str | None) -> Shared:
    """Freeze the Playground's cards as they are now (an answer streaming: as far as it got)."""
    if session.arena.hiding:
        return Shared(None, "A blind round hides its models: vote first, then share.")
    return _share(services, freeze_workspace(session.workspace), user)


def share_run(services: Services, view: RunView, user: str | None) -> Shared:
    """Freeze a prompt-set run: its spec, the cells it has and the summary per card."""
    summaries = summarize(view.spec, view.cells)
    return _share(services, freeze_run(view.spec, view.cells.values(), summaries), user)


def share_report(
    session: Session,
    services: Services,
    rows: list[dict[str, int | float | str | None]],
    filters: dict[str, str],
    user: str | None,
) -> Shared:
    """Freeze the Models report as shown (``playground.reports.models.shown``): filters and rows.
    Never while a blind round has no vote: the report names the models."""
    if session.arena.hiding:
        return Shared(None, "A blind round hides its models: vote first, then share.")
    return _share(services, freeze_report(rows, filters), user)


def may_view(owner: str | None, user: str | None) -> bool:
    """Shared without sign-in: anyone with the link; by a signed-in person: the team."""
    return owner is None or user is not None


def may_delete(owner: str | None, user: str | None, shared_here: bool) -> bool:
    """Only its owner: the signed-in person who shared it, or (shared without sign-in)
    the browser session that did."""
    if owner is not None:
        return owner == user
    return shared_here


def open_snapshot(services: Services, snapshot_id: str, user: str | None) -> Opened:
    store = snapshot_store(services)
    if isinstance(store, StoreError):
        return Opened(None, f"Snapshots are not available: {store.message}")
    try:
        stored = store.load(snapshot_id)
    except StoreError as exc:
        return Opened(None, f"This snapshot cannot be shown: {exc.message}")
    if stored is None:
        return Opened(None, UNKNOWN)
    if not may_view(stored.owner, user):
        return Opened(None, SIGN_IN)
    return Opened(stored)


def continues(stored: StoredSnapshot) -> bool:
    """Whether a snapshot opens as a new workspace: the Models report does not (it holds
    figures per model, no card or conversation to go on from)."""
    return not isinstance(stored.snapshot, ReportSnapshot)


def open_as_workspace(session: Session, services: Services, stored: StoredSnapshot) -> None:
    """A new workspace holding the snapshot's cards and histories (the current one stays
    saved); tokens are not in a snapshot: a Custom card asks for its token again.
    Nothing for a snapshot that does not ``continue``."""
    if not continues(stored) or isinstance(stored.snapshot, ReportSnapshot):
        return  # (the isinstance narrows the type for thaw)
    limit = services.config().limits.max_cards
    new_workspace(session, services, thaw(stored.snapshot, limit))


def delete_snapshot(
    services: Services, stored: StoredSnapshot, user: str | None, shared_here: bool
) -> bool:
    """Delete it for good, if ``user`` may; whether it was deleted."""
    if not may_delete(stored.owner, user, shared_here):
        return False
    store = snapshot_store(services)
    if isinstance(store, StoreError):
        return False
    try:
        return store.delete(stored.id, stored.owner)
    except StoreError:
        return False
