"""The one place the store's foreign errors (SQLAlchemy, the file system) are mapped.

Database errors become ``StoreUnavailable`` with a message that names no database
URL (it may carry a password) and holds no workspace text. The classes are in
``playground.errors``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import sqlalchemy as sa

from playground.errors import StoreError, StoreUnavailable

log = logging.getLogger("playground.store.store")


@contextlib.contextmanager
def translate_store_errors() -> Iterator[None]:
    """Database errors become ``StoreUnavailable``; the message names no URL and no data."""
    try:
        yield
    except StoreError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        # str(exc) holds the SQL and its parameters (workspace text): use the driver's own.
        orig = getattr(exc, "orig", None)
        kind = type(orig or exc).__name__
        reason = (str(orig).strip().splitlines() or [""])[0][:200] if orig is not None else ""
        log.warning("workspace store error: %s", kind)
        detail = f"{kind}: {reason}" if reason else kind
        raise StoreUnavailable(
            f"The workspace store is not available right now ({detail})."
        ) from None
    except OSError as exc:
        raise StoreUnavailable(
            f"The workspace store is not available right now ({exc.strerror or exc})."
        ) from None
