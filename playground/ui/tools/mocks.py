"""A card's Settings → Mock results: per tool, a canned result, or a key argument and a
small table (a JSON object: the argument's value -> the result).

Each tool applied to the card gets its fields, started from its ``ToolMock`` and keyed
as the rest of its Settings are (``ui.card.settings``). **Set mock** hands them to
``tool_rounds.set_mock``, which checks them before it changes anything; a refusal is
kept on the card's runtime and shown here, what was typed left as it was. All fields
empty removes the tool's mock.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from playground.config.limits import MAX_TOOL_RESULT_CHARS
from playground.session import Session
from playground.session.tool_rounds import set_mock
from playground.ui import text as safe_text
from playground.workspace.types import Card

_ROWS_HELP = (
    'A JSON object from the key argument\'s value to the result: {"Seoul": "12 C, rain"}. '
    "A value with no row gets the result above, if any, else a note saying so."
)
_PARTS = ("result", "key", "rows")


def mocks_section(state: Session, card: Card, key: Callable[[str], str]) -> None:
    """Mock results of the card's applied tools (nothing without tools)."""
    names = card.config.settings.tools.names() if card.config.settings.tools.text else []
    if not names:
        return
    st.markdown("**Mock results**")
    st.caption("What **Answer tool calls with mock results** (sidebar) sends back for each tool.")
    mocks = card.config.settings.tool_mocks
    for position, name in enumerate(names):
        mock = mocks.get(name)
        field = f"mock-{position}"  # a tool's name may be any text: keyed by position
        st.markdown(":material/function: " + safe_text.label(name))
        st.text_area(
            "Result",
            value=mock.result if mock else "",
            key=key(f"{field}-result"),
            height=68,
            max_chars=MAX_TOOL_RESULT_CHARS,
        )
        st.text_input(
            "Key argument",
            value=(mock.key or "") if mock else "",
            key=key(f"{field}-key"),
            max_chars=200,
            help="Optional: the argument whose value picks a row below.",
        )
        rows = json.dumps(mock.table, ensure_ascii=False, indent=1) if mock and mock.table else ""
        st.text_area(
            "Rows (JSON)",
            value=rows,
            key=key(f"{field}-rows"),
            height=68,
            help=_ROWS_HELP,
        )
        st.button(
            "Set mock",
            key=key(f"{field}-set"),
            icon=":material/check:",
            on_click=_set,
            args=(state, card.id, name, {p: key(f"{field}-{p}") for p in _PARTS}),
        )
    message = state.runtime(card.id).mocks_message
    if message:
        safe_text.error(message, icon=":material/error:")


def mock_from(name: str, result: str, key: str, rows: str) -> dict[str, object] | str | None:
    """The mock the fields hold (None: all empty), or why the rows are refused."""
    if not (result or key.strip() or rows.strip()):
        return None
    table: object = {}
    if rows.strip():
        try:
            table = json.loads(rows)
        except (ValueError, RecursionError) as exc:
            return f"Mock for {name!r} not set: the rows are not JSON ({exc})."
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            return f"Mock for {name!r} not set: the rows must be a JSON object of texts."
    if table and not key.strip():
        return f"Mock for {name!r} not set: rows need a key argument to pick them."
    return {"result": result, "key": key.strip() or None, "table": table}


def _set(state: Session, card_id: str, name: str, keys: dict[str, str]) -> None:
    def typed(part: str) -> str:
        value = st.session_state.get(keys[part])
        return value if isinstance(value, str) else ""

    mock = mock_from(name, typed("result"), typed("key"), typed("rows"))
    runtime = state.runtime(card_id)
    runtime.mocks_message = mock if isinstance(mock, str) else set_mock(state, card_id, name, mock)
