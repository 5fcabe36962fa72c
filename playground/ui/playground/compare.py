"""Compare answers (with Sync Input): each chosen card's last answer against a reference
card's, as a word diff. The diff is computed by ``session.compare``; this only draws."""

from __future__ import annotations

import streamlit as st

from playground.rendering.diffing import AnswerDiff
from playground.session import Session
from playground.session.compare import Comparison, compare_answers, last_answer
from playground.ui.arena import blind_round as arena_ui
from playground.ui.text import SHOWN_LIMIT, caption, diff_markdown_start, label, shown_part
from playground.workspace.naming import card_model, short_model_id
from playground.workspace.types import Card

REFERENCE = "compare_reference"
MARKERS = "compare_markers"


def _name(state: Session, card: Card, index: int) -> str:
    """How the panel names a card: "Model A" while blind, else number and model."""
    shows = arena_ui.card_shows(state, card.id)
    if shows.title is not None:
        return shows.title
    model = card_model(card)
    return f"{index} · {short_model_id(model) if model else 'no model'}"


def compare_panel(state: Session) -> None:
    """An expander under the synced prompt; nothing until two cards have answered."""
    cards = state.workspace.cards
    if sum(1 for c in cards if last_answer(c) is not None) < 2:
        return
    names = {c.id: _name(state, c, i) for i, c in enumerate(cards, 1)}
    with st.expander("Compare answers", icon=":material/difference:"):
        ids = list(names)
        if st.session_state.get(REFERENCE) not in ids:
            st.session_state[REFERENCE] = ids[0]
        with st.container(horizontal=True, vertical_alignment="bottom"):
            reference = st.selectbox(
                "Reference card", ids, format_func=names.__getitem__, key=REFERENCE
            )
            others = [i for i in ids if i != reference]
            chosen = st.multiselect(
                "Compared with",
                others,
                default=others,
                format_func=names.__getitem__,
                key=f"compare_with-{reference}",  # a new reference: a fresh choice
            )
            as_markers = st.toggle(
                "Text markers",
                key=MARKERS,
                help="Show the diff as plain text: [-deleted-] and {+inserted+}.",
            )
        hide = arena_ui.card_shows(state, reference).hide
        for result in compare_answers(state, reference, chosen, hide=hide):
            _comparison(result, names, as_markers)


def _comparison(result: Comparison, names: dict[str, str], as_markers: bool) -> None:
    st.markdown(f"**{label(names[result.other_id])} against {label(names[result.reference_id])}**")
    diff = result.diff
    if diff is None:
        caption(result.problem or "", icon=":material/info:")
        return
    if diff.identical:
        caption("The same answer, word for word.", icon=":material/check:")
        return
    where = diff.divergence()
    words = f"+{diff.inserted_words} words, −{diff.deleted_words} words"
    if where is not None:
        after = f', after "{where.shared_before}"' if where.shared_before else ""
        caption(
            f"First differs at line {where.line}, word {where.word}{after} · {words}",
            icon=":material/call_split:",
        )
    with st.container(border=True, height=320):
        if as_markers:
            markers = diff.markers()
            shown = shown_part(markers)
            whole = len(shown) == len(markers)
            st.code(shown, language=None, wrap_lines=True)
        else:
            markdown, whole = diff_markdown_start(diff.ops, SHOWN_LIMIT)
            st.markdown(markdown)
    if not whole:
        _whole_diff(result, diff)


def _whole_diff(result: Comparison, diff: AnswerDiff) -> None:
    """Past the display limit: a note, and the whole diff (text markers) as a download."""
    caption(
        f"This diff is longer than the page shows ({SHOWN_LIMIT:,} characters): the rest "
        "is in the download, as text with [-deleted-] and {+inserted+} marked.",
        icon=":material/unfold_more:",
    )
    st.download_button(
        "Download the whole diff",
        data=lambda: diff.markers().encode("utf-8"),
        file_name="answers-diff.txt",
        mime="text/plain",
        key=f"compare_download-{result.reference_id}-{result.other_id}",
        icon=":material/download:",
        on_click="ignore",
    )
