"""A streaming answer as the live view draws it: finished blocks as safe HTML, the tail as text.

The live-answer component (``ui/live_channel.py``) must show what the final view
will show, through the same safe policy, while the answer is still growing
(issue 30 §3). A half-written block cannot be rendered faithfully (an unclosed
fence, a link cut before its ``)``), so the answer is cut with
``markdown_blocks.BlockSplitter``: each finished block (a paragraph, a whole code
fence, a long run of lines) is rendered here, on the server, once, by
``rendering.safe_html.markdown`` (as a snapshot's HTML file is):
``safe_markdown.neutralise`` (the final view's policy: raw HTML shown as text,
images inert, only ``http``/``https``/``mailto`` links live) and then markdown-it-py
with HTML input off, links
``rel="noopener noreferrer nofollow"``, images a placeholder that loads nothing.
The unfinished tail stays text: the browser shows it with ``textContent``.

Each block is rendered alone, so a list whose items are parted by blank lines, or
a reference defined further down, looks slightly different live than final; it
is never less safe, and the final view (Streamlit's) replaces it when the answer
ends. Every block is rendered once and handed out once, so the cost grows
linearly with the answer.
"""

from __future__ import annotations

from playground.rendering.markdown_blocks import BlockSplitter
from playground.rendering.safe_html import markdown

__all__ = ["LiveBlocks", "block_html"]


def block_html(block: str) -> str:
    """One finished block of an answer as safe HTML (the final view's policy)."""
    return markdown(block)


class LiveBlocks:
    """Feed the whole text so far; learn which finished blocks are new, and the tail.

    The text normally only grows; where it does not (a ``</think>`` found late
    re-splits it), everything handed out so far is dropped and cutting starts over.
    """

    def __init__(self, max_tail: int = 1500) -> None:
        self._max_tail = max_tail
        self._splitter = BlockSplitter(max_tail)
        self._text = ""
        self.count = 0  # blocks handed out (and kept by the reader) so far

    @property
    def tail(self) -> str:
        """The unfinished rest of the text, to show as text."""
        return self._splitter.tail

    def feed(self, text: str) -> tuple[int, list[str]] | None:
        """``(kept, new_blocks)``: the reader keeps its first ``kept`` blocks and appends
        the new ones (Markdown sources, for ``block_html``); None when nothing changed."""
        before = kept = self.count
        if not text.startswith(self._text):
            self._splitter = BlockSplitter(self._max_tail)
            kept = 0
        self._text = text
        new = self._splitter.feed(text)
        self.count = kept + len(new)
        if not new and kept == before:
            return None
        return kept, new
