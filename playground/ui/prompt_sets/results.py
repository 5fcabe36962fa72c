"""A run on the Prompt sets page: progress and Stop while it runs, Resume after, the results."""

from __future__ import annotations

import streamlit as st

from playground.promptsets.export import export_csv, export_json
from playground.session import Session
from playground.session.evaluation.promptsets import RunView, resume_run, stop_run, view_run
from playground.store.records import ANY_OWNER
from playground.ui.prompt_sets.grid import results
from playground.ui.prompt_sets.state import RUN_PARAM, run_registry
from playground.ui.prompt_sets.sweep import sweep_legend
from playground.ui.resources import SERVICES
from playground.ui.sharing.controls import share_run_controls
from playground.ui.workspaces import persistence

FOLLOW_EVERY_S = 1.0  # how often a running run is redrawn


def _owner() -> str | object | None:
    user = persistence.current_user()
    return user if user is not None else ANY_OWNER


def _resume(state: Session, run_id: str, retry_errors: bool) -> None:
    resume_run(state, SERVICES, run_registry(), run_id, retry_errors=retry_errors)


def _controls(state: Session, view: RunView) -> None:
    bar = st.container(horizontal=True, vertical_alignment="center")
    if view.status == "running":
        bar.button(
            "Stop",
            key="ps-stop",
            icon=":material/stop_circle:",
            on_click=stop_run,
            args=(run_registry(), view.run_id),
            help="Answers in flight are stopped; Resume asks for the missing ones later.",
        )
        return
    if view.missing:
        bar.button(
            f"Resume ({view.missing} missing)",
            key="ps-resume",
            type="primary",
            icon=":material/resume:",
            on_click=_resume,
            args=(state, view.run_id, False),
            help="Ask only for the answers this run does not have yet.",
        )
    if view.failed:
        bar.button(
            f"Retry failed ({view.failed})",
            key="ps-retry",
            icon=":material/refresh:",
            on_click=_resume,
            args=(state, view.run_id, True),
        )
    bar.download_button(
        "Export CSV",
        data=lambda: export_csv(view.spec, view.cells),
        file_name="prompt-set-run.csv",
        mime="text/csv",
        key="ps-export-csv",
        icon=":material/download:",
        on_click="ignore",
        help="A row per prompt, a column group per card (never a token).",
    )
    bar.download_button(
        "Export JSON",
        data=lambda: export_json(view.spec, view.cells, status=view.status),
        file_name="prompt-set-run.json",
        mime="application/json",
        key="ps-export-json",
        icon=":material/download:",
        on_click="ignore",
        help="The run's cards (endpoint, model, settings: never a token), prompts and cells.",
    )
    share_run_controls(view, bar)


def _header(view: RunView) -> None:
    progress = view.runner.snapshot() if view.runner is not None else None
    total = view.spec.answers_total
    answered = total - view.missing
    label = progress.label if progress is not None else f"{answered} / {total} answers"
    status = {
        "running": "Running",
        "stopped": "Stopped",
        "done": "Done",
        "interrupted": "Interrupted (the app stopped while it ran)",
    }[view.status]
    st.markdown(f"**{status}** · {label}")
    st.progress(answered / total if total else 1.0)
    if view.save_error:
        st.warning(f"This run is not being saved: {view.save_error}", icon=":material/cloud_off:")


def _draw(state: Session, run_id: str) -> None:
    view = view_run(SERVICES, run_registry(), run_id, _owner())  # type: ignore[arg-type]
    if view is None:
        st.warning("This run is unknown (it may have been deleted, or the link is incomplete).")
        state.prompt_run_id = None
        st.query_params.pop(RUN_PARAM, None)
        return
    st.caption(view.spec.title)
    sweep_legend(view.spec)
    _header(view)
    _controls(state, view)
    results(state, view)


def show_run(state: Session, run_id: str) -> None:
    """Draw the run; while it runs, a fragment redraws it every second until it ends."""
    runner = run_registry().get(run_id)
    if runner is None or runner.finished:
        _draw(state, run_id)
        return

    @st.fragment(run_every=FOLLOW_EVERY_S)
    def follow() -> None:
        _draw(state, run_id)
        if runner.finished:
            st.rerun()  # the whole page: Run on all cards is enabled again

    follow()
