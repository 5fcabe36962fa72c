"""The Prompt sets page's input: file or "Prompts", "Prompt template", the judge, Run."""

from __future__ import annotations

import streamlit as st

from playground.config.limits import MAX_PROMPT_CHARS, MAX_PROMPT_SET_BYTES, MAX_TOOL_ROUNDS, MIB
from playground.errors import PromptSetProblem
from playground.promptsets.checks.judge import DEFAULT_JUDGE_PROMPT, DEFAULT_RUBRIC
from playground.session import Session
from playground.session.evaluation.promptsets import JudgeChoice, card_label, prepare, start_run
from playground.ui import text as safe_text
from playground.ui.prompt_sets.runs import chosen_runs, run_problem, runs_and_size
from playground.ui.prompt_sets.state import RUN_PARAM, run_registry
from playground.ui.prompt_sets.sweep import chosen_sweeps, sweep_inputs
from playground.ui.resources import SERVICES
from playground.ui.workspaces import persistence

NO_JUDGE = ""
MOCKS = "ps-mocks"  # "Answer tool calls with mock results" for the next run
FORMATS_HELP = (
    "CSV with a header row naming a `prompt` column (other columns are variables for the "
    "template; an `expected` column holds checks), JSONL (one object a line with a "
    '`"prompt"`), or plain text with one prompt a line.'
)
CHECKS_HELP = (
    "Checks in `expected`, several joined with ` && `: `contains:TEXT`, `not-contains:TEXT`, "
    "`icontains:TEXT`, `regex:PATTERN`, `equals:TEXT`, `json`, `json-schema:{...}`, "
    "`max-tokens:N`, `max-ttft:SECONDS`."
)


def _judge(state: Session) -> JudgeChoice | None:
    cards = state.workspace.cards
    labels = {c.id: card_label(i, c.config) for i, c in enumerate(cards)}
    choice = st.selectbox(
        "Judge",
        [NO_JUDGE, *labels],
        format_func=lambda v: "No judge" if v == NO_JUDGE else labels.get(v, "a removed card"),
        key="ps-judge",
        help="One card scores every other card's answers from 1 to 10, with a one-line reason.",
    )
    if choice == NO_JUDGE or choice not in labels:
        return None
    rubric = st.text_area(
        "Rubric", value=DEFAULT_RUBRIC, key="ps-rubric", height=80, max_chars=MAX_PROMPT_CHARS
    )
    prompt = st.text_area(
        "Judge prompt",
        value=DEFAULT_JUDGE_PROMPT,
        key="ps-judge-prompt",
        height=260,
        max_chars=MAX_PROMPT_CHARS,
        help="Sent to the judge for each answer: {{rubric}}, {{prompt}} and {{answer}} are "
        "filled in. The reply must start with a score from 1 to 10.",
    )
    return JudgeChoice(choice, rubric, prompt)


def _judge_values(state: Session) -> JudgeChoice | None:
    """The judge as its widgets hold it now."""
    choice = st.session_state.get("ps-judge", NO_JUDGE)
    if choice == NO_JUDGE or state.card(choice) is None:
        return None
    rubric = st.session_state.get("ps-rubric", DEFAULT_RUBRIC)
    return JudgeChoice(
        choice, rubric, st.session_state.get("ps-judge-prompt", DEFAULT_JUDGE_PROMPT)
    )


def _values() -> tuple[bytes | str | None, str | None]:
    """The file (if one is uploaded) or the Prompts text, as the widgets hold them now."""
    uploaded = st.session_state.get("ps-file")
    if uploaded is not None:
        return uploaded.getvalue(), uploaded.name
    return st.session_state.get("ps-text", ""), None


