"""Ordinary Markdown looks as the model wrote it: the CommonMark and GFM spec examples.

For every example of the vendored specs (``tests/spec/``, read by
``tests/spec_examples.py``), the source and the neutralised text are rendered with
GitHub's cmark-gfm (``cmarkgfm``, GFM extensions, raw HTML kept: the same options for
both) and must give the same HTML, wherever the source holds nothing the policy changes.

"Nothing the policy changes" is the policy's own record, not a guess from the text:
``safe_markdown.changes(source)`` lists each thing the writer made inert while writing
(an image, a link whose address is not http(s)/mailto or that has no text, raw HTML, a
formula KaTeX could load or link from, all of it shown as code); an example whose list
is empty is *eligible*. Everything else the writer does (escaping, canonical markers,
fences, link syntax) must not change what a reader sees.

cmark-gfm is the reference; markdown-it (what the neutraliser reads with) is held to the
same standard over the same examples. Where the two parsers read the *source* itself
differently, the writer can only write what markdown-it read: those examples are listed
in ``PARSERS_DISAGREE`` with the reason, and a test checks they still disagree, so the
list cannot hide a writer fault or outlive the disagreement.
"""

from __future__ import annotations

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from playground.rendering.safe_markdown import changes, neutralise, parser
from tests.spec_examples import Example, all_examples

EXAMPLES = all_examples()
ELIGIBLE = [example for example in EXAMPLES if not changes(example.markdown)]


def _by_ids(ids: dict[str, str]) -> list[Example]:
    return [example for example in EXAMPLES if example.id in ids]


PARSERS_DISAGREE = {
    "commonmark-28": "&#87654321; is out of range: cmark-gfm shows U+FFFD, markdown-it the text",
    "commonmark-354": "spec 0.31 counts £ and € as punctuation (markdown-it: no emphasis); "
    "cmark-gfm follows 0.29 (emphasis)",
    "gfm-625": "GFM autolinks: linkify-it ends www.…(business) before the second ')', "
    "cmark-gfm keeps ')+ok'",
    "gfm-626": "GFM autolinks: linkify-it keeps '&hl' in the link, cmark-gfm stops before it",
}


def cmark_gfm(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def test_the_spec_files_are_read_whole() -> None:
    """Every example is read (1 325 less the 2 the GFM spec marks disabled), in order."""
    assert len(EXAMPLES) == 1323
    assert sum(e.spec == "commonmark" for e in EXAMPLES) == 652
    by_id = {example.id: example for example in EXAMPLES}
    assert by_id["commonmark-461"].markdown == "*_foo_*\n"
    assert by_id["commonmark-461"].html == "<p><em><em>foo</em></em></p>\n"
    assert by_id["commonmark-2"].markdown == "  \tfoo\tbaz\t\tbim\n"  # → is a tab
    assert "table" in by_id["gfm-198"].extensions
    # cmark-gfm reproduces the spec's own HTML for most of them (the rest: cmark-gfm's
    # <pre lang=…>, its GFM spec version, its collapsed nested <strong>).
    assert sum(cmark_gfm(e.markdown) == e.html for e in EXAMPLES) > 1250


def test_most_examples_are_eligible() -> None:
    """A policy that flagged everything would make the fidelity test pass vacuously:
    today 943 of 1 323 examples hold nothing the policy changes."""
    assert len(ELIGIBLE) >= 900
    assert all(example.id in {e.id for e in ELIGIBLE} for example in _by_ids(PARSERS_DISAGREE))


@pytest.mark.parametrize(
    ("text", "changed"),
    [
        pytest.param("# Title\n\n- *a* `b` [c](https://x)\n", (), id="ordinary"),
        pytest.param("![a](http://h/i.png)", ("image",), id="image"),
        pytest.param("[a](javascript:alert(1))", ("link",), id="link"),
        pytest.param("[a](/relative)", ("link",), id="relative-link"),
        pytest.param("<b>x</b>", ("html",), id="inline-html"),
        pytest.param("<div>\nx\n</div>", ("html",), id="html-block"),
        pytest.param(r"$\href{javascript:x}{y}$", ("math",), id="math"),
        pytest.param(">" * 100 + " deep", ("code",), id="too-deep"),
    ],
)
def test_changes_names_what_the_policy_changed(text: str, changed: tuple[str, ...]) -> None:
    assert changes(text) == changed


def test_images_allowed_are_not_a_change() -> None:
    assert changes("![a](http://h/i.png)", images=True) == ()
    assert changes("![a](data:image/png;base64,AA)", images=True) == ("image",)


@pytest.mark.parametrize(
    "example", [e for e in ELIGIBLE if e.id not in PARSERS_DISAGREE], ids=lambda e: e.id
)
def test_spec_example_renders_the_same_in_cmark_gfm(example: Example) -> None:
    out = neutralise(example.markdown)
    assert cmark_gfm(out) == cmark_gfm(example.markdown), out


@pytest.mark.parametrize("example", ELIGIBLE, ids=lambda e: e.id)
def test_spec_example_renders_the_same_in_markdown_it(example: Example) -> None:
    out = neutralise(example.markdown)
    assert parser().render(out) == parser().render(example.markdown), out


@pytest.mark.parametrize("example", _by_ids(PARSERS_DISAGREE), ids=lambda e: e.id)
def test_listed_examples_are_parsers_disagreeing_not_the_writer(example: Example) -> None:
    """cmark-gfm reads the source itself unlike markdown-it: the writer's output renders in
    cmark-gfm as markdown-it read the source, and still unlike cmark-gfm's own reading."""
    out = neutralise(example.markdown)
    assert parser().render(out) == parser().render(example.markdown)
    assert cmark_gfm(out) != cmark_gfm(example.markdown), "agrees now: drop it from the list"
