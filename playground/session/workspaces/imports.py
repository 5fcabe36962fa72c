"""Import JSON: check a file, then replace the workspace only once the person confirms."""

from __future__ import annotations

from playground.config.limits import upload_mb
from playground.errors import ImportProblem
from playground.session import backendai
from playground.session.services import Services
from playground.session.session import Session
from playground.session.workspaces.saving import new_workspace
from playground.workspace.export import import_json


def upload_limit_mb(services: Services, server_cap_mb: int) -> int:
    """The Import uploader's limit: the export of the largest workspace the store keeps,
    within the server's own cap (``server.maxUploadSize``)."""
    return min(upload_mb(services.config().store.max_workspace_bytes), server_cap_mb)


def check_import(session: Session, services: Services, name: str, data: bytes | None) -> None:
    """Check an uploaded export; a good one waits for ``confirm_import``, a bad one is
    explained in ``session.imports.error``. Nothing on the page changes either way."""
    imports = session.imports
    imports.error = None
    imports.pending = None
    if data is None:
        return
    loaded = services.config()
    shown = name[:80] or "file"
    try:
        workspace = import_json(
            data,
            endpoints=services.catalog().names,
            max_cards=loaded.limits.max_cards,
            max_workspace_bytes=loaded.store.max_workspace_bytes,
            remote_prefix=backendai.PREFIX if loaded.backendai is not None else None,
        )
    except ImportProblem as exc:
        imports.error = f"'{shown}' was not imported. {exc.message}"
        return
    imports.pending = (shown, workspace)


def confirm_import(session: Session, services: Services) -> bool:
    """ "Replace": the checked file becomes a new workspace; the current one stays saved."""
    imports = session.imports
    if imports.pending is None:
        return False
    _, workspace = imports.pending
    new_workspace(session, services, workspace)
    imports.pending = None
    imports.nonce += 1  # a fresh, empty uploader
    return True


def cancel_import(session: Session) -> None:
    imports = session.imports
    imports.pending = None
    imports.error = None
    imports.nonce += 1
