"""Shared results: read-only snapshots of what a page shows, their store and their HTML.

A snapshot freezes a view (the Playground's cards, a prompt-set run's grid and
summary, or the Models report's filters and rows) into JSON that holds no token,
stores it under an unguessable id (``secrets.token_urlsafe(16)``, 128 bits) and is
never edited; its owner may delete it. ``?snapshot=<id>`` opens it read-only;
``snapshot_html`` writes it as one self-contained HTML file (no script, nothing
fetched when opened).

    snapshot = freeze_workspace(workspace)           # or freeze_run(spec, cells)
    snapshot_id = SnapshotStore(engine).create(snapshot, owner=user)
    stored = SnapshotStore(engine).load(snapshot_id)   # None: unknown or deleted
    html = snapshot_html(stored.snapshot)

A new kind is one more model in ``records.Snapshot``
(a ``kind`` literal of its own), a ``freeze_…`` function, a branch in
``html.snapshot_html`` and in the UI's ``snapshot_view`` (the Models report:
``ReportSnapshot``, ``freeze_report``, ``report_html``).
"""

from playground.reports.sharing.freeze import freeze_report, freeze_run, freeze_workspace, thaw
from playground.reports.sharing.html import snapshot_html
from playground.reports.sharing.records import (
    AnySnapshot,
    ChatSnapshot,
    ReportSnapshot,
    RunSnapshot,
    Snapshot,
    SnapshotCard,
    StoredSnapshot,
)
from playground.reports.sharing.store import SnapshotStore

__all__ = [
    "AnySnapshot",
    "ChatSnapshot",
    "ReportSnapshot",
    "RunSnapshot",
    "Snapshot",
    "SnapshotCard",
    "SnapshotStore",
    "StoredSnapshot",
    "freeze_report",
    "freeze_run",
    "freeze_workspace",
    "snapshot_html",
    "thaw",
]
