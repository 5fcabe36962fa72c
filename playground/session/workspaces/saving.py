"""Saving the session's workspace as it goes, opening a saved one, starting anew.

The workspace is created in the store at its first prompt (a visit that sends
nothing stores nothing); from then on the session's ``AutoSaver`` writes it in
the background (while answers stream, at least every ``[store]
autosave_interval`` seconds). The UI carries the saved id in the page's address
(``?ws=<id>``), so a reload or another browser opens the same workspace.

Who may open what: with sign-in, a workspace belongs to the person who saved it
(``owner``); without, anyone who has its link (a random 128-bit id).
"""

from __future__ import annotations

from playground.arena.round import resume
from playground.endpoints import catalog as endpoints
from playground.session import streams
from playground.session.decisions import opening_sync
from playground.session.services import Services
from playground.session.session import Session
from playground.store import AutoSaver, StoreError, WorkspaceNotFound, is_workspace_id
from playground.workspace.types import DEFAULT_CARDS, Workspace


def opening_workspace(services: Services) -> Workspace:
    """A new workspace's cards: on two different embedded models when that is all there is
    (``endpoints.opening_cards``), else the default cards; never more than ``[limits]
    max_cards``. With two or more it opens with Sync Input on (``opening_sync``)."""
    config = services.config()
    count = min(DEFAULT_CARDS, config.limits.max_cards)
    remote = config.backendai is not None
    workspace = endpoints.opening_workspace(services.catalog(), remote=remote, count=count)
    workspace.sync_input = opening_sync(len(workspace.cards))
    return workspace


def _saver(
    session: Session, services: Services, workspace_id: str | None, revision: int, owner: str | None
) -> AutoSaver | None:
    store = services.store()
    if isinstance(store, StoreError):
        return None
    return AutoSaver(
        store,
        lambda: session.workspace,
        workspace_id=workspace_id,
        revision=revision,
        owner=owner,
        interval=services.config().store.autosave_interval,
    )


def open_workspace(
    session: Session, services: Services, workspace_id: str, user: str | None
) -> bool:
    """Replace the session's workspace with a saved one, if ``user`` may open it.

    What went wrong, if anything, is added to ``session.notices``.
    """
    store = services.store()
    if isinstance(store, StoreError):
        session.notices.append(f"Saved workspaces are not available: {store.message}")
        return False
    try:
        stored = store.load(workspace_id) if is_workspace_id(workspace_id) else None
    except StoreError as exc:
        session.notices.append(f"The workspace could not be opened: {exc.message}")
        return False
    if stored is None or (stored.owner is not None and stored.owner != user):
        session.notices.append(
            "This workspace link is unknown (it may have been deleted, or the link is "
            "incomplete). A new workspace was started."
        )
        return False
    leave(session)
    session.replace_workspace(stored.workspace)
    resume(session.arena, session.workspace)  # a blind round's link reopens it blind
    # Answers still streaming in it (its tab was reloaded) are followed live.
    streams.attach(session, services, stored.id, session.workspace)
    session.saver = _saver(session, services, stored.id, stored.revision, user)
    streams.publish(session, services)
    session.link_applied = True  # a workspace link wins over ?card=
    return True


def leave(session: Session) -> None:
    """Stop its answers, save what is left of the current workspace, let go of its saver."""
    session.cancel_all()  # before the last save, so it holds them as "Stopped"
    if session.saver is not None:
        session.saver.stop()
        session.saver = None


def new_workspace(session: Session, services: Services, workspace: Workspace | None = None) -> None:
    """Start another workspace (the opening cards, or an imported one); the old one stays saved."""
    leave(session)
    session.replace_workspace(workspace if workspace is not None else opening_workspace(services))


def save_soon(session: Session, services: Services, user: str | None) -> str | None:
    """After a page run: save the workspace soon, creating it at its first prompt.

    Returns the id the page's address should carry, or None while it is not saved.
    """
    if session.saver is None:
        if not any(card.messages for card in session.workspace.cards):
            return None
        session.saver = _saver(session, services, None, 0, user)
        if session.saver is None:
            return None
        session.saver.flush()  # create it now, so the link can carry its id
    session.saver.mark_dirty()  # and keep saving while answers stream
    streams.publish(session, services)  # a reload finds its running answers
    return session.saver.workspace_id


def ensure_saved(session: Session, services: Services, user: str | None) -> str | None:
    """Store the workspace now, even before its first prompt (a prompt-set run is kept
    with it); its id, or None when the store is not available."""
    if session.saver is None:
        session.saver = _saver(session, services, None, 0, user)
        if session.saver is None:
            return None
        session.saver.flush()
    return session.saver.workspace_id


def take_in_other_saves(session: Session) -> StoreError | None:
    """Before a page run: merge another tab's save; the save problem to show, if any.

    A workspace deleted elsewhere (History in another tab) is not lost: what is on
    the page is saved again as a new workspace, and a notice says so.
    """
    saver = session.saver
    if saver is None:
        return None
    saver.apply_merge()
    if isinstance(saver.last_error, WorkspaceNotFound):
        saver.stop(flush=False)
        session.saver = None
        session.notices.append(
            "This workspace was deleted elsewhere. What is on this page is kept and saved "
            "again as a new workspace, with a new link."
        )
        return None
    return saver.last_error


def delete_workspace(
    session: Session, services: Services, workspace_id: str, owner: str | None
) -> bool:
    """Delete a saved workspace for good; the open one is replaced by a fresh one."""
    store = services.store()
    if isinstance(store, StoreError):
        return False
    if session.saver is not None and session.saver.workspace_id == workspace_id:
        session.saver.stop(flush=False)  # not written back
        session.saver = None
        session.replace_workspace(opening_workspace(services))
    return store.delete(workspace_id, owner=owner)


def rename_workspace(services: Services, workspace_id: str, title: str, owner: str | None) -> bool:
    """Rename a saved workspace (an empty title goes back to its first prompt)."""
    store = services.store()
    if isinstance(store, StoreError):
        return False
    return store.rename(workspace_id, title, owner=owner)
