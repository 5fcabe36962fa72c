"""Workspaces saved as you go: the store, its merge rule and the background saver.

Plain Python (no Streamlit). The UI opens one ``WorkspaceStore`` per process
(it is thread-safe) and gives each session an ``AutoSaver``::

    store = WorkspaceStore.from_config(loaded.store)          # creates + migrates
    stored = store.load(ws_id)                                 # None: unknown/malformed
    saver = AutoSaver(store, lambda: state.workspace,
                      workspace_id=stored.id if stored else None,
                      revision=stored.revision if stored else 0,
                      owner=user_id, interval=loaded.store.autosave_interval)
    saver.mark_dirty()           # after every change, including sending a prompt
    saver.apply_merge()          # at the start of a run: take in another tab's save
    saver.workspace_id           # set after the first save: put it in ?ws=
    saver.last_error             # a StoreError to show (e.g. WorkspaceTooLarge), or None
    saver.stop()                 # when the session leaves this workspace (saves once more)

    store.list(owner=ANY_OWNER, query="rust", limit=50)  # History, newest first
    store.rename(ws_id, "My title")  # "" goes back to the first prompt
    store.delete(ws_id)

``WorkspaceStore``
    ``create(workspace, owner=None) -> str`` (revision 1),
    ``load(id) -> StoredWorkspace | None``,
    ``save(id, workspace, expected_revision) -> SaveResult`` (compare-and-swap on
    the revision; on a conflict the stored and the given workspace are merged
    with ``merge_workspaces``, written, and returned in ``SaveResult.workspace``),
    ``list(owner=, query=, limit=, offset=) -> list[WorkspaceSummary]``,
    ``rename(id, title, owner=) -> bool``, ``delete(id, owner=) -> bool``.
    ``owner`` filters by the signed-in user's id; ``None`` means saved without
    sign-in; ``ANY_OWNER`` means everyone's (single-user mode).

Ids are ``secrets.token_urlsafe(16)`` (128 bits; a secret link):
``is_workspace_id()`` checks one without a query. Workspaces hold no tokens
(``playground.workspace.types``), so none reaches the store.

Errors: ``StoreError`` and its subclasses, in the project's one tree
(``playground.errors``); ``message`` is safe to show. Database errors are mapped in
``playground.store.errors``.

Config: ``StoreConfig`` (the ``[store]`` table): ``url`` (SQLAlchemy URL;
``postgresql://...`` for several replicas; None = SQLite file
``<data_dir>/workspaces.sqlite3``), ``data_dir`` (".playground-data", relative to
the working directory), ``shared`` (False), ``max_workspace_bytes`` (4 MiB),
``autosave_interval`` (2 s).
"""

from playground.errors import (
    SchemaTooNew,
    StoreError,
    StoreUnavailable,
    WorkspaceNotFound,
    WorkspaceTooLarge,
    WorkspaceUnreadable,
)
from playground.store.autosave import AutoSaver
from playground.store.config import StoreConfig
from playground.store.merge import adopt_merged, merge_workspaces
from playground.store.records import (
    ANY_OWNER,
    SaveResult,
    StoredWorkspace,
    WorkspaceSummary,
    is_workspace_id,
    new_workspace_id,
)
from playground.store.store import WorkspaceStore

__all__ = [
    "ANY_OWNER",
    "AutoSaver",
    "SaveResult",
    "SchemaTooNew",
    "StoreConfig",
    "StoreError",
    "StoreUnavailable",
    "StoredWorkspace",
    "WorkspaceNotFound",
    "WorkspaceStore",
    "WorkspaceSummary",
    "WorkspaceTooLarge",
    "WorkspaceUnreadable",
    "adopt_merged",
    "is_workspace_id",
    "merge_workspaces",
    "new_workspace_id",
]
