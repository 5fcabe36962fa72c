import pytest

from playground.rendering.markdown_blocks import BlockSplitter


def stream(text: str, step: int, max_tail: int = 1500) -> tuple[list[str], BlockSplitter]:
    splitter = BlockSplitter(max_tail=max_tail)
    blocks: list[str] = []
    for end in range(step, len(text) + step, step):
        blocks += splitter.feed(text[:end])
    return blocks, splitter


@pytest.mark.parametrize("step", [1, 3, 17, 1000])
def test_paragraphs_become_blocks_and_nothing_is_lost(step: int) -> None:
    text = "First paragraph.\n\nSecond one,\nwith two lines.\n\nThe tail"
    blocks, splitter = stream(text, step)
    assert blocks == ["First paragraph.\n\n", "Second one,\nwith two lines.\n\n"]
    assert "".join(blocks) + splitter.tail == text


def test_a_code_fence_is_never_split_at_its_blank_lines() -> None:
    text = "Intro\n\n```python\ndef f():\n\n    return 1\n```\nAfter"
    blocks, splitter = stream(text, 5)
    assert blocks == ["Intro\n\n", "```python\ndef f():\n\n    return 1\n```\n"]
    assert splitter.tail == "After"


def test_a_long_fence_is_closed_and_reopened() -> None:
    code = "".join(f"line {i}\n" for i in range(400))
    text = "```text\n" + code
    blocks, splitter = stream(text, 50, max_tail=200)
    assert len(blocks) > 5
    assert all(b.startswith("```text\n") and b.endswith("```\n") for b in blocks)
    assert splitter.tail.startswith("```text\n")
    body = "".join(b[len("```text\n") : -len("```\n")] for b in blocks)
    assert body + splitter.tail[len("```text\n") :] == code


def test_the_tail_stays_short_for_long_answers() -> None:
    text = "".join(f"Sentence number {i} of a long answer.\n" for i in range(5000))
    _, splitter = stream(text, 64, max_tail=1500)
    assert len(splitter.tail) <= 1500 + 64


def test_one_endless_line_is_cut_at_spaces() -> None:
    text = "word " * 5000
    blocks, splitter = stream(text, 100, max_tail=500)
    assert blocks and len(splitter.tail) < 4 * 500 + 200
    assert "".join(blocks) + splitter.tail == text
