"""The Playground page: top bar, sidebar, the grid of cards, Sync Input."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

from playground.config.limits import MAX_PROMPT_CHARS
from playground.session import Session, ask_n, commands, focus
from playground.session.tool_rounds import answer_open_with_mocks, mocks_due
from playground.ui import look
from playground.ui.arena import blind_round as arena_ui
from playground.ui.arena import vote as arena_vote
from playground.ui.card.attachments import INPUT_FILES, submitted
from playground.ui.card.context import typed_count
from playground.ui.card.controls import card_controls, sync_actions, while_streaming
from playground.ui.card.runs import SYNC_RUNS_KEY, asked_runs, confirm_box, runs_input
from playground.ui.card.scroll import follow_card_bodies
from playground.ui.card.settings import settings_dialog
from playground.ui.card.view import card_view
from playground.ui.draw_turns import DRAWING
from playground.ui.playground import costs
from playground.ui.playground.compare import compare_panel
from playground.ui.playground.focus import focus_bar
from playground.ui.playground.typed_tokens import SYNC_INPUT_KEY, typed_tokens
from playground.ui.playground.workspace_io import export_buttons, import_control
from playground.ui.resources import SERVICES
from playground.ui.sharing import snapshot as snapshot_view
from playground.ui.sharing.controls import share_controls
from playground.ui.state import (
    CARD_HEIGHT,
    CARD_HEIGHTS,
    CARDS_PER_ROW,
    DEFAULT_CARD_HEIGHT,
    MOCK_TOGGLE,
    SYNC_TOGGLE,
    act,
    follow_workspace,
    session,
    widget_key,
)
from playground.ui.text import label
from playground.ui.workspaces import persistence
from playground.ui.workspaces.links import apply_link, notices, share_link

FIRST_RUN_HELP = """\
**No endpoint is configured yet.** Add one in any of three ways:

1. a `playground.toml` file next to the app (or the path in `PLAYGROUND_CONFIG`):
   ```toml
   [[endpoints]]
   name = "vLLM on gpu-3"
   base_url = "http://gpu-3.internal:8000/v1"
   token = "..."  # optional
   ```
2. the same `[[endpoints]]` tables in `.streamlit/secrets.toml`;
3. or right here: each card is set to **Custom**: enter its baseURL, Model ID and Token.
"""


def _sidebar(state: Session) -> None:
    with st.sidebar:
        arena_ui.sidebar(state)  # blind comparison: Sync Input stays on while it is
        sync = st.toggle(
            "Sync Input",
            key=SYNC_TOGGLE,
            help="Send one prompt to every card at once.",
            disabled=state.arena.on,
        )
        state.mock_answers = st.toggle(
            "Answer tool calls with mock results",
            key=MOCK_TOGGLE,
            help="When an answer ends with tool calls, send each call its tool's mock "
            "result (a card's Settings → Mock results) and let the model answer; at most "
            "a few rounds per prompt.",
        )
        per_row = st.slider("Cards per row", min_value=1, max_value=4, key=CARDS_PER_ROW)
        st.session_state.setdefault(CARD_HEIGHT, DEFAULT_CARD_HEIGHT)
        st.select_slider(
            "Card height",
            options=CARD_HEIGHTS,
            format_func=lambda px: f"{px} px" if px else "Auto",
            key=CARD_HEIGHT,
            help="A card's messages scroll within this height (Auto: as tall as they are).",
        )
        commands.set_layout(state, sync_input=sync, cards_per_row=per_row)
        if state.arena.on:  # the workspace's links and files name the models
            return
        st.divider()
        st.caption("Workspace")
        costs.workspace_total(state)
        st.button(
            "New workspace",
            key="new_workspace",
            icon=":material/note_add:",
            width="stretch",
            on_click=persistence.new_workspace,
            args=(state,),
            help="Start again with two empty cards; this workspace stays saved (see History).",
        )
        share_link(state)
        share_controls(state)
        export_buttons(state)
        import_control(state)


def _top_bar(state: Session, max_cards: int) -> DeltaGenerator:
    """Title, the streaming status slot, and "+"; returns the status slot."""
    bar = st.container(horizontal=True, vertical_alignment="center")
    bar.subheader("LLM Playground", anchor=False, width="stretch")
    status = bar.empty()
    at_cap = len(state.workspace.cards) >= max_cards
    bar.button(
        "",
        icon=":material/add:",
        key="add_card",
        help=f"Add chat card (at most {max_cards})" if at_cap else "Add chat card",
        disabled=at_cap or state.arena.on,
        on_click=commands.add_card,
        args=(state, SERVICES),
    )
    return status


def _typed_tokens(state: Session) -> None:
    """Count what is typed into the chat inputs, with each input's cards."""
    ws = state.workspace
    counts = {
        c.id: typed_count(c, n, arena_ui.card_shows(state, c.id))
        for n, c in enumerate(ws.cards, start=1)
    }
    if ws.sync_input:
        typed_tokens({SYNC_INPUT_KEY: list(counts.values())})
    else:
        typed_tokens({widget_key(card_id, "input"): [count] for card_id, count in counts.items()})