def _source() -> tuple[bytes | str | None, str | None]:
    uploaded = st.file_uploader(
        "Prompt file",
        type=["csv", "jsonl", "ndjson", "txt"],
        key="ps-file",
        max_upload_size=MAX_PROMPT_SET_BYTES // MIB,
        help=f"{FORMATS_HELP} At most {MAX_PROMPT_SET_BYTES // MIB} MB. It is used instead "
        "of Prompts while it is here.",
    )
    text = st.text_area(
        "Prompts",
        key="ps-text",
        height=160,
        max_chars=MAX_PROMPT_SET_BYTES,
        placeholder="One prompt a line, or CSV:\nprompt,expected\nWhat is the capital of "
        "France?,icontains:paris",
        help=FORMATS_HELP,
    )
    if uploaded is not None:
        return uploaded.getvalue(), uploaded.name
    return text, None


def _run(state: Session) -> None:
    """Run on all cards: what the widgets hold at the click (a change typed just before
    the click counts), checked again."""
    data, name = _values()
    judge = _judge_values(state)
    template = st.session_state.get("ps-template", "")
    prep = prepare(data, name=name, template=template, judge=judge)
    mocks = bool(st.session_state.get(MOCKS, state.mock_answers))
    if problem := run_problem(state, prep):
        st.session_state["ps-start-problem"] = problem
        return
    try:
        runner = start_run(
            state,
            SERVICES,
            run_registry(),
            prep,
            judge=judge,
            user=persistence.current_user(),
            mock_results=mocks,
            sweeps=chosen_sweeps(),  # a bad value: PromptSetProblem, nothing started
            runs=chosen_runs(),
        )
    except PromptSetProblem as exc:
        st.session_state["ps-start-problem"] = exc.message
        return
    st.query_params[RUN_PARAM] = runner.run_id
    if state.saver is not None and state.saver.workspace_id:
        st.query_params[persistence.WS_PARAM] = state.saver.workspace_id


def _short(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def new_run(state: Session, running: bool) -> None:
    """The inputs, what they would send (or what is wrong), and "Run on all cards"."""
    data, name = _source()
    template = st.text_area(
        "Prompt template",
        key="ps-template",
        height=80,
        max_chars=MAX_PROMPT_CHARS,
        placeholder="{{prompt}}",
        help="Empty: each prompt as it is. Otherwise {{name}} placeholders are filled from the "
        "row's columns, e.g. 'Answer in {{lang}}: {{prompt}}'. Filters such as "
        "{{name | upper}} and {% if name %}...{% endif %} work too.",
    )
    with st.expander("Judge (optional)", icon=":material/gavel:"):
        judge = _judge(state)
    prep = prepare(data, name=name, template=template, judge=judge)
    sweep_inputs(state, judge, prep)
    cards = len(state.workspace.cards)
    typed = bool(name) or (isinstance(data, str) and data.strip())
    if prep.problems and typed:
        for problem in prep.problems:
            safe_text.error(problem, icon=":material/error:")
    elif prep.ready:
        st.caption(
            f"{len(prep.rows)} prompts × {cards} cards = {len(prep.rows) * cards} answers "
            f"({prep.kind}; variables: {', '.join(prep.variables)}). {CHECKS_HELP}"
        )
        with st.container(key="ps-first"):
            st.text(f"First prompt: {_short(prep.rows[0].prompt)}")
    else:
        st.caption(CHECKS_HELP)
    st.session_state.setdefault(MOCKS, state.mock_answers)  # the Playground's toggle, at first
    st.checkbox(
        "Answer tool calls with mock results",
        key=MOCKS,
        help="When an answer ends with tool calls, send each call its tool's mock result "
        "(the card's Settings → Mock results) and let the model answer again, up to "
        f"{MAX_TOOL_ROUNDS} rounds; the checks then read the final answer, and the tool "
        "checks every call made on the way.",
    )
    may_run = runs_and_size(state, prep)
    if problem := st.session_state.pop("ps-start-problem", None):
        safe_text.error(problem, icon=":material/error:")
    st.button(
        "Run on all cards",
        key="ps-run",
        type="primary",
        icon=":material/play_arrow:",
        disabled=running or not prep.ready or not may_run,
        on_click=_run,
        args=(state,),
        help="Another run is still going: stop it first." if running else None,
    )
