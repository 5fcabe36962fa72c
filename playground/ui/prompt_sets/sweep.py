"""The Prompt sets page's Sweep: up to two settings, each with a few values, and the
columns they make, shown before the run; a run's swept values above its results."""

from __future__ import annotations

import streamlit as st

from playground.config.limits import MAX_SWEEP_COLUMNS, MAX_SWEEP_VALUES, MAX_SWEEPS
from playground.errors import PromptSetProblem
from playground.promptsets.prepare import JudgeChoice, Preparation
from playground.promptsets.records import RunSpec
from playground.promptsets.sweeps import (
    NAMES,
    SETTINGS,
    SYSTEM_SEPARATOR,
    Sweep,
    legend,
    parse_sweeps,
)
from playground.session import Session
from playground.session.evaluation.promptsets import run_columns
from playground.ui import text as safe_text

NO_SWEEP = ""
SHOWN_COLUMNS = 12  # column names listed before "and N more"
_PLACEHOLDERS = {
    "temperature": "0.2, 0.7, 1.0",
    "top_p": "0.5, 0.9, 1.0",
    "max_tokens": "256, 1024",
    "reasoning_effort": "low, medium, high",
    "system_prompt": f"Be brief.\n{SYSTEM_SEPARATOR}\nExplain step by step.",
}
_VALUE_CHARS = 40 * MAX_SWEEP_VALUES  # a list of numbers or efforts
_VARIANT_CHARS = MAX_SWEEP_VALUES * 100_005  # variants of MAX_SYSTEM_PROMPT_CHARS, separated


def setting_key(row: int) -> str:
    return f"ps-sweep-setting-{row}"


def values_key(row: int, setting: str) -> str:
    """Values are a text input; system prompt variants a text area (a key of its own)."""
    kind = "variants" if setting == "system_prompt" else "values"
    return f"ps-sweep-{kind}-{row}"


def chosen_sweeps() -> list[Sweep]:
    """The sweeps as the widgets hold them now; ``PromptSetProblem`` says what is wrong."""
    rows = []
    for row in range(MAX_SWEEPS):
        setting = st.session_state.get(setting_key(row), NO_SWEEP)
        if setting != NO_SWEEP:
            rows.append((setting, st.session_state.get(values_key(row, setting), "")))
    return parse_sweeps(rows)


def _row(row: int) -> None:
    left, right = st.columns([1, 3])
    setting = left.selectbox(
        f"Setting {row + 1}",
        [NO_SWEEP, *SETTINGS],
        format_func=lambda s: "No sweep" if s == NO_SWEEP else NAMES[s],
        key=setting_key(row),
    )
    if setting == NO_SWEEP:
        return
    if setting == "system_prompt":
        right.text_area(
            "System prompt variants",
            key=values_key(row, setting),
            height=120,
            max_chars=_VARIANT_CHARS,
            placeholder=_PLACEHOLDERS[setting],
            help=f"Up to {MAX_SWEEP_VALUES} system prompts, separated by a line holding only "
            f"{SYSTEM_SEPARATOR}. An empty variant sends no system prompt.",
        )
        return
    right.text_input(
        f"{NAMES[setting]} values",
        key=values_key(row, setting),
        max_chars=_VALUE_CHARS,
        placeholder=_PLACEHOLDERS[setting],
        help=f"Up to {MAX_SWEEP_VALUES} values, separated by commas.",
    )


def _preview(state: Session, judge: JudgeChoice | None, prep: Preparation) -> None:
    try:
        sweeps = chosen_sweeps()
        columns = run_columns(state, sweeps, judge.card_id if judge else None)
    except PromptSetProblem as exc:
        safe_text.error(exc.message, icon=":material/error:")
        return
    if not sweeps:
        st.caption(f"No sweep: a column per card. At most {MAX_SWEEP_COLUMNS} columns in all.")
        return
    names = [c.label for c in columns]
    more = f", and {len(names) - SHOWN_COLUMNS} more" if len(names) > SHOWN_COLUMNS else ""
    answers = f" × {len(prep.rows)} prompts = {len(prep.rows) * len(names)} answers"
    safe_text.caption(
        f"{len(names)} columns{answers if prep.ready else ''}: "
        + ", ".join(names[:SHOWN_COLUMNS])
        + more
    )


def sweep_inputs(state: Session, judge: JudgeChoice | None, prep: Preparation) -> None:
    """The Sweep expander: its rows and the columns the run will have (or why not)."""
    with st.expander("Sweep (optional)", icon=":material/tune:"):
        st.caption(
            f"Run each card once per value of up to {MAX_SWEEPS} settings (with two, once per "
            "combination); each is a column of its own, with its own summary. The judge's card "
            "keeps its settings."
        )
        for row in range(MAX_SWEEPS):
            _row(row)
        _preview(state, judge, prep)


def sweep_legend(spec: RunSpec) -> None:
    """A run's swept values above its results; system prompt variants with their text."""
    if not spec.sweeps:
        return
    for sweep in spec.sweeps:
        if sweep.setting != "system_prompt":
            safe_text.caption(f"Swept {legend([sweep])[0]}")
            continue
        with st.expander("Swept system prompts", icon=":material/tune:"):
            for i, variant in enumerate(sweep.values):
                st.markdown(f"**system {i + 1}**")
                st.text(str(variant) or "(no system prompt)")
