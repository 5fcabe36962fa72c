"""The live view's finished blocks, rendered on the server: safe HTML, each block once."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from playground.rendering.live_html import LiveBlocks, block_html
from playground.rendering.safe_html import markdown
from tests.hostile_corpus import corpus

# What markdown-it-py writes for CommonMark + tables + strikethrough, and the image
# placeholder: any other element could only come from raw HTML in the answer.
ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "code"}
ALLOWED_TAGS |= {"a", "em", "strong", "blockquote", "hr", "br", "s", "span"}
ALLOWED_TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRS = {"href", "rel", "title", "class", "start", "style"}


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser's parser reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name not in ALLOWED_ATTRS:
                self.problems.append(f"attribute {name} on <{tag}>")
            elif name == "href" and not value.startswith(("http://", "https://", "mailto:")):
                self.problems.append(f"href {value[:40]}")
            elif name == "style" and not value.startswith("text-align:"):
                self.problems.append(f"style {value[:40]}")
            elif name == "class" and tag != "code" and value != "placeholder":
                self.problems.append(f"class {value[:40]}")


def unsafe(html: str) -> list[str]:
    """What in ``html`` could fetch, run or link to a script; [] if nothing."""
    found = _Elements()
    found.feed(html)
    found.close()
    if "<img" in html.lower():
        found.problems.append("<img")
    return found.problems


def streamed(text: str, step: int = 3) -> tuple[list[str], str]:
    """``text`` fed as a stream ``step`` characters at a time: every block handed out
    (Markdown sources) and the tail left at the end."""
    live, blocks = LiveBlocks(), []
    for end in [*range(step, len(text), step), len(text)]:
        changed = live.feed(text[:end])
        if changed is not None:
            kept, new = changed
            assert kept == len(blocks)  # the text only grew: nothing is taken back
            blocks += new
    return blocks, live.tail


ANSWER = (
    "# A heading\n\nSome *emphasis* and a [link](https://example.com/a).\n\n"
    "- one\n- two\n\n```python\nprint('<b>hi</b>')\n```\n"
    "![a picture](https://example.com/p.png)\n\n<b>raw</b> <script>x()</script>\n\n"
    "the tail, unfinished"
)


def test_finished_blocks_render_through_the_safe_policy_and_the_tail_stays_text() -> None:
    blocks, tail = streamed(ANSWER)
    assert [b.split("\n", 1)[0] for b in blocks] == [
        "# A heading",
        "Some *emphasis* and a [link](https://example.com/a).",
        "- one",
        "```python",
        "![a picture](https://example.com/p.png)",
        "<b>raw</b> <script>x()</script>",
    ]
    assert tail == "the tail, unfinished"
    html = [block_html(b) for b in blocks]
    assert html == [markdown(b) for b in blocks]  # the share page's safe render, as it is
    joined = "".join(html)
    assert "<h1>A heading</h1>" in joined and "<li>one</li>" in joined
    assert '<a href="https://example.com/a" rel="noopener noreferrer nofollow">' in joined
    assert '<code class="language-python">' in joined
    assert "&lt;b&gt;raw&lt;/b&gt;" in joined and "&lt;script&gt;" in joined
    assert "a picture (image not loaded)</a>" in joined  # a link to it, nothing fetched
    assert unsafe(joined) == []


def test_the_checker_does_catch_markup() -> None:
    assert unsafe('<p>a</p><img src="x">') == ["element <img>", "attribute src on <img>", "<img"]
    assert unsafe('<a href="javascript:x">j</a>') == ["href javascript:x"]
    assert unsafe('<div onclick="x">d</div>') == ["element <div>", "attribute onclick on <div>"]


def test_a_text_split_again_starts_the_blocks_over() -> None:
    live = LiveBlocks()
    assert live.feed("thinking\n\nmore") == (0, ["thinking\n\n"])
    assert live.feed("thinking\n\nmore") is None  # nothing new: nothing to send
    assert live.feed("answer\n\n") == (0, ["answer\n\n"])  # re-split: the reader drops all
    assert live.feed("answer\n\nnext\n\n") == (1, ["next\n\n"])


@pytest.mark.parametrize(("name", "text"), corpus("http://127.0.0.1:9/canary"))
def test_every_hostile_entry_streamed_renders_safe_blocks(name: str, text: str) -> None:
    blocks, tail = streamed(text + "\n\n---\n\nafter", step=7)
    rendered = "".join(block_html(b) for b in blocks)
    assert tail.endswith("after")  # the rest, unfinished (or never a block: text)
    assert unsafe(rendered) == [], name