def _config_problems(problems: tuple[str, ...]) -> None:
    if not problems:
        return
    with st.expander(f":material/warning: Config problems ({len(problems)})", expanded=False):
        for problem in problems:
            st.markdown(f"- {label(problem)}")
        st.caption("Valid entries are in use. See the Endpoints page for details.")


def _first_run_help(state: Session) -> None:
    catalog = SERVICES.catalog()
    if SERVICES.config().backendai is not None or any(not e.embedded for e in catalog.endpoints):
        return
    if catalog.endpoints:  # only the embedded model
        with st.expander(
            ":material/info: Using the embedded local models. How to add your own endpoints"
        ):
            st.markdown(FIRST_RUN_HELP.replace("**No endpoint is configured yet.** ", ""))
    else:
        st.info(FIRST_RUN_HELP, icon=":material/info:")


def render() -> None:
    with DRAWING.turn(get_run_yield_check()):  # waits inside (while_streaming) give it up
        _render()


def _render() -> None:
    state = session()
    state.redraw_page = False  # this run draws the whole page already
    look.style()
    if (snapshot_id := snapshot_view.requested()) is not None:  # a shared, read-only view
        snapshot_view.render(state, snapshot_id)
        return
    persistence.restore(state)
    apply_link(state)
    follow_workspace(state)  # a restore, a link or a callback may have replaced it
    _sidebar(state)
    status = _top_bar(state, SERVICES.config().limits.max_cards)
    # Here, on the page's thread before any card fragment runs: answers that ended with
    # tool calls get their mock results (while_streaming starts this run when one ends).
    racing = {c.id for c in state.workspace.cards if c.is_streaming}  # skipped just below
    answer_open_with_mocks(state, SERVICES)
    persistence.before_run(state)
    notices(state)
    confirm_box(state)  # an Ask N times run over [limits] confirm_answers_over
    if not state.arena.on:  # both name endpoints or models
        _config_problems(SERVICES.catalog().problems)
        _first_run_help(state)
    ws = state.workspace
    focus_bar(state)
    grid, per_row = focus.rows(state)
    controls: dict[str, DeltaGenerator] = {}
    stopping: set[str] = set()
    for row in grid:
        columns = st.columns(per_row)
        for column, card in zip(columns, row, strict=False):
            # The card's border holds its fragment and, under it, the controls the
            # page draws (see card_controls), so they read as part of the card.
            with column, st.container(border=True, key=f"pgcard-{card.id}"):
                card_view(card.id)
                controls[card.id] = st.empty()
                if card_controls(state, card, controls[card.id]):
                    stopping.add(card.id)
    settings_dialog(state)  # the open card's Settings (a dialog: the page's run draws it)
    vote_slot = st.empty()  # the blind vote, drawn once the answers have ended
    if ws.sync_input:
        sync_actions(state)
    compare_slot = st.empty()  # Compare answers, drawn once the answers have ended
    if ws.sync_input:
        every = [c.id for c in ws.cards]
        runs_input(state, SYNC_RUNS_KEY, every)  # Ask N times, every card
        st.chat_input(
            "Send to every card",
            key=SYNC_INPUT_KEY,
            on_submit=lambda: act(
                ask_n.ask,
                state,
                SERVICES,
                every,
                *submitted(st.session_state.get(SYNC_INPUT_KEY)),
                asked_runs(state, SYNC_RUNS_KEY),
            ),
            # Not "disable", as under each card (card_controls): re-enabled, the input
            # takes the focus from a selector being typed in. A prompt sent while a
            # card still answers is refused with a notice that holds it.
            submit_mode="submit",
            max_chars=MAX_PROMPT_CHARS,
            **INPUT_FILES,
        )
    _typed_tokens(state)
    follow_card_bodies()
    persistence.after_run(state)  # before waiting: answers are saved while they stream
    if mocks_due(state, racing - stopping):  # it ended after the mocks, before its controls
        st.rerun()  # while_streaming does not follow it: the next run answers it
    while_streaming(state, status, controls, stopping)
    arena_vote.vote_panel(state, vote_slot)
    if ws.sync_input:
        with compare_slot.container():
            compare_panel(state)
    persistence.after_run(state)
