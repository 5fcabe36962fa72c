"""A card's header menus: Settings, More, and the "x" that removes it."""

from __future__ import annotations

from typing import Literal

import streamlit as st
from pydantic import ValidationError

from playground.limits import MAX_STOP_CHARS, MAX_SYSTEM_PROMPT_CHARS
from playground.session import Session, commands
from playground.ui.focus_view import focus_items
from playground.ui.resources import SERVICES
from playground.ui.state import act, widget_key
from playground.workspace import Card, SamplingSettings

_NUMBERS: dict[str, tuple[str, float | None, float | None, float]] = {
    # setting: (label, min, max, step)
    "temperature": ("Temperature", 0.0, 2.0, 0.1),
    "top_p": ("top_p", 0.0, 1.0, 0.05),
    "max_tokens": ("Max tokens", 1, 1_000_000, 1),
    "seed": ("Seed", None, None, 1),
    "frequency_penalty": ("Frequency penalty", -2.0, 2.0, 0.1),
    "presence_penalty": ("Presence penalty", -2.0, 2.0, 0.1),
}


COMPACT_PER_ROW = 3


def remove_control(state: Session, card: Card) -> None:
    with st.popover(
        "",
        icon=":material/close:",
        help="Remove chat card",
        key=widget_key(card.id, "x"),
        type=_kind(state),
    ):
        if len(state.workspace.cards) <= 1:
            st.caption("The last card cannot be removed.")
            return
        st.warning("Remove this card? Everything entered in it will be deleted.")
        st.button(
            "Remove card",
            key=widget_key(card.id, "remove"),
            type="primary",
            on_click=commands.remove_card,
            args=(state, card.id),
        )


def settings_menu(state: Session, card: Card) -> None:
    """System prompt and sampling parameters, validated by ``Settings``.

    Each widget starts from the card's config (``value=``): the widgets sit in a
    popover the browser may never have opened, so they must not depend on widget
    state the browser never reported. When the config changes from outside the
    widgets (Apply to all cards), the card's runtime ``generation`` gives new keys.
    """
    current = card.config.settings
    generation = state.runtime(card.id).generation

    def key(name: str) -> str:
        return widget_key(card.id, name if generation == 0 else f"{name}-g{generation}")

    with st.popover(
        _label(state, "Settings"),
        icon=":material/tune:",
        key=widget_key(card.id, "settings"),
        help="Settings",
        type=_kind(state),
    ):
        system = st.text_area(
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
        values: dict[str, float | int | None] = {}
        for name, (label, low, high, step) in _NUMBERS.items():
            number = st.number_input(
                label,
                value=getattr(current, name),
                min_value=low,
                max_value=high,
                step=step,
                key=key(name),
                disabled=not send,
                placeholder="server default",
            )
            values[name] = int(number) if number is not None and isinstance(step, int) else number
        stops = st.text_area(
            "Stop sequences",
            value="\n".join(current.stop),
            key=key("stop_seqs"),
            height=68,
            help="One per line, at most 4.",
            max_chars=MAX_STOP_CHARS,
            disabled=not send,
        )
        try:
            settings = SamplingSettings(
                system_prompt=system,
                send_sampling=send,
                stop=[line for line in stops.splitlines() if line.strip()],
                **values,
            )
        except ValidationError as exc:
            st.error(
                "Not applied: "
                + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
                icon=":material/error:",
            )
        else:
            commands.set_settings(state, card.id, settings)
        st.button(
            "Apply to all cards",
            key=widget_key(card.id, "apply_all"),
            icon=":material/content_copy:",
            on_click=commands.apply_settings_to_all,
            args=(state, card.id),
        )


def _menu_button(card: Card, name: str, label: str, icon: str, **kwargs: object) -> None:
    st.button(label, key=widget_key(card.id, name), icon=icon, width="stretch", **kwargs)  # type: ignore[arg-type]


def more_menu(state: Session, card: Card) -> None:
    max_cards = SERVICES.config().limits.max_cards
    full = len(state.workspace.cards) >= max_cards
    at_cap = f" (at most {max_cards} cards)" if full else ""
    images = state.runtime(card.id).load_images
    with st.popover(
        _label(state, "More"),
        icon=":material/more_vert:",
        key=widget_key(card.id, "more"),
        help="More",
        type=_kind(state),
    ):
        _menu_button(
            card,
            "clone",
            "Clone card",
            ":material/library_add:",
            disabled=full,
            help="A new card with the same endpoint, model and settings, and an empty "
            "history: compare one model under two settings." + at_cap,
            on_click=act,
            args=(commands.clone, state, SERVICES, card.id),
        )
        _menu_button(
            card,
            "compare",
            "Compare with other models",
            ":material/compare_arrows:",
            disabled=full,
            help="A new card with the same endpoint and settings, set to another model." + at_cap,
            on_click=act,
            args=(commands.compare, state, SERVICES, card.id),
        )
        _menu_button(
            card,
            "clear",
            "Delete Chat History",
            ":material/delete:",
            disabled=not card.messages,
            on_click=commands.delete_history,
            args=(state, card.id),
        )
        _menu_button(
            card,
            "images",
            "Block images" if images else "Load images",
            ":material/image:",
            help="Images in answers are not loaded unless you allow it: loading one "
            "sends a request to the host in its URL.",
            on_click=commands.set_load_images,
            args=(state, card.id, not images),
        )
        _menu_button(
            card,
            "refresh",
            "Refresh model list",
            ":material/refresh:",
            on_click=commands.refresh_models,
            args=(state,),
        )
        focus_items(state, card)


def _label(state: Session, text: str) -> str:
    """A menu's label; icon only at 3+ cards per row, so the header stays on one line."""
    return "" if state.workspace.cards_per_row >= COMPACT_PER_ROW else text


def _kind(state: Session) -> Literal["secondary", "tertiary"]:
    """Borderless buttons at 3+ cards per row: the header's title keeps its room."""
    return "tertiary" if state.workspace.cards_per_row >= COMPACT_PER_ROW else "secondary"
