"""Share and Export HTML: the buttons, the link they give, and what this session shared."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.promptsets.summary import summarize
from playground.session import Session
from playground.session.promptsets import RunView
from playground.session.shares import Shared, share_run, share_workspace
from playground.share import ChatSnapshot, RunSnapshot, freeze_run, freeze_workspace, snapshot_html
from playground.ui import persistence
from playground.ui.resources import SERVICES
from playground.ui.text import warning

SNAPSHOT_PARAM = "snapshot"
_SHARED_HERE = "share_shared_here"  # ids of the snapshots this browser session shared
_LAST = "share_last"  # {place: Shared}: what the last Share of each place gave


def shared_here(snapshot_id: str) -> bool:
    return snapshot_id in st.session_state.get(_SHARED_HERE, set())


# The Prompt sets page's address (st.Page's url_path: its file's name, pages/prompt_sets.py).
RUN_PAGE_PATH = "prompt_sets"


def snapshot_url(snapshot_id: str, page_path: str = "") -> str:
    """The snapshot's link: the Playground page (the app's root, where snapshots are drawn)
    with ``?snapshot=``; ``page_path`` is the address of the page sharing, taken off."""
    base = (st.context.url or "").split("?", 1)[0].rstrip("/")
    if page_path and base.endswith(f"/{page_path}"):
        base = base.removesuffix(f"/{page_path}")
    return f"{base}/?{SNAPSHOT_PARAM}={snapshot_id}"


def _share(place: str, make: Callable[[str | None], Shared]) -> None:
    result = make(persistence.current_user())
    st.session_state.setdefault(_LAST, {})[place] = result
    if result.snapshot_id is not None:
        st.session_state.setdefault(_SHARED_HERE, set()).add(result.snapshot_id)


def html_button(
    freeze: Callable[[], ChatSnapshot | RunSnapshot], key: str, *, where: object = st
) -> None:
    """Export HTML: the snapshot as one self-contained file, built only when clicked."""
    where.download_button(  # type: ignore[attr-defined]
        "Export HTML",
        data=lambda: snapshot_html(freeze()).encode("utf-8"),
        file_name="llm-playground-snapshot.html",
        mime="text/html",
        key=key,
        icon=":material/html:",
        on_click="ignore",
        help="One HTML file that opens offline: no script, nothing fetched, images not "
        "loaded. Attach it to a ticket.",
    )


def share_button(
    place: str, make: Callable[[str | None], Shared], *, where: object = st, help_text: str = ""
) -> None:
    where.button(  # type: ignore[attr-defined]
        "Share",
        key=f"share-{place}",
        icon=":material/share:",
        on_click=_share,
        args=(place, make),
        help=help_text
        or "Freeze what is shown into a read-only snapshot and get its link (never a token).",
    )


def share_result(place: str, page_path: str = "") -> None:
    """The link the last Share gave (or why it gave none) on the page at ``page_path``."""
    result: Shared | None = st.session_state.get(_LAST, {}).get(place)
    if result is None:
        return
    if result.problem is not None or result.snapshot_id is None:
        warning(result.problem or "Nothing was shared.", icon=":material/share:")
        return
    st.code(snapshot_url(result.snapshot_id, page_path), language=None, wrap_lines=True)
    scope = (
        "Signed-in people of this playground can open it."
        if persistence.current_user() is not None
        else "Anyone with this link can open it."
    )
    st.caption(f"A read-only snapshot of what was shown when you shared it. {scope}")


def share_controls(state: Session) -> None:
    """The Playground's Share and Export HTML, side by side, and the link Share gave."""
    bar = st.container(horizontal=True, gap="small")
    share_button("playground", lambda user: share_workspace(state, SERVICES, user), where=bar)
    html_button(lambda: freeze_workspace(state.workspace), "share-html", where=bar)
    share_result("playground")


def share_run_controls(view: RunView, bar: DeltaGenerator) -> None:
    """A prompt-set run's Share and Export HTML (in its button bar), and Share's link."""
    place = f"run-{view.run_id}"
    share_button(place, lambda user: share_run(SERVICES, view, user), where=bar)
    html_button(
        lambda: freeze_run(view.spec, view.cells.values(), summarize(view.spec, view.cells)),
        "ps-share-html",
        where=bar,
    )
    share_result(place, RUN_PAGE_PATH)
