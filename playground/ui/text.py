"""Drawing text that came from outside the app's own code: one guard, where it is drawn.

Servers (answers, reasoning, error messages, model ids, Backend.AI names), links,
imported files, the store and config files all write strings this page shows.
Every such string goes through one of these functions:

- :func:`answer` draws an answer or reasoning as Markdown made safe by
  :func:`playground.rendering.safe_markdown.neutralise` (images only where a person
  allowed them for the card); past :data:`SHOWN_LIMIT` characters it shows the
  start and offers the whole text as a download, so a huge answer cannot
  freeze the page.
- :func:`label` turns a name, title, id, notice or error into Markdown that
  shows it as plain text: for captions, titles, notices, errors and labels.
- :func:`diff_markdown` shows a word diff of two answers as plain text with
  deletions and insertions marked; :func:`diff_markdown_start` its start, within
  :data:`SHOWN_LIMIT` characters (Compare answers offers the whole as a download).
- :func:`code` shows a text as received, in a code block (a tool call's arguments).
- :func:`caption`, :func:`error`, :func:`warning` and :func:`info` draw such a
  plain text with an icon the app chose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from playground.config.limits import SHOWN_ANSWER_CHARS
from playground.rendering.diffing import Op
from playground.rendering.safe_markdown import escape, neutralise, plain

SHOWN_LIMIT = SHOWN_ANSWER_CHARS  # characters of one answer rendered; the rest is a download


def label(text: str) -> str:
    """``text`` as Markdown that shows exactly that text (never images, links or markup)."""
    return plain(text)


def answer_markdown(text: str, images_allowed: bool) -> str:
    """An answer as Markdown that loads nothing (images only if allowed for the card)."""
    return neutralise(text, images_allowed)


def shown_part(text: str, limit: int = SHOWN_LIMIT) -> str:
    """The start of ``text`` that is rendered: up to ``limit``, cut at a line or a space."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind("\n"), head.rfind(" "))
    return head[:cut] if cut > limit // 2 else head


def answer(
    text: str,
    images_allowed: bool,
    download_key: str | None = None,
    where: DeltaGenerator | None = None,
) -> None:
    """Draw an answer (or reasoning); a very long one shows its start and a download."""
    slot = where if where is not None else st
    shown = shown_part(text)
    slot.markdown(answer_markdown(shown, images_allowed))
    if shown is text or download_key is None:
        return
    rest = len(text) - len(shown)
    slot.caption(
        f":material/unfold_more: Showing the first {len(shown):,} characters; "
        f"{rest:,} more are in the download."
    )
    slot.download_button(
        "Download the whole text",
        data=_bytes_of(text),
        file_name="answer.md",
        mime="text/markdown",
        key=download_key,
        icon=":material/download:",
        on_click="ignore",
    )


def _bytes_of(text: str) -> Callable[[], bytes]:
    return lambda: text.encode("utf-8")


def caption(text: str, icon: str | None = None) -> None:
    """A plain-text caption, after an icon the app chose (``:material/...:``)."""
    st.caption((f"{icon} " if icon else "") + label(text))


def code(text: str, language: str | None = None) -> None:
    """A block of text as received, never read as Markdown (tool arguments, JSON); past
    :data:`SHOWN_LIMIT` characters only its start, saying how much is left out."""
    shown = text if len(text) <= SHOWN_LIMIT else text[:SHOWN_LIMIT]
    st.code(shown, language=language, wrap_lines=True)
    if shown is not text:
        st.caption(f":material/unfold_more: Showing the first {len(shown):,} characters.")


def error(text: str, icon: str | None = None) -> None:
    st.error(label(text), icon=icon)


def warning(text: str, icon: str | None = None) -> None:
    st.warning(label(text), icon=icon)


def info(text: str, icon: str | None = None) -> None:
    st.info(label(text), icon=icon)


def diff_markdown(ops: Iterable[Op]) -> str:
    """A word diff as Markdown that shows its text exactly, lines kept: deletions struck
    through on the theme's red, insertions bold on its green (readable without colour)."""
    return diff_markdown_start(ops, limit=None)[0]


def diff_markdown_start(ops: Iterable[Op], limit: int | None = SHOWN_LIMIT) -> tuple[str, bool]:
    """``diff_markdown`` of the diff's start, at most ``limit`` characters of Markdown (a
    long run is cut inside, at a word when it can be); and whether that is the whole."""
    out: list[str] = []
    room = limit if limit is not None else -1
    for op in ops:
        lines = op.text.split("\n")
        for number, line in enumerate(lines):
            pieces = []
            if number:
                pieces.append("  \n" if out and not out[-1].endswith("\n") else "\n")
            pieces.append(_marked(line, op.kind))
            for piece in pieces:
                if limit is not None and len(piece) > room:
                    if piece is pieces[-1]:
                        out.append(_marked_within(line, op.kind, room))
                    return "".join(out), False
                out.append(piece)
                room -= len(piece)
    return "".join(out), True


def _marked_within(line: str, kind: str, room: int) -> str:
    """The longest start of ``line`` (cut at a space when one is near) marked within ``room``."""
    keep = room
    while keep > 0:
        head = shown_part(line, keep)
        marked = _marked(head, kind)
        if len(marked) <= room:
            return marked
        keep = min(keep - 1, keep * room // len(marked))
    return ""


def _marked(line: str, kind: str) -> str:
    body = line.strip()
    if not body:
        return "\u00a0" * len(line) if kind == "equal" and line else ""
    lead = line[: len(line) - len(line.lstrip())]
    tail = line[len(line.rstrip()) :]
    shown = escape(body)
    if kind == "delete":
        shown = f":red-background[~~{shown}~~]"
    elif kind == "insert":
        shown = f":green-background[**{shown}**]"
    return "\u00a0" * len(lead) + shown + (" " if tail else "")
