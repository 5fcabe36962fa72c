"""Share and Export HTML: the buttons, the link they give, and what this session shared."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.promptsets.summary import summarize
from playground.reports.sharing import (
    AnySnapshot,
    freeze_report,
    freeze_run,
    freeze_workspace,
    snapshot_html,
)
from playground.session import Session
from playground.session.evaluation.promptsets import RunView
from playground.session.workspaces.shares import Shared, share_report, share_run, share_workspace
from playground.ui.resources import SERVICES
from playground.ui.text import warning
from playground.ui.workspaces import persistence

SNAPSHOT_PARAM = "snapshot"
_SHARED_HERE = "share_shared_here"  # ids of the snapshots this browser session shared
_LAST = "share_last"  # {place: Shared}: what the last Share of each place gave


def shared_here(snapshot_id: str) -> bool:
    return snapshot_id in st.session_state.get(_SHARED_HERE, set())


MODELS_PAGE = "models"  # the url path Streamlit gives pages/models.py
PROMPT_SETS_PAGE = "prompt_sets"  # and pages/prompt_sets.py


def snapshot_link(page_url: str, snapshot_id: str, page_path: str = "") -> str:
    """The link that opens a snapshot: the app's root address (the Playground, its
    default page, draws snapshots). ``st.context.url`` holds the current page's path
    (``…/models``): ``page_path`` names it, to be taken off."""
    base = page_url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if page_path:
        base = base.removesuffix(f"/{page_path}")
    return f"{base}/?{SNAPSHOT_PARAM}={snapshot_id}"


def snapshot_url(snapshot_id: str, page_path: str = "") -> str:
    return snapshot_link(st.context.url or "", snapshot_id, page_path)


def _share(place: str, make: Callable[[str | None], Shared]) -> None:
    result = make(persistence.current_user())
    st.session_state.setdefault(_LAST, {})[place] = result
    if result.snapshot_id is not None:
        st.session_state.setdefault(_SHARED_HERE, set()).add(result.snapshot_id)


def html_button(freeze: Callable[[], AnySnapshot], key: str, *, where: object = st) -> None:
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
    """The link the last Share gave (or why it gave none); ``page_path``: the url path
    of the page it is shown on ("" the Playground)."""
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
    share_result(place, PROMPT_SETS_PAGE)


def share_report_controls(
    state: Session, rows: list[dict[str, int | float | str | None]], filters: dict[str, str]
) -> None:
    """The Models report's Share and Export HTML (its filters and rows as shown), and the
    link Share gave. The page is hidden while a blind round has no vote, and so are they."""
    bar = st.container(horizontal=True, gap="small")
    share_button(
        "models", lambda user: share_report(state, SERVICES, rows, filters, user), where=bar
    )
    html_button(lambda: freeze_report(rows, filters), "models-share-html", where=bar)
    share_result("models", MODELS_PAGE)
