"""Write a markdown-it syntax tree back out as canonical, fully escaped Markdown.

The output is meant for a *second* parser (Streamlit's react-markdown), so it
leaves that parser no choices: every ASCII punctuation character of text is
backslash-escaped (CommonMark allows escaping any of them), blocks are
separated by blank lines, code is always a backtick fence at the start of its
container line (longer than any backtick run inside it, with a plain
one-word info string), code spans are fenced by a backtick run longer than any
inside them, and link destinations are written in angle brackets. What may be
written is decided by a :class:`Policy`; this module only writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it.common.utils import unescapeAll
from markdown_it.tree import SyntaxTreeNode

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_TIGHT_BREAK = {"paragraph", "table", "math_block", "html_block"}
# Blocks that end on a line of their own: in a tight list item, any block may follow them
# on the next line (a blank line there would make the list loose).
_CLOSED = {"heading", "hr", "fence", "code_block", "html_block"}
# Characters text cannot hold as themselves: a line break would end the line, a tab
# (or a space at the edge of a line) would be read as indentation or trimmed.
_CONTROL = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


class Unwritable(Exception):
    """The tree holds a node this writer does not know (the caller falls back to code)."""


def escape(text: str) -> str:
    """Text that any CommonMark parser reads back as exactly ``text`` (one line).

    Punctuation is backslash-escaped; line breaks and tabs become character references.
    """
    escaped = _PUNCTUATION.sub(r"\\\1", text)
    return re.sub("[\n\r\t]", lambda m: _CONTROL[m.group(0)], escaped)


def _edge_spaces(line: str) -> str:
    """``line`` with the white space at its start and end as references (kept, not
    trimmed: CommonMark trims spaces and tabs, markdown-it any Unicode white space)."""
    core = line.strip()
    lead = line[: len(line) - len(line.lstrip())] if core else line
    trail = line[len(line.rstrip()) :] if core else ""
    return "".join(f"&#{ord(c)};" for c in lead) + core + "".join(f"&#{ord(c)};" for c in trail)


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(re.escape(char) + "+", text)
    return max((len(r) for r in runs), default=0)


def code_span(content: str) -> str:
    fence = "`" * (_longest_run(content, "`") + 1)
    content = content.replace("\n", " ")
    if not content.strip(" "):
        return f"{fence}{content}{fence}"  # only spaces: a parser strips none of them
    return f"{fence} {content} {fence}"  # the parser strips one space from each side


def fence_lines(content: str, info: str = "") -> list[str]:
    """A fenced code block that no backtick or tilde run inside it can close."""
    fence = "`" * max(3, _longest_run(content, "`") + 1)
    words = info.split()
    # The language is the info string's first word (all a renderer reads), escaped; a
    # backtick, which a backtick fence's info string may not hold, as a reference.
    language = escape(words[0]).replace("\\`", "&#96;") if words else ""
    if not content:
        return [fence + language, fence]
    body = content[:-1] if content.endswith("\n") else content
    return [fence + language, *body.split("\n"), fence]


@dataclass(frozen=True)
class Policy:
    """What may stay live: the writer asks before writing a link, image or formula; and
    what text outside links is written as (``text``: kept from reading as a link)."""

    link_ok: Callable[[str], bool]
    image_ok: Callable[[str], bool]
    math_ok: Callable[[str], bool]
    text: Callable[[str], str]


class Writer:
    """Writes one tree; ``changed`` then names what the policy made inert (empty: nothing)."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self.changed: list[str] = []

    def document(self, root: SyntaxTreeNode) -> str:
        return "\n".join(self._blocks(root.children, tight=False)).strip("\n") + "\n"

    # Blocks: each returns its lines; containers prefix their children's lines.

    def _blocks(self, nodes: list[SyntaxTreeNode], tight: bool) -> list[str]:
        lines: list[str] = []
        previous: SyntaxTreeNode | None = None
        for node in nodes:
            block = self._block(node, tight)
            # In a tight list item, only what could not interrupt a paragraph (or would
            # be read as its continuation) needs the blank line.
            if previous is not None and (
                not tight or (previous.type not in _CLOSED and _needs_blank_line(node))
            ):
                lines.append("")
            lines.extend(block)
            previous = node
        return lines

    def _block(self, node: SyntaxTreeNode, tight: bool) -> list[str]:
        kind = node.type
        if kind == "paragraph":
            return self._inline_lines(node)
        if kind == "heading":
            text = self._inline_lines(node)
            if len(text) > 1 and node.tag in ("h1", "h2"):  # lines kept: a setext heading
                return [*text, "===" if node.tag == "h1" else "---"]
            return [(node.tag and "#" * int(node.tag[1:])) + (" " + " ".join(text) if text else "")]
        if kind == "blockquote":
            inner = self._blocks(node.children, tight=False)
            return [f"> {line}" if line else ">" for line in inner] or [">"]
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node)
        if kind in ("fence", "code_block"):
            return fence_lines(node.content, unescapeAll(node.info) if kind == "fence" else "")
        if kind == "html_block":
            self.changed.append("html")
            return fence_lines(node.content, "html")  # shown as written, never as HTML
        if kind == "hr":
            return ["***"]
        if kind == "table":
            return self._table(node)
        if kind == "math_block":
            return self._math_block(node.content)
        raise Unwritable(kind)

    def _list(self, node: SyntaxTreeNode) -> list[str]:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1)) if ordered else 0
        paragraphs = [c for item in node.children for c in item.children if c.type == "paragraph"]
        tight = all(paragraph.hidden for paragraph in paragraphs)
        # Adjacent lists differ in marker in the source (else they would be one): keep it.
        bullet = node.markup if node.markup in ("-", "*", "+") else "-"
        delimiter = ")" if node.markup == ")" else "."
        lines: list[str] = []
        for number, item in enumerate(node.children, start=start):
            marker = f"{number}{delimiter}" if ordered else bullet
            pad = " " * (len(marker) + 1)
            inner = self._blocks(item.children, tight=tight)
            if not tight and lines:
                lines.append("")
            if not inner:
                lines.append(marker)
                continue
            lines.append(f"{marker} {inner[0]}" if inner[0] else marker)
            lines.extend(pad + line if line else "" for line in inner[1:])
        return lines

    def _table(self, node: SyntaxTreeNode) -> list[str]:
        rows: list[list[str]] = []
        aligns: list[str] = []
        for section in node.children:
            for row in section.children:
                cells = []
                for cell in row.children:
                    cells.append(" ".join(self._inline_lines(cell, in_table=True)) or " ")
                    if section.type == "thead":
                        aligns.append(str(cell.attrs.get("style", "")))
                rows.append(cells)
        if not rows:
            return []
        delimiter = [_align(style) for style in aligns]
        out = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(delimiter) + " |"]
        out.extend("| " + " | ".join(row) + " |" for row in rows[1:])
        return out

    def _math_block(self, content: str) -> list[str]:
        body = content.strip("\n")
        if self._policy.math_ok(body) and "$$" not in body and body.strip():
            return ["$$", *body.split("\n"), "$$"]
        self.changed.append("math")
        return fence_lines(body + "\n", "latex")

    # Inline content.

    def _inline_lines(self, node: SyntaxTreeNode, in_table: bool = False) -> list[str]:
        parts: list[str] = []
        for child in node.children:
            parts.append(self._inlines(child.children, in_table, in_link=False))
        lines = "".join(parts).split("\n") if parts and "".join(parts) else []
        return [_edge_spaces(line) for line in lines]

    def _inlines(
        self, nodes: list[SyntaxTreeNode], in_table: bool, in_link: bool, word: bool = False
    ) -> str:
        """``word``: the enclosing emphasis's marks touch a letter or digit; so do the marks
        of emphasis at its edge (one run of marks, which only ``*`` may make in a word)."""
        # markdown-it leaves an empty text node where a delimiter run was used up.
        filled = [node for node in nodes if node.type != "text" or node.content]
        parts = []
        for index, node in enumerate(filled):
            before = filled[index - 1] if index else None
            after = filled[index + 1] if index + 1 < len(filled) else None
            touches = _letter(before, -1) or _letter(after, 0)
            touches = touches or (word and (before is None or after is None))
            parts.append(self._inline(node, in_table, in_link, touches))
        return "".join(parts)

    def _inline(self, node: SyntaxTreeNode, in_table: bool, in_link: bool, word: bool) -> str:
        kind = node.type
        if kind == "text":
            return escape(node.content if in_link else self._policy.text(node.content))
        if kind == "softbreak":
            return " " if in_table else "\n"
        if kind == "hardbreak":
            return " " if in_table else "\\\n"
        if kind == "code_inline":
            # In a table cell \\| is a pipe that does not end the cell, code spans included.
            return code_span(node.content.replace("|", "\\|") if in_table else node.content)
        if kind in ("em", "strong", "s"):
            inner = self._inlines(node.children, in_table, in_link, word)
            mark = {"em": "*", "strong": "**", "s": "~~"}[kind]
            # `*` beside `*` would merge (*_a_*, not **a**); `_` cannot open inside a word.
            if kind != "s" and "*" in inner[:1] + inner[-1:] and not word:
                mark = mark.replace("*", "_")
            return mark + inner + mark
        if kind == "link":
            text = self._inlines(node.children, in_table, in_link=True)
            href = str(node.attrs.get("href", ""))
            if in_link or not self._policy.link_ok(href) or not text:
                self.changed.append("link")
                return text
            return f"[{text}](<{href}>)"
        if kind == "image":
            return self._image(node, in_link)
        if kind == "html_inline":
            self.changed.append("html")
            return escape(node.content)
        if kind in ("math_inline", "math_inline_double"):
            content = node.content
            if self._policy.math_ok(content) and not (in_table and "|" in content):
                fence = "$" * (2 if kind == "math_inline_double" else 1)
                if "$" not in content and content.strip() == content and content:
                    return f"{fence}{content}{fence}"
            self.changed.append("math")
            return escape(content) if in_table else code_span(content)
        raise Unwritable(kind)

    def _image(self, node: SyntaxTreeNode, in_link: bool) -> str:
        alt = escape(_plain_text(node)) or "image"
        src = str(node.attrs.get("src", ""))
        if self._policy.image_ok(src) and not in_link:
            return f"![{alt}](<{src}>)"
        self.changed.append("image")
        shown = f"{alt} \\(image not loaded\\)"
        if in_link or not self._policy.link_ok(src):
            return f"🖼 {shown}"
        return f"🖼 [{shown}](<{src}>)"


def _letter(node: SyntaxTreeNode | None, edge: int) -> bool:
    """``node`` is text whose first (``edge`` 0) or last (-1) character is a letter or digit."""
    return node is not None and node.type == "text" and node.content[edge].isalnum()


def _needs_blank_line(node: SyntaxTreeNode) -> bool:
    if node.type == "ordered_list":
        return int(node.attrs.get("start", 1)) != 1
    return node.type in _TIGHT_BREAK


def _plain_text(node: SyntaxTreeNode) -> str:
    if node.type in ("text", "code_inline", "math_inline", "math_inline_double"):
        return node.content
    return "".join(_plain_text(child) for child in node.children)


def _align(style: str) -> str:
    if "center" in style:
        return ":---:"
    if "right" in style:
        return "---:"
    if "left" in style:
        return ":---"
    return "---"
