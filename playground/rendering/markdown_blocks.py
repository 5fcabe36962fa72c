"""Splitting a growing markdown answer into finished blocks and a live tail.

While an answer streams, redrawing the whole text on every update would send
O(n²) bytes to the browser. ``BlockSplitter`` hands out each finished block
(paragraphs, whole code fences, long runs of lines) exactly once, so only the
short tail is redrawn. Blocks never split a code fence unclosed: when a fence
grows long, the part so far is closed with a fence line and the tail reopens it.
After the answer ends, the UI draws the whole text once as a single block.
"""

from __future__ import annotations

_FENCES = ("```", "~~~")


class BlockSplitter:
    """Feed the whole text so far; get back the blocks that became final."""

    def __init__(self, max_tail: int = 1500) -> None:
        self._max_tail = max_tail
        self._done = 0  # text[:_done] has been handed out
        self._scan = 0  # start of the first line not yet examined
        self._fence: str | None = None  # the opening line of the fence we are in
        self._prefix = ""  # reopens a fence that an earlier block closed
        self._text = ""

    @property
    def tail(self) -> str:
        """What is not final yet, ready to render (a reopened fence included)."""
        return self._prefix + self._text[self._done :]

    def feed(self, text: str) -> list[str]:
        """Take the whole text so far (it only ever grows); return new final blocks."""
        self._text = text
        blocks: list[str] = []
        last_line_end = None
        while True:
            newline = text.find("\n", self._scan)
            if newline < 0:
                break
            line = text[self._scan : newline]
            line_end = newline + 1
            self._scan = line_end
            stripped = line.strip()
            if self._fence is None:
                if stripped.startswith(_FENCES):
                    self._fence = line.strip()
                elif not stripped:
                    self._emit(blocks, line_end)  # a blank line ends a paragraph
                    continue
            elif stripped.startswith(self._fence[:3]) and stripped.strip("`~") == "":
                self._fence = None
                self._emit(blocks, line_end)  # a closed fence is a finished block
                continue
            last_line_end = line_end
        if len(text) - self._done > self._max_tail and last_line_end is not None:
            if self._fence is not None:
                fence = self._fence
                self._emit(blocks, last_line_end, close=fence[:3])
                self._prefix = fence + "\n"
            else:
                self._emit(blocks, last_line_end)
        elif len(text) - self._done > 4 * self._max_tail and self._fence is None:
            space = text.rfind(" ", self._done, self._scan if self._scan > self._done else None)
            if space > self._done and text.find("\n", self._done) < 0:
                self._emit(blocks, space + 1)
        return blocks

    def _emit(self, blocks: list[str], end: int, close: str | None = None) -> None:
        chunk = self._prefix + self._text[self._done : end]
        self._prefix = ""
        self._done = end
        if close is not None:
            chunk = chunk.rstrip("\n") + "\n" + close + "\n"
        if chunk.strip():
            blocks.append(chunk)
