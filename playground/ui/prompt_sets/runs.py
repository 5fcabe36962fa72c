"""Runs per prompt on the Prompt sets page, the run's size next to Run, and the confirm box.

A run asking more answers than ``[limits] confirm_answers_over`` starts only once the
confirm box is ticked; the Run callback checks it again (a click never skips it).
"""

from __future__ import annotations

import streamlit as st

from playground.config.limits import MAX_RUNS_PER_PROMPT
from playground.errors import PromptSetProblem
from playground.promptsets.prepare import Preparation
from playground.promptsets.sweeps import Sweep
from playground.session import Session
from playground.session.evaluation.promptset_runs import confirm_over, needs_confirm, size_of
from playground.session.evaluation.promptsets import run_columns
from playground.ui.prompt_sets.sweep import chosen_sweeps
from playground.ui.resources import SERVICES

RUNS = "ps-runs"
CONFIRM = "ps-confirm"


def chosen_runs() -> int:
    value = st.session_state.get(RUNS, 1)
    try:
        return min(max(int(value), 1), MAX_RUNS_PER_PROMPT)
    except (TypeError, ValueError):
        return 1


def _sweeps(state: Session) -> list[Sweep]:
    """The sweeps typed, or none while they hold a bad value or make too many columns
    (the Sweep expander says why, and Run refuses them)."""
    try:
        sweeps = chosen_sweeps()
        run_columns(state, sweeps)
    except PromptSetProblem:
        return []
    return sweeps


def run_problem(state: Session, prep: Preparation) -> str | None:
    """Why Run must not start now (a large run not confirmed), or None."""
    if not prep.ready:
        return None
    answers = size_of(state, SERVICES, prep.rows, chosen_runs(), _sweeps(state)).answers
    if needs_confirm(SERVICES, answers) and not st.session_state.get(CONFIRM, False):
        return f"This run asks {answers:,} answers: tick the confirm box first."
    return None


def runs_and_size(state: Session, prep: Preparation) -> bool:
    """Runs per prompt, the run's size, and over the threshold the confirm box.
    True: Run may start."""
    st.number_input(
        "Runs per prompt",
        min_value=1,
        max_value=MAX_RUNS_PER_PROMPT,
        value=1,
        step=1,
        key=RUNS,
        help="Ask each prompt this many times of each card: each cell then shows how many "
        "of its answers passed, and the summary a pass rate with its 95 % interval.",
    )
    if not prep.ready:
        return True
    size = size_of(state, SERVICES, prep.rows, chosen_runs(), _sweeps(state))
    with st.container(key="ps-size"):
        st.caption(
            f"This run: {size.label}. Tokens are estimated (prompt: about 4 characters a "
            "token; answers: the card's max tokens, else a typical 300)."
        )
    if not needs_confirm(SERVICES, size.answers):
        return True
    return st.checkbox(
        f"Yes, ask {size.answers:,} answers (more than {confirm_over(SERVICES):,})",
        key=CONFIRM,
        value=False,
    )
