"""Property: whatever Markdown goes in, no image, raw HTML or odd link comes out.

Checked with the same parser (markdown-it) and with an independent one (cmark-gfm).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from playground.rendering.safe_markdown import neutralise, parser, plain
from tests.hostile_corpus import corpus
from tests.rendering.test_safe_markdown import assert_inert, cmark_html

# Pieces that make Markdown structure; joined at random they reach odd corners.
_PIECES = [
    "![",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "\\",
    "`",
    "``",
    "```",
    "~~~",
    "$",
    "$$",
    "!",
    "*",
    "_",
    "~~",
    "|",
    "-",
    "#",
    "=",
    ":",
    '"',
    "'",
    " ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "2) ",
    "a",
    "b",
    "img",
    "src=",
    "x",
    "http://h/i.png",
    "https://h",
    "javascript:",
    "data:image/png;base64,AA",
    "mailto:a@b.c",
    "&#33;",
    "&lt;",
    "&amp;",
    "[r]: http://h/r\n",
    "[r]",
    "<img src=http://h/x>",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "\\href{",
    "\\url{",
    "{",
    "}",
    "www.h.com",
    "| - |",
    "\u00a0",
    "\r\n",
]
markdown_like = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)
any_text = st.one_of(markdown_like, st.text(max_size=200))


def _assert_no_image_node(markdown: str) -> None:
    def walk(tokens: list) -> None:  # type: ignore[type-arg]
        for token in tokens:
            assert token.type != "image", markdown
            walk(token.children or [])

    walk(parser().parse(markdown))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
@example("\\![a [b] c](http://h/1)")
@example("```a`\n![x](http://h)\n")
def test_no_image_survives(text: str) -> None:
    out = neutralise(text)
    _assert_no_image_node(out)
    assert_inert(out)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_with_images_allowed_nothing_else_gets_through(text: str) -> None:
    assert_inert(neutralise(text, images=True), images=True)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([t for _, t in corpus("http://h")]), any_text, any_text)
def test_hostile_entries_inside_random_text_stay_inert(entry: str, before: str, after: str) -> None:
    out = neutralise(before + entry + after)
    _assert_no_image_node(out)
    assert_inert(out)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_plain_text_is_never_markup(text: str) -> None:
    out = plain(text)
    assert_inert(out)
    html = cmark_html(out)
    assert "<code>" not in html and "<em>" not in html and "<strong>" not in html, (text, html)
    # cmark-gfm turns bare addresses into links after escapes are read (GFM's
    # autolink literals): the only links allowed show their own address.
    for href, shown in re.findall(r'<a href="([^"]*)">([^<]*)</a>', html):
        assert href.endswith(shown.replace("&amp;", "&")), (text, html)
    assert html.count("<a ") == len(re.findall(r'<a href="[^"]*">[^<]*</a>', html)), html
