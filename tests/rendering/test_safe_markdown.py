"""The neutraliser, checked by parsing its output again: with markdown-it and with cmark-gfm.

cmark-gfm (GitHub's reference C parser, via ``cmarkgfm``) shares no code with
markdown-it: what neither reads as an image, raw HTML or a live odd link, the
browser test then shows Streamlit's renderer does not read so either.
"""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from playground.rendering.safe_markdown import ZERO_WIDTH_SPACE, as_code, neutralise, parser, plain
from tests.hostile_corpus import corpus

URL = "http://127.0.0.1:9/leak"
_ALLOWED_TAGS = (
    "p|a|code|pre|em|strong|del|s|ul|ol|li|blockquote|h[1-6]|hr|br|table|thead|tbody|tr|th|td|"
    "span|div"
)
_OTHER_TAG = re.compile(rf"<(?!/?(?:{_ALLOWED_TAGS})\b)[^>]*>")


LIVE = frozenset({"http", "https", "mailto"})


def cmark_html(markdown: str) -> str:
    """cmark-gfm's HTML for ``markdown``, raw HTML kept (so any that survives shows)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def markdown_it_html(markdown: str) -> str:
    return parser().render(markdown)


def assert_inert(markdown: str, images: bool = False) -> None:
    """Neither parser finds an image (unless allowed), raw HTML or a non-http(s) link."""
    for html in (cmark_html(markdown), markdown_it_html(markdown)):
        if not images:
            assert "<img" not in html, html
        assert _OTHER_TAG.search(html.replace("<img", "<p")) is None, html
        for href in re.findall(r'(?:href|src)="([^"]*)"', html):
            # A URL has a scheme only when it starts with a letter (WHATWG URL
            # standard); any scheme must be http(s) or mailto. A scheme-less href
            # (cmark-gfm links "_mailto:a@b.c" as is) is a path on the app's own host.
            scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", href)
            assert scheme is None or scheme.group(1).lower() in LIVE, html
            assert not re.match(r"\s*(javascript|data|vbscript)", href, re.IGNORECASE), html
    tokens = parser().parse(markdown)
    for token in tokens:
        for child in token.children or []:
            assert child.type not in ("html_inline",), markdown
            assert images or child.type != "image", markdown
        assert token.type != "html_block", markdown


@pytest.mark.parametrize(("name", "text"), corpus(URL), ids=[n for n, _ in corpus(URL)])
def test_hostile_corpus_is_inert(name: str, text: str) -> None:
    assert_inert(neutralise(text))


@pytest.mark.parametrize(("name", "text"), corpus(URL), ids=[n for n, _ in corpus(URL)])
def test_hostile_corpus_is_inert_with_images_allowed(name: str, text: str) -> None:
    out = neutralise(text, images=True)
    assert_inert(out, images=True)
    for src in re.findall(r'<img src="([^"]*)"', cmark_html(out)):
        assert src.startswith("http"), out  # data: and other images stay text


@pytest.mark.parametrize(
    ("text", "link_text", "href"),
    [
        pytest.param(
            "see ![chart](https://evil.example/x.png?q=secret)",
            "chart (image not loaded)",
            "https://evil.example/x.png?q=secret",
            id="inline",
        ),
        pytest.param(
            '![a](<https://h/i.png> "title")', "a (image not loaded)", "https://h/i.png", id="title"
        ),
        pytest.param(
            "![logo][1]\n\n[1]: https://h/l.png",
            "logo (image not loaded)",
            "https://h/l.png",
            id="reference",
        ),
        pytest.param(
            "![](https://h/i.png)", "image (image not loaded)", "https://h/i.png", id="no-alt"
        ),
    ],
)
def test_images_become_links_to_the_picture(text: str, link_text: str, href: str) -> None:
    html = cmark_html(neutralise(text))
    assert "<img" not in html
    assert f'<a href="{href.replace("&", "&amp;")}">{link_text}</a>' in html


@pytest.mark.parametrize(
    ("text", "expected_html"),
    [
        pytest.param("a [link](https://h) stays", '<a href="https://h">link</a>', id="link"),
        pytest.param("`![x](y)` in code", "<code>![x](y)</code>", id="code-span"),
        pytest.param(
            "```md\n![x](http://h)\n```", '<pre lang="md"><code>![x](http://h)\n</code>', id="fence"
        ),
        pytest.param("mail [me](mailto:a@b.c)", '<a href="mailto:a@b.c">me</a>', id="mailto"),
        pytest.param(
            "bare https://example.com/x", '<a href="https://example.com/x">', id="bare-url"
        ),
        pytest.param(
            "| a | b |\n|---|--:|\n| 1 | **2** |", '<td align="right"><strong>2', id="table"
        ),
        pytest.param("~~gone~~ *em*", "<del>gone</del> <em>em</em>", id="strike-em"),
        pytest.param("- a\n  - b\n- c", "<li>a\n<ul>\n<li>b</li>", id="tight-nested-list"),
        pytest.param("> q\n>\n> - x", "<blockquote>\n<p>q</p>\n<ul>\n<li>x</li>", id="quote"),
        pytest.param("1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2", id="plain-symbols"),
    ],
)
def test_ordinary_markdown_renders_as_before(text: str, expected_html: str) -> None:
    assert expected_html in cmark_html(neutralise(text))


@pytest.mark.parametrize(
    "text",
    [
        "\\![a [b] c](http://h/1)a-mailto:a@b.c`_",  # found by Hypothesis in CI
        "x a-xmpp:a@b.c",
        "a_mailto:a@b.c and 1-MAILTO:a@b.c",
    ],
)
def test_text_before_a_protocol_address_makes_no_link_of_another_scheme(text: str) -> None:
    """cmark-gfm's autolink literals took the letters before "mailto:" into the href
    ("a-mailto:a@b.c", a scheme of its own) where markdown-it left the address as text."""
    out = neutralise(text)
    assert_inert(out)
    assert "mailto:a@b.c" in cmark_html(out).replace("\u200b", "") or "xmpp" in text


def test_math_stays_math_and_risky_math_becomes_code() -> None:
    out = neutralise(r"Euler: $e^{i\pi}+1=0$ and $\left(x\right)$, but $\href{javascript:x}{y}$")
    assert r"$e^{i\pi}+1=0$" in out and r"$\left(x\right)$" in out
    assert "<code>\\href{javascript:x}{y}</code>" in cmark_html(out)


def test_images_allowed_keeps_http_images_only() -> None:
    out = neutralise("![a](http://h/a.png) ![b](data:image/png;base64,AAAA)", images=True)
    html = cmark_html(out)
    assert '<img src="http://h/a.png" alt="a"' in html
    assert "data:" not in re.sub(r"<[^>]*>", "", html) or 'src="data' not in html
    assert html.count("<img") == 1


def test_the_regex_blocker_test_still_holds() -> None:
    crafted = "![a](http://1) ![b][r] ![c]( http://2 ) !![d](http://3) !![![e](http://4)](x)"
    assert "<img" not in cmark_html(neutralise(crafted))


def test_deep_nesting_is_shown_as_code() -> None:
    text = ">" * 100 + " ![x](http://h/deep)"
    assert neutralise(text) == as_code(text)
    assert cmark_html(neutralise(text)).startswith('<pre lang="text"><code>')


def test_as_code_cannot_be_closed_from_inside() -> None:
    text = "````\n![x](http://h)\n~~~\n```"
    html = cmark_html(as_code(text))
    assert html.startswith('<pre lang="text"><code>````')
    assert html.count("<pre") == 1 and "<img" not in html


@pytest.mark.parametrize(
    "name",
    [
        "![x](http://h/i.png)",
        "**bold** _it_ `code` <b>tag</b> [l](https://x)",
        "line one\nline two",
        ":red[colour] :material/home: $x$ # heading",
        "1. not a list",
        "    indented",
    ],
)
def test_plain_shows_exactly_the_text(name: str) -> None:
    html = cmark_html(plain(name))
    assert "<img" not in html and "<a " not in html and "<b>" not in html
    text = re.sub(r"<br />\n?", "\n", html.removeprefix("<p>").removesuffix("</p>\n"))
    unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    shown = unescaped.replace("&amp;", "&").replace(ZERO_WIDTH_SPACE, "")
    assert shown == "\n".join(line.strip() for line in name.split("\n"))


@pytest.mark.parametrize(
    "name",
    [
        "http://127.0.0.1:8000/v1/model",
        "![m](http://127.0.0.1….0.1:43087/one/model2>",  # a title cut in the middle
        "see www.example.com, HTTPS://EXAMPLE.COM/x and ftp://h.org/f",
    ],
)
def test_plain_makes_no_link_of_a_bare_address(name: str) -> None:
    html = cmark_html(plain(name))  # cmark-gfm's autolink extension, as GitHub renders
    assert "<a " not in html, html
    assert html.replace(ZERO_WIDTH_SPACE, "").startswith("<p>" + name[:4])
