"""Markdown from outside (a model, a server, a link, an import), made safe to render.

An answer is text from a server we do not control. Rendered as Markdown it
could make the browser fetch an image URL (sending chat text to another host),
carry a ``javascript:`` or ``data:`` link, raw HTML, or a KaTeX ``\\href``.
Finding such things with regular expressions fails: the renderer in the browser
reads the text differently (escaped ``!``, code spans that are not, fences that
do not close), and every difference is a bypass.

So the text is *parsed*, with ``markdown-it-py`` (the maintained Python port
of the reference JavaScript markdown-it; CommonMark plus GFM tables and
strikethrough, ``$``-math from ``mdit-py-plugins`` as remark-math reads it,
bare-URL links by ``linkify-it-py`` as remark-gfm makes them), and the syntax
tree is written back out by :mod:`playground.rendering.markdown_writer` in a canonical,
fully escaped form: images become inert text (with a link to the picture, not
fetched), raw HTML becomes visible text or code, only ``http``, ``https`` and
``mailto`` links stay live, and formulas that use KaTeX's ``\\href``, ``\\url``,
``\\includegraphics``, ``\\html…`` or macro definitions are shown as code.
The result is parsed once more and checked; anything unexpected (an unknown
node, nesting deeper than the parser follows, a check that fails) shows the
whole text as a code block instead, which no parser reads as anything else.

Why this and not HTML sanitised with ``nh3``: Streamlit's own renderer keeps
what people read answers for (KaTeX math, highlighted code with a copy button,
its table and theme styles), and the escaped output leaves it nothing to
interpret differently: the only unescaped text is inside code fences and
spans that are longer than any backtick run they hold. Handing Streamlit HTML
would mean ``unsafe_allow_html`` (its markdown parser would then read our HTML
again) or ``st.html`` (none of those styles, no math).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.dollarmath import dollarmath_plugin

from playground.rendering.markdown_writer import Policy, Unwritable, Writer, escape, fence_lines

__all__ = ["as_code", "changes", "escape", "neutralise", "parser", "plain"]

MAX_NESTING = 40  # deeper text is shown as code (markdown-it stops following it)
_LIVE_SCHEMES = re.compile(r"(?:https?|mailto):", re.IGNORECASE)
_IMAGE_SCHEMES = re.compile(r"https?:", re.IGNORECASE)
# KaTeX commands that make links, load images, set HTML attributes, or define macros
# (a macro could assemble one of the others).
_RISKY_TEX = re.compile(
    r"\\html|\\(?:href|url|includegraphics|def|gdef|edef|xdef|let|futurelet|newcommand|"
    r"renewcommand|providecommand|csname|expandafter|char)(?![A-Za-z])",
)
# Math text that another parser, not seeing math, could read as an image, link or HTML.
_RISKY_OUTSIDE_MATH = re.compile(r"!\[|\]\(|\]:|<[A-Za-z/!?]|`")


def _link_ok(href: str) -> bool:
    return bool(_LIVE_SCHEMES.match(href)) and not re.search(r"[\s<>\x00-\x1f]", href)


def _math_ok(tex: str) -> bool:
    return not _RISKY_TEX.search(tex) and not _RISKY_OUTSIDE_MATH.search(tex)


def _image_ok(src: str) -> bool:
    return bool(_IMAGE_SCHEMES.match(src)) and _link_ok(src)


def _never(_: str) -> bool:
    return False


@cache
def parser() -> MarkdownIt:
    """The parser the neutraliser reads with (built once; markdown-it is reentrant).

    It reads every link as a link (markdown-it would leave ``javascript:`` and a few other
    schemes as text): the policy decides about each, and ``changes`` reports it.
    """
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING, "linkify": True})
    md.validateLink = lambda url: True
    md.enable(["table", "strikethrough", "linkify"])
    return md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)


def _policy(images: bool) -> Policy:
    return Policy(
        link_ok=_link_ok,
        image_ok=_image_ok if images else _never,
        math_ok=_math_ok,
        text=_unlinked_protocols,
    )


def as_code(text: str) -> str:
    """``text`` as a code block: shown exactly as written, read as nothing else."""
    return "\n".join(fence_lines(text if text.endswith("\n") else text + "\n", "text")) + "\n"


def plain(text: str) -> str:
    """Markdown that shows ``text`` as plain text: for names, titles, notices, errors.

    Lines stay lines (hard breaks); nothing in ``text`` is read as Markdown, not even a
    bare address: GFM makes links of ``http://`` and ``www.`` in text after escapes are
    read (remark-gfm in the browser too), so a zero-width space goes after their scheme
    (a cut address such as ``http://127.0.0.1…`` would otherwise become a broken link).
    """
    lines = [escape(_unlinked(line.strip())) for line in text.replace("\r", "\n").split("\n")]
    return "\\\n".join(line for line in lines if line)


_AUTOLINK_START = re.compile(r"(?i)\b(https?|ftp)(?=:)|\b(www)(?=\.)")
ZERO_WIDTH_SPACE = "\u200b"


def _unlinked(line: str) -> str:
    """``line`` with a zero-width space after each ``http``/``https``/``ftp``/``www`` that
    could start a GFM autolink literal: shown the same, linked by no parser."""
    return _AUTOLINK_START.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, line)


# GFM's autolink literals with a protocol (cmark-gfm's extension, read after escapes)
# link "mailto:" and "xmpp:" addresses in text, and cmark-gfm takes letters before them
# into the href: "a-mailto:a@b.c" became a link to the scheme "a-mailto".
_PROTOCOL_AUTOLINK = re.compile(r"(?i)(mailto|xmpp)(?=:)")


def _unlinked_protocols(text: str) -> str:
    """``text`` (not a link's) with a zero-width space after each ``mailto``/``xmpp``
    before a colon: shown the same, never the start of an autolink literal. (Where the
    parser found a live ``mailto:`` address, it is a link node and written as one.)"""
    return _PROTOCOL_AUTOLINK.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)


def _safe(tokens: list[Token], images: bool) -> bool:
    """The written Markdown, parsed again, holds nothing that loads or runs."""
    for token in tokens:
        if token.level >= MAX_NESTING - 2 or token.type.startswith("html"):
            return False
        if token.type == "image" and not (images and _image_ok(str(token.attrs.get("src")))):
            return False
        if token.type == "link_open" and not _link_ok(str(token.attrs.get("href", ""))):
            return False
        if token.type.startswith("math") and not _math_ok(token.content):
            return False
        if token.children and not _safe(token.children, images):
            return False
    return True


def neutralise(text: str, images: bool = False) -> str:
    """Markdown for Streamlit that shows ``text`` and loads, links or runs nothing unsafe.

    With ``images`` (a person allowed them for this card), ``http(s)`` images stay.
    """
    return _neutralised(text, images)[0]


def changes(text: str, images: bool = False) -> tuple[str, ...]:
    """What the policy changed in ``text`` (``image``, ``link``, ``html``, ``math``; ``code``
    when all of it is shown as code, ``nesting`` when it was written in parts): the
    policy's own record, empty when ``neutralise`` changed only the spelling."""
    return _neutralised(text, images)[1]


@lru_cache(maxsize=256)  # a pure function of its arguments; reruns redraw the same answers
def _neutralised(text: str, images: bool) -> tuple[str, tuple[str, ...]]:
    md = parser()
    try:
        tokens = md.parse(text)
        if any(token.level >= MAX_NESTING - 2 for token in tokens):
            # The parser stopped following this nesting: the parts between blank
            # lines are written one by one, and only the too-deep ones as code.
            parts = [part for part in text.split("\n\n") if part.strip()]
            done = [_neutralised(part, images) for part in parts]
            joined = "\n".join(written for written, _ in done)
            if len(parts) > 1 and _safe(md.parse(joined), images):
                return joined, ("nesting", *(c for _, changed in done for c in changed))
            return as_code(text), ("code",)
        writer = Writer(_policy(images))
        written = writer.document(SyntaxTreeNode(tokens))
        if _safe(md.parse(written), images):
            return written, tuple(dict.fromkeys(writer.changed))
    except (Unwritable, RecursionError):
        pass
    return as_code(text), ("code",)


def block_images(text: str) -> str:
    """Images as inert text (the earlier name of ``neutralise`` with images off)."""
    return neutralise(text)
