"""What the page draws under each card, and the Sync Input actions.

These are drawn by the page, not the card's fragment: a click on a page
widget interrupts the running page at once (the streams go on in the
background and every card follows its stream again), whereas a fragment's
widgets would wait until every answer has finished. Each is drawn at most
once per run: a Stop button is swapped for the input when the answer ends.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

from playground.config.limits import MAX_PROMPT_CHARS
from playground.session import Session, ask_n, commands
from playground.session.tool_rounds import open_calls
from playground.ui.card.attachments import INPUT_FILES, submitted
from playground.ui.card.runs import asked_runs, runs_input
from playground.ui.card.too_long import too_long_actions
from playground.ui.draw_turns import DRAWING
from playground.ui.resources import SERVICES
from playground.ui.state import act, widget_key
from playground.ui.tools.results import tool_results_form
from playground.workspace.types import Card, Message


def card_controls(state: Session, card: Card, slot: DeltaGenerator) -> bool:
    """Under a card: Stop while it streams (returns True); else Regenerate/Retry, Edit and
    the card's own input."""
    if card.is_streaming:
        slot.button(
            "Stop",
            key=widget_key(card.id, "stop"),
            icon=":material/stop_circle:",
            on_click=commands.stop,
            args=(state, card.id),
            help="Stop this answer; the partial text is kept.",
        )
        return True
    sync = state.workspace.sync_input
    with slot.container():
        tool_results_form(state, card)
        prompt = card.last_prompt()
        regenerate = commands.can_regenerate(card)
        if regenerate or (prompt is not None and not sync):
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                if regenerate and not too_long_actions(state, card):
                    _regenerate_button(state, card)
                if prompt is not None and not sync:
                    edit_prompt(state, [card.id], prompt, widget_key(card.id, "edit"))
        if not sync:
            key, runs_key = widget_key(card.id, "input"), widget_key(card.id, "runs")
            runs_input(state, runs_key, [card.id])
            st.chat_input(
                "Message this card",
                key=key,
                on_submit=lambda: act(
                    ask_n.ask,
                    state,
                    SERVICES,
                    [card.id],
                    *submitted(st.session_state.get(key)),
                    asked_runs(state, runs_key),
                ),
                # Not "disable": Streamlit's chat input, re-enabled when the run its
                # prompt started ends, takes the focus back (ChatInput's effect on its
                # submitted state), which closes a selector the person is typing in
                # and throws their choice away (issue 13 part 5). Nothing needs it
                # disabled: while this card streams its input is replaced by Stop.
                submit_mode="submit",
                max_chars=MAX_PROMPT_CHARS,
                **INPUT_FILES,
            )
    return False


def _regenerate_button(state: Session, card: Card) -> None:
    failed = commands.can_retry(card)
    st.button(
        "Retry" if failed else "Regenerate",
        key=widget_key(card.id, "retry"),
        icon=":material/refresh:",
        type="tertiary",
        on_click=act,
        args=(commands.regenerate, state, SERVICES, card.id),
        help="Ask again for the last prompt, replacing the failed answer."
        if failed
        else 'Answer the last prompt again; this answer stays under "Earlier answers".',
    )


def edit_prompt(state: Session, card_ids: list[str], prompt: Message, key: str) -> None:
    """A popover to edit the last prompt and send it again (to ``card_ids``)."""
    text_key = f"{key}-{prompt.id}"  # a new prompt gets a fresh, prefilled field
    many = len(card_ids) > 1
    with st.popover(
        "Edit last prompt" if many else "Edit",
        icon=":material/edit:",
        type="tertiary",
        key=key,
        help="Edit the last prompt and send it again"
        + (
            f" to the {len(card_ids)} cards it was sent to."
            if many
            else "; the answer it replaces is kept."
        ),
    ):
        st.text_area(
            "Last prompt",
            value=prompt.content,
            key=text_key,
            height=120,
            max_chars=MAX_PROMPT_CHARS,
        )
        st.button(
            f"Resend to {len(card_ids)} cards" if many else "Resend",
            key=f"{key}-resend",
            type="primary",
            icon=":material/send:",
            on_click=lambda: act(
                commands.edit_and_resend, state, SERVICES, card_ids, st.session_state.get(text_key)
            ),
        )


def sync_actions(state: Session) -> None:
    """With Sync Input on: edit the last prompt of every card, or regenerate every answer.

    Drawn whether or not answers are streaming (the page does not redraw it when
    they end); both actions stop an answer still streaming first, so every card
    gets the same prompt again.
    """
    prompted = [(c, p) for c in state.workspace.cards if (p := c.last_prompt()) is not None]
    if not prompted:
        return
    # Only cards whose last prompt is the same text: a card asked something of its
    # own (Sync Input was off then) keeps its prompt.
    shared = prompted[-1][1]
    same = [c.id for c, p in prompted if p.content == shared.content]
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        edit_prompt(state, same, shared, "sync-edit")
        st.button(
            "Regenerate all",
            key="regenerate_all",
            icon=":material/refresh:",
            type="tertiary",
            on_click=act,
            args=(commands.regenerate_all, state, SERVICES),
            help="Answer the last prompt again in every card; earlier answers are kept.",
        )


def while_streaming(
    state: Session,
    status: DeltaGenerator,
    controls: dict[str, DeltaGenerator],
    stopping: set[str],
) -> None:
    """Offer "Stop all" while cards stream; give each card its input back as it ends.

    Runs on the page's own thread while the card fragments follow their streams
    in parallel. Each turn of its loop is a point where a click elsewhere can
    interrupt the run (Streamlit's run yield check, which a redraw also runs).
    ``stopping`` are the cards drawn with a Stop button; each gets its controls
    back when its answer ends, even one that ended already; one
    whose answer called tools while mock answers are on starts a new page run instead,
    which answers it (``tool_rounds.answer_open_with_mocks``, on the page's thread).
    """
    cards = {c.id: c for c in state.workspace.cards}
    pending = {card_id: state.job(card_id) for card_id in stopping}
    if not pending:
        return
    with status.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "Stop all",
            icon=":material/stop_circle:",
            key="stop_all",
            on_click=commands.stop_all,
            args=(state,),
            help="Stop every answer that is streaming; partial text is kept.",
        )
        note = st.empty()
    shown = 0
    yield_check = get_run_yield_check() or (lambda: None)
    with DRAWING.released():  # waiting; it draws in a turn of its own
        while pending:
            for card_id, job in list(pending.items()):
                if job is None or (job.done and state.runtime(card_id).all_done):
                    current = state.job(card_id)
                    if current is not None and current is not job and not current.done:
                        pending[card_id] = current  # a new answer began: its Stop is up
                        continue
                    del pending[card_id]
                    if state.mock_answers and open_calls(cards[card_id]):
                        st.rerun()  # the next run answers it with mocks (render's start)
                    with DRAWING.turn():
                        card_controls(state, cards[card_id], controls[card_id])
            if pending and len(pending) != shown:  # drawn when it changes: not per token
                shown = len(pending)
                note.caption(f"{shown} answering…")
            yield_check()  # where a click elsewhere interrupts the run (no delta needed)
            time.sleep(0.02)
    status.empty()
