"""A card's Settings → Tools, Response format and Reasoning effort (in its Settings dialog).

Each section starts from the card's config (``value=``), keyed by the card's id and
its runtime ``generation`` as the rest of its Settings are (``ui.card.settings``). Tools
and Response format take effect on **Apply** only: the callback hands what the
widgets hold to one action of ``playground.session.tools``, which checks everything
(shape, then each schema in the bounded evaluator) before it changes anything. A
refusal is kept on the card's runtime and shown in the section, nothing applied and
what was typed left as it was; an Apply that succeeds starts the widgets afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from playground.chat.tools.settings import CHOICES, parse_tools
from playground.config.limits import MAX_RESPONSE_SCHEMA_CHARS, MAX_TOOLS_CHARS
from playground.session import Session
from playground.session.tools import (
    apply_response_format,
    apply_tools,
    apply_tools_to_all,
    set_reasoning_effort,
)
from playground.ui import text as safe_text
from playground.workspace.types import Card

FORMATS = {"text": "Text", "json_object": "JSON object", "json_schema": "JSON schema"}
EFFORTS: dict[str | None, str] = {
    None: "not sent",
    "minimal": "minimal",
    "low": "low",
    "medium": "medium",
    "high": "high",
}
_TOOLS_HELP = (
    'A JSON array of function tools: [{"type": "function", "function": {"name": ..., '
    '"description": ..., "parameters": {JSON Schema}}}]. One tool alone is taken too.'
)


def _value(key: str, default: Any) -> Any:
    return st.session_state.get(key, default)


def tool_names(text: str, fallback: list[str]) -> list[str]:
    """The names of the tools typed (to choose from), or ``fallback`` while they are
    not a valid list of tools."""
    try:
        return [tool["function"]["name"] for tool in parse_tools(text)]
    except ValueError:
        return fallback


def tools_sections(state: Session, card: Card, key: Callable[[str], str]) -> None:
    """Tools, Tool choice, Apply, Apply to all cards; Response format; Reasoning effort."""
    runtime = state.runtime(card.id)
    current = card.config.settings

    st.markdown("**Tools**")
    typed = st.text_area(
        "Tools (JSON)",
        value=current.tools.text,
        key=key("tools"),
        height=120,
        max_chars=MAX_TOOLS_CHARS,
        placeholder='[{"type": "function", "function": {"name": "get_weather", ...}}]',
        help=_TOOLS_HELP,
    )
    names = tool_names(typed, current.tools.names() if current.tools.text else [])
    options = [*CHOICES, *names]
    chosen = current.tools.choice if current.tools.choice in options else "auto"
    st.selectbox("Tool choice", options, index=options.index(chosen), key=key("tool_choice"))
    if runtime.tools_message:
        safe_text.error(runtime.tools_message, icon=":material/error:")
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Apply tools",
            key=key("tools_apply"),
            icon=":material/check:",
            on_click=_apply_tools,
            args=(state, card.id, key("tools"), key("tool_choice")),
        )
        st.button(
            "Apply tools to all cards",
            key=key("tools_apply_all"),
            icon=":material/content_copy:",
            help="Copy this card's applied tools, tool choice, response format and "
            "reasoning effort to every other card.",
            on_click=apply_tools_to_all,
            args=(state, card.id),
        )

    st.markdown("**Response format**")
    kinds = list(FORMATS)
    kind = st.radio(
        "Response format",
        kinds,
        index=kinds.index(current.response_format.kind),
        format_func=FORMATS.__getitem__,
        key=key("format_kind"),
        horizontal=True,
        label_visibility="collapsed",
    )
    if kind == "json_schema":
        st.text_area(
            "JSON schema",
            value=current.response_format.schema_text,
            key=key("format_schema"),
            height=120,
            max_chars=MAX_RESPONSE_SCHEMA_CHARS,
        )
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input(
                "Name", value=current.response_format.name, key=key("format_name"), max_chars=64
            )
            st.checkbox("strict", value=current.response_format.strict, key=key("format_strict"))
    if runtime.format_message:
        safe_text.error(runtime.format_message, icon=":material/error:")
    st.button(
        "Apply response format",
        key=key("format_apply"),
        icon=":material/check:",
        on_click=_apply_format,
        args=(state, card.id, key),
    )

    efforts = list(EFFORTS)
    st.selectbox(
        "Reasoning effort",
        efforts,
        index=efforts.index(current.reasoning_effort),
        format_func=lambda effort: EFFORTS[effort],
        key=key("reasoning_effort"),
        help="Sent as reasoning_effort; servers without it may refuse the request.",
        on_change=_set_effort,
        args=(state, card.id, key("reasoning_effort")),
    )


def _apply_tools(state: Session, card_id: str, text_key: str, choice_key: str) -> None:
    runtime = state.runtime(card_id)
    card = state.card(card_id)
    current = card.config.settings.tools if card is not None else None
    text = _value(text_key, current.text if current is not None else "")
    choice = _value(choice_key, current.choice if current is not None else "auto")
    runtime.tools_message = apply_tools(state, card_id, str(text), str(choice))


def _apply_format(state: Session, card_id: str, key: Callable[[str], str]) -> None:
    card = state.card(card_id)
    if card is None:
        return
    current = card.config.settings.response_format
    chosen = {
        "kind": _value(key("format_kind"), current.kind),
        "schema_text": _value(key("format_schema"), current.schema_text),
        "name": _value(key("format_name"), current.name),
        "strict": bool(_value(key("format_strict"), current.strict)),
    }
    state.runtime(card_id).format_message = apply_response_format(state, card_id, chosen)


def _set_effort(state: Session, card_id: str, effort_key: str) -> None:
    set_reasoning_effort(state, card_id, _value(effort_key, None))
