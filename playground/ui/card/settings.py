"""A card's Settings menu: system prompt and sampling parameters, then tools, response
format and reasoning effort (``card_tools``), and mock results (``card_mocks``)."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from playground.config.limits import MAX_STOP_CHARS, MAX_SYSTEM_PROMPT_CHARS
from playground.session import Session, commands
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
        menu_label(state, "Settings"),
        icon=":material/tune:",
        key=widget_key(card.id, "settings"),
        help="Settings",
        type=menu_kind(state),
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
                # set by their own commands (playground.session.tools), kept here
                tools=current.tools,
                response_format=current.response_format,
                reasoning_effort=current.reasoning_effort,
                tool_mocks=current.tool_mocks,
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
        st.divider()
        tools_sections(state, card, key)
        mocks_section(state, card, key)
