"""The Playground page: top bar, sidebar settings, the grid of cards, Sync Input."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.chat import Card, Message
from playground.ui import persistence
from playground.ui.actions import (
    can_regenerate,
    can_retry,
    edit_and_resend,
    regenerate,
    send_prompt,
)
from playground.ui.card import card_view
from playground.ui.links import apply_link, notices, share_link
from playground.ui.resources import load_settings
from playground.ui.state import AppState, app_state, widget_key
from playground.ui.text import label
from playground.ui.workspace_io import export_buttons, import_control

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


def _sidebar(state: AppState) -> None:
    ws = state.workspace
    with st.sidebar:
        # Seeded from the workspace (a link, a restore or an import set them too).
        st.session_state.setdefault("sync_input_toggle", ws.sync_input)
        st.session_state.setdefault("cards_per_row", ws.cards_per_row)
        ws.sync_input = st.toggle(
            "Sync Input", key="sync_input_toggle", help="Send one prompt to every card at once."
        )
        ws.cards_per_row = st.slider("Cards per row", min_value=1, max_value=4, key="cards_per_row")
        st.divider()
        st.caption("Workspace")
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
        export_buttons(state)
        import_control(state)


def _add_card(state: AppState, max_cards: int) -> None:
    state.workspace.add_card(max_cards)


def _top_bar(state: AppState, max_cards: int) -> DeltaGenerator:
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
        disabled=at_cap,
        on_click=_add_card,
        args=(state, max_cards),
    )
    return status


def _card_controls(state: AppState, card: Card, slot: DeltaGenerator) -> bool:
    """Under a card: Stop while it streams; else Retry after a failure, and its input.

    These are drawn by the page, not the card's fragment: a click on a page
    widget interrupts the running page at once (the streams go on in the
    background and every card follows its stream again), whereas a fragment's
    widgets would wait until every answer has finished. Each is drawn at most
    once per run: a Stop button is swapped for the input when the answer ends.
    """
    if card.is_streaming:
        slot.button(
            "Stop",
            key=widget_key(card.id, "stop"),
            icon=":material/stop_circle:",
            on_click=state.cancel,
            args=(card.id,),
            help="Stop this answer; the partial text is kept.",
        )
        return True
    sync = state.workspace.sync_input
    with slot.container():
        prompt = card.last_prompt()
        if can_regenerate(card) or (prompt is not None and not sync):
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                if can_regenerate(card):
                    _regenerate_button(state, card)
                if prompt is not None and not sync:
                    _edit_prompt(state, [card.id], prompt, widget_key(card.id, "edit"))
        if not sync:
            st.chat_input(
                "Message this card",
                key=widget_key(card.id, "input"),
                on_submit=_on_card_submit,
                args=(card.id,),
                submit_mode="disable",
            )
    return False


def _regenerate_button(state: AppState, card: Card) -> None:
    failed = can_retry(card)
    st.button(
        "Retry" if failed else "Regenerate",
        key=widget_key(card.id, "retry"),
        icon=":material/refresh:",
        type="tertiary",
        on_click=regenerate,
        args=(state, card.id),
        help="Ask again for the last prompt, replacing the failed answer."
        if failed
        else 'Answer the last prompt again; this answer stays under "Earlier answers".',
    )


def _edit_prompt(state: AppState, card_ids: list[str], prompt: Message, key: str) -> None:
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
        st.text_area("Last prompt", value=prompt.content, key=text_key, height=120)
        st.button(
            f"Resend to {len(card_ids)} cards" if many else "Resend",
            key=f"{key}-resend",
            type="primary",
            icon=":material/send:",
            on_click=_resend,
            args=(card_ids, text_key),
        )


def _resend(card_ids: list[str], text_key: str) -> None:
    state = app_state()
    for card_id in card_ids:
        state.cancel(card_id)  # an answer still streaming is stopped (text kept) and replaced
    edit_and_resend(state, card_ids, st.session_state.get(text_key))


def _on_card_submit(card_id: str) -> None:
    send_prompt(app_state(), [card_id], st.session_state.get(widget_key(card_id, "input")))


def _while_streaming(
    state: AppState,
    status: DeltaGenerator,
    controls: dict[str, DeltaGenerator],
    stopping: set[str],
) -> None:
    """Offer "Stop all" while cards stream; give each card its input back as it ends.

    Runs on the page's own thread while the card fragments follow their streams
    in parallel. Each status redraw is a point where a click elsewhere can
    interrupt the run. ``stopping`` are the cards drawn with a Stop button; each
    gets its controls back when its answer ends, even one that ended already.
    """
    cards = {c.id: c for c in state.workspace.cards}
    pending = {card_id: state.jobs.get(card_id) for card_id in stopping}
    if not pending:
        return
    with status.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "Stop all",
            icon=":material/stop_circle:",
            key="stop_all",
            on_click=state.cancel_all,
            help="Stop every answer that is streaming; partial text is kept.",
        )
        note = st.empty()
    last_beat = 0.0
    while pending:
        for card_id, job in list(pending.items()):
            if job is None or job.done:
                current = state.jobs.get(card_id)
                if current is not None and current is not job and not current.done:
                    pending[card_id] = current  # a new answer began: its Stop is already up
                    continue
                del pending[card_id]
                _card_controls(state, cards[card_id], controls[card_id])
        now = time.monotonic()
        if pending and now - last_beat >= 0.25:
            last_beat = now
            note.caption(f"{len(pending)} answering…")  # also a point where clicks interrupt
        time.sleep(0.02)
    status.empty()


def _config_problems(problems: tuple[str, ...]) -> None:
    if not problems:
        return
    with st.expander(f":material/warning: Config problems ({len(problems)})", expanded=False):
        for problem in problems:
            st.markdown(f"- {label(problem)}")
        st.caption("Valid entries are in use. See the Endpoints page for details.")


def _sync_actions(state: AppState) -> None:
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
        _edit_prompt(state, same, shared, "sync-edit")
        st.button(
            "Regenerate all",
            key="regenerate_all",
            icon=":material/refresh:",
            type="tertiary",
            on_click=_regenerate_all,
            args=(state,),
            help="Answer the last prompt again in every card; earlier answers are kept.",
        )


def _regenerate_all(state: AppState) -> None:
    for card in state.workspace.cards:
        state.cancel(card.id)  # a streaming answer is stopped (its text kept) and replaced
        if can_regenerate(card):
            regenerate(state, card.id)


def _on_sync_submit() -> None:
    state = app_state()
    prompt = st.session_state.get("sync_prompt")
    send_prompt(state, [c.id for c in state.workspace.cards], prompt)


def render() -> None:
    state = app_state()
    loaded, catalog = load_settings()
    persistence.restore(state)
    apply_link(state)
    _sidebar(state)
    status = _top_bar(state, loaded.limits.max_cards)
    persistence.before_run(state)
    notices(state)
    _config_problems(catalog.problems)
    if loaded.backendai is None and not any(not e.embedded for e in catalog.endpoints):
        if catalog.endpoints:  # only the embedded model
            with st.expander(
                ":material/info: Using the embedded local model (Gemma 3 270M). "
                "How to add your own endpoints"
            ):
                st.markdown(FIRST_RUN_HELP.replace("**No endpoint is configured yet.** ", ""))
        else:
            st.info(FIRST_RUN_HELP, icon=":material/info:")
    ws = state.workspace
    per_row = ws.cards_per_row
    controls: dict[str, DeltaGenerator] = {}
    stopping: set[str] = set()
    for start in range(0, len(ws.cards), per_row):
        row = ws.cards[start : start + per_row]
        columns = st.columns(per_row)
        for column, card in zip(columns, row, strict=False):
            # The card's border holds its fragment and, under it, the controls the
            # page draws (see _card_controls), so they read as part of the card.
            with column, st.container(border=True, key=f"pgcard-{card.id}"):
                card_view(card.id)
                controls[card.id] = st.empty()
                if _card_controls(state, card, controls[card.id]):
                    stopping.add(card.id)
    if ws.sync_input:
        _sync_actions(state)
        st.chat_input(
            "Send to every card",
            key="sync_prompt",
            on_submit=_on_sync_submit,
            submit_mode="disable",
        )
    persistence.after_run(state)  # before waiting: answers are saved while they stream
    _while_streaming(state, status, controls, stopping)
    persistence.after_run(state)
