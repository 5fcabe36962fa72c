"""A card's Settings: system prompt and sampling parameters, then tools, response format
and reasoning effort (``tools.panel``), and mock results (``tools.mocks``).

They open in a side dialog the page draws (``settings_dialog``), from a button in the
card's header (``settings_button``), so a page run draws a card's settings only while
they are open: drawn in every card on every run, they were the larger part of a page
run's work (``benchmarks/README.md``, issue 30). A dialog, unlike a popover, can be
opened by the page's run: Streamlit keeps it open across the card's fragment runs,
draws it modal (nothing behind it is clicked while it is open) and closing it starts
an app run, never a stale run of one card's fragment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import streamlit as st
from pydantic import ValidationError

from playground.config.limits import MAX_STOP_CHARS, MAX_SYSTEM_PROMPT_CHARS
from playground.session import Session, commands
from playground.ui.arena import blind_round as arena_ui
from playground.ui.card.menus import menu_kind, menu_label
from playground.ui.state import widget_key
from playground.ui.tools.mocks import mocks_section
from playground.ui.tools.panel import tools_sections
from playground.workspace.types import Card, SamplingSettings

_NUMBERS: dict[str, tuple[str, float | None, float | None, float]] = {
    # setting: (label, min, max, step)
    "temperature": ("Temperature", 0.0, 2.0, 0.1),
    "top_p": ("top_p", 0.0, 1.0, 0.05),
    "max_tokens": ("Max tokens", 1, 1_000_000, 1),
    "seed": ("Seed", None, None, 1),
    "frequency_penalty": ("Frequency penalty", -2.0, 2.0, 0.1),
    "presence_penalty": ("Presence penalty", -2.0, 2.0, 0.1),
}


log = logging.getLogger(__name__)
SETTINGS_OPEN = "pg_settings_open"  # session state: the card whose Settings are open
_DRAFTS = "pg_settings_drafts"  # session state: card id -> _Drafts


@dataclass
class _Drafts:
    """What a card's Settings' text fields held when last drawn, and the card's settings
    then: typed and not applied (a tools list, a schema) is kept when the dialog closes,
    though Streamlit forgets the state of widgets a run does not draw. (Only text: a
    button's state may not be set, and numbers are applied as they change.)"""

    settings: SamplingSettings
    texts: dict[str, str]


def _held(keys: Iterable[str]) -> dict[str, str]:
    """The text the widgets under ``keys`` hold."""
    return {k: v for k in keys if isinstance(v := st.session_state.get(k), str)}


def _keys(state: Session, card_id: str) -> Callable[[str], str]:
    """A card's Settings widget keys; a new ``generation`` when its config changed from
    outside them (Apply to all cards), so the widgets take the new values."""
    generation = state.runtime(card_id).generation

    def key(name: str) -> str:
        return widget_key(card_id, name if generation == 0 else f"{name}-g{generation}")

    return key


def _apply_typed(state: Session, card_id: str) -> str | None:
    """Apply the system prompt and sampling fields as their widgets hold them; or why not.

    Also called from the callbacks of a run that may not draw the dialog (it closed,
    Apply to all cards): a value typed just before is applied all the same.
    """
    card = state.card(card_id)
    if card is None:
        return None
    current = card.config.settings
    key = _keys(state, card_id)

    def typed(name: str, default: object) -> object:
        return st.session_state.get(key(name), default)

    values: dict[str, object] = {}
    for name, (_, _, _, step) in _NUMBERS.items():
        number = typed(name, getattr(current, name))
        values[name] = (
            int(number) if isinstance(number, float) and isinstance(step, int) else number
        )
    stops = typed("stop_seqs", "\n".join(current.stop))
    try:
        settings = SamplingSettings(
            system_prompt=typed("system", current.system_prompt),
            send_sampling=typed("send_sampling", current.send_sampling),
            stop=[line for line in str(stops).splitlines() if line.strip()],
            **values,
            # set by their own commands (playground.session.tools), kept here
            tools=current.tools,
            response_format=current.response_format,
            reasoning_effort=current.reasoning_effort,
            tool_mocks=current.tool_mocks,
        )
    except ValidationError as exc:
        return "Not applied: " + "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
    commands.set_settings(state, card_id, settings)
    return None


def _apply_to_all(state: Session, card_id: str) -> None:
    if _apply_typed(state, card_id) is None:  # what was just typed, first
        commands.apply_settings_to_all(state, card_id)


def settings_button(state: Session, card: Card) -> None:
    """The header's Settings button: opens the card's Settings (``settings_dialog``).

    A click reruns the card's fragment, which hands over to an app run: the page's run
    draws the dialog (a parallel card fragment may not). While answers stream, the
    page's run holds the click back until they end, as for the card's other menus.
    """
    if st.button(
        menu_label(state, "Settings"),
        icon=":material/tune:",
        key=widget_key(card.id, "settings"),
        help="Settings",
        type=menu_kind(state),
        on_click=_open,
        args=(card.id,),
    ):
        st.rerun(scope="app")


def _open(card_id: str) -> None:
    st.session_state[SETTINGS_OPEN] = card_id


def _close(state: Session, card_id: str) -> None:
    _apply_typed(state, card_id)  # a value typed just before: this run does not draw them
    kept: _Drafts | None = st.session_state.get(_DRAFTS, {}).get(card_id)
    card = state.card(card_id)
    if kept is not None and card is not None:  # what the fields hold now, as applied now
        texts = _held(kept.texts)
        st.session_state[_DRAFTS][card_id] = _Drafts(card.config.settings, texts)
    if st.session_state.get(SETTINGS_OPEN) == card_id:
        st.session_state[SETTINGS_OPEN] = None


def forget_open_settings() -> None:
    """Another page runs: Settings left open there (the browser's Back) stay closed."""
    st.session_state.pop(SETTINGS_OPEN, None)


def settings_dialog(state: Session) -> None:
    """The open card's Settings, in a dialog at the page's right; call on the page's run."""
    card_id = st.session_state.get(SETTINGS_OPEN)
    if card_id is None:
        return
    card = state.card(card_id)
    if card is None or not arena_ui.card_shows(state, card.id).menus:
        st.session_state[SETTINGS_OPEN] = None  # its card removed, or a blind round began
        return
    index = state.workspace.cards.index(card) + 1
    st.dialog(
        f"Settings: card {index}",
        width="medium",
        position="right",
        icon=":material/tune:",
        on_dismiss=partial(_close, state, card.id),
    )(_guarded_settings)(state, card)


def _guarded_settings(state: Session, card: Card) -> None:
    """``settings_menu``; a bug in it shows an error in the dialog, and the page's run
    goes on (its inputs, saving, the answers' ends), as a card's does (``card_view``)."""
    try:
        settings_menu(state, card)
    except Exception:
        log.exception("the Settings of card %s could not be drawn", card.id)
        st.error(
            "These settings hit an unexpected problem and could not be drawn completely. "
            "The card's applied settings are kept; close them and try again.",
            icon=":material/error:",
        )


def settings_menu(state: Session, card: Card) -> None:
    """System prompt and sampling parameters, validated by ``Settings``.

    Each widget starts from the card's config (``value=``), or from the text it held when
    the dialog last closed (``_Drafts``), as long as the card's settings have not changed
    since. When the config changes from outside the widgets (Apply to all cards), the
    card's runtime ``generation`` gives new keys.
    """
    if st.session_state.get(SETTINGS_OPEN) != card.id:
        # Closed in this very run: the browser sent the close with a field's change as
        # one run of this dialog alone. The cards are drawn again with what it applied.
        st.rerun(scope="app")
    current = card.config.settings
    made_key = _keys(state, card.id)
    drafts: dict[str, _Drafts] = st.session_state.setdefault(_DRAFTS, {})
    kept = drafts.get(card.id)
    keys: list[str] = []

    def key(name: str) -> str:
        made = made_key(name)
        reopened = made not in st.session_state  # Streamlit forgot it: it was closed
        if reopened and kept is not None and kept.settings == current and made in kept.texts:
            st.session_state[made] = kept.texts[made]  # as it was when the dialog closed
        keys.append(made)
        return made

    st.text_area(
        "System prompt",
        value=current.system_prompt,
        key=key("system"),
        height=80,
        max_chars=MAX_SYSTEM_PROMPT_CHARS,
    )
    send = st.toggle(
        "Send sampling parameters",
        value=current.send_sampling,
        key=key("send_sampling"),
        help="Some servers reject some parameters: turn this off to send only the messages.",
    )
    for name, (label, low, high, step) in _NUMBERS.items():
        st.number_input(
            label,
            value=getattr(current, name),
            min_value=low,
            max_value=high,
            step=step,
            key=key(name),
            disabled=not send,
            placeholder="server default",
        )
    st.text_area(
        "Stop sequences",
        value="\n".join(current.stop),
        key=key("stop_seqs"),
        height=68,
        help="One per line, at most 4.",
        max_chars=MAX_STOP_CHARS,
        disabled=not send,
    )
    if (refused := _apply_typed(state, card.id)) is not None:
        st.error(refused, icon=":material/error:")
    st.button(
        "Apply to all cards",
        key=widget_key(card.id, "apply_all"),
        icon=":material/content_copy:",
        on_click=_apply_to_all,
        args=(state, card.id),
    )
    st.divider()
    tools_sections(state, card, key)
    mocks_section(state, card, key)
    texts = _held(keys)
    drafts[card.id] = _Drafts(card.config.settings, texts)
