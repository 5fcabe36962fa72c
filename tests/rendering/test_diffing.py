"""Word-level differences of answers (diff-match-patch), and Compare answers over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable

from playground.rendering.diffing import Divergence, Op, tokens, word_diff
from playground.session import commands
from playground.session.compare import bounded_diff, compare_answers, last_answer
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]


def test_a_diff_of_two_known_answers_has_exactly_these_ops() -> None:
    diff = word_diff(
        "Paris is the capital of France.\n\nIt has 2 million people.",
        "The capital of France is Paris.\n\nIt has 2.1 million people.",
    )
    assert diff.ops == (
        Op("delete", "Paris is the"),
        Op("insert", "The"),
        Op("equal", " capital of France"),
        Op("insert", " is Paris"),
        Op("equal", ".\n\nIt has 2"),
        Op("insert", ".1"),
        Op("equal", " million people."),
    )
    assert diff.markers() == (
        "[-Paris is the-]{+The+} capital of France{+ is Paris+}.\n\nIt has 2{+.1+} million people."
    )
    assert diff.divergence() == Divergence(line=1, word=1, shared_before="")
    assert (diff.inserted_words, diff.deleted_words) == (4, 3)


def test_an_edit_never_splits_a_word_and_divergence_names_the_shared_words() -> None:
    diff = word_diff("It is large today.\nYes.", "It is largest today.\nYes.")
    assert diff.ops == (
        Op("equal", "It is "),
        Op("delete", "large"),
        Op("insert", "largest"),
        Op("equal", " today.\nYes."),
    )
    assert diff.divergence() == Divergence(line=1, word=3, shared_before="It is")


def test_divergence_on_a_later_line() -> None:
    diff = word_diff("a b\nc d e\nf", "a b\nc d x\nf")
    assert diff.divergence() == Divergence(line=2, word=5, shared_before="a b c d")


def test_the_same_answers_are_identical_and_tokens_rejoin() -> None:
    text = "```python\nprint('hi')  # ok\n```\n"
    assert "".join(tokens(text)) == text
    diff = word_diff(text, text)
    assert diff.identical and diff.divergence() is None and diff.markers() == text


def test_many_distinct_words_stay_exact() -> None:
    ref = " ".join(f"w{i}" for i in range(60_000))  # past the surrogate range of codes
    other = ref.replace("w59999", "changed")
    diff = word_diff(ref, other)
    assert [op.kind for op in diff.ops] == ["equal", "delete", "insert"]
    assert diff.ops[1:] == (Op("delete", "w59999"), Op("insert", "changed"))


def test_compare_answers_diffs_the_last_answers_of_cards_over_http(scenario: Scenario) -> None:
    svc = services(
        A=scenario(reply="The answer is 42, as everyone knows."),
        B=scenario(reply="The answer is 41, as some know."),
    )
    session = on(svc)
    first, second = session.workspace.cards
    second.config.endpoint = "B"
    commands.send_to_all(session, svc, "question")
    finish(session)
    assert last_answer(first) == ("The answer is 42, as everyone knows.",)
    [result] = compare_answers(session, first.id, [first.id, second.id])
    assert result.other_id == second.id and result.problem is None
    assert result.diff is not None
    assert result.diff.markers() == (
        "The answer is [-42-]{+41+}, as [-everyone knows-]{+some know+}."
    )
    assert [(op.kind, op.text) for op in result.diff.ops if op.kind != "equal"] == [
        ("delete", "42"),
        ("insert", "41"),
        ("delete", "everyone knows"),
        ("insert", "some know"),
    ]


def test_compare_says_when_a_card_has_no_answer_and_masks_names(scenario: Scenario) -> None:
    svc = services(A=scenario(reply="I am fake-small, hello."))
    session = on(svc)
    first, second = session.workspace.cards
    commands.send(session, svc, [first.id], "who are you")
    finish(session)
    [missing] = compare_answers(session, first.id, [second.id])
    assert missing.diff is None and missing.problem == "This card has no finished answer yet."
    [reverse] = compare_answers(session, second.id, [first.id])
    assert reverse.problem == "The reference card has no finished answer yet."
    commands.send(session, svc, [second.id], "who are you")
    finish(session)
    [masked] = compare_answers(
        session, first.id, [second.id], hide=lambda t: t.replace("fake-small", "[hidden]")
    )
    assert masked.diff is not None and masked.diff.identical
    assert "fake-small" not in masked.diff.markers()


def _inline_tokens(markdown: str) -> list[tuple[str, str]]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("strikethrough")
    out: list[tuple[str, str]] = []
    for block in parser.parse(markdown):
        for child in block.children or []:
            out.append((child.type, child.content))
    return out


def test_the_drawn_diff_strikes_deletions_bolds_insertions_and_loads_nothing() -> None:
    from playground.ui.text import diff_markdown

    diff = word_diff(
        "Use `x` here.\n    indented", "Use ![a](http://e.test/p.png) here.\n    indented"
    )
    markdown = diff_markdown(diff.ops)
    seen = _inline_tokens(markdown)
    types = [t for t, _ in seen]
    assert "image" not in types and "link_open" not in types and "code_inline" not in types
    struck = types.index("s_open")
    assert seen[struck + 1] == ("text", "`x`")
    strong = types.index("strong_open")
    assert seen[strong + 1] == ("text", "![a](http://e.test/p.png)")
    assert ":red-background[~~" in markdown and ":green-background[**" in markdown
    assert "\u00a0" * 4 + "indented" in markdown  # indentation kept, not a code block


def test_the_drawn_diff_stops_within_the_limit_and_says_so() -> None:
    from playground.ui.text import diff_markdown, diff_markdown_start

    diff = word_diff("a *b* c\n" * 2000, "a *b* d\n" * 2000)
    full = diff_markdown(diff.ops)
    assert diff_markdown_start(diff.ops, len(full)) == (full, True)
    start, whole = diff_markdown_start(diff.ops, 1_000)
    assert not whole and 900 < len(start) <= 1_000 and full.startswith(start)
    # One run longer than the limit, every character escaped: cut inside, still marked.
    start, whole = diff_markdown_start((Op("insert", "*" * 5_000),), 1_000)
    assert not whole and 900 < len(start) <= 1_000
    assert start.startswith(":green-background[**\\*") and start.endswith("\\***]")


def test_two_long_answers_are_diffed_outside_the_app_process() -> None:
    # Issue 27: 499,000-character answers with many distinct words cost seconds of pure
    # Python, which in the app process held every session on the interpreter lock.
    words = [f"w{i}" for i in range(60_000)]
    reference = " ".join(words)[:499_000]
    other = " ".join(reversed(words))[:499_000]
    started = time.process_time()
    found = bounded_diff((reference,), (other,))
    assert time.process_time() - started < 0.5  # the app's own CPU: the worker diffs
    if isinstance(found, str):  # past the limit: a sentence, not an exception
        assert found.startswith("Comparing these answers took more than")
    else:
        assert "".join(op.text for op in found.ops if op.kind != "insert") == reference
