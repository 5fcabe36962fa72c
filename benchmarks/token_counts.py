"""Counting long texts for an OpenAI model: seconds, first and remembered.

The context line counts a card's whole history on every page run. A text past
bpe-openai's limits is counted in pieces (``playground.costs.tokenizers``); this measures
the issue-27 inputs (a 100,000-character CJK Extension-B prompt, a 1 MB text file)
and a prompt at MAX_PROMPT_CHARS: the first count (the tokenizer), the next one
(remembered by digest), and the memory still allocated after both (bpe-openai
keeps its last encode's token list, at most one 50,000-character piece's).
Usage: ``python benchmarks/token_counts.py``.
"""

from __future__ import annotations

import time
import tracemalloc

from common import machine

from playground.config.limits import MAX_PROMPT_CHARS
from playground.costs.tokenizers import counter_for

TEXTS = {
    "100,000 CJK Extension-B characters": "".join(
        chr(0x20000 + i % 42_720) for i in range(100_000)
    ),
    "a 1 MB text file": ("The quick brown fox jumps over the lazy dog. 1234567\n" * 20_000)[
        :1_000_000
    ],
    f"a prompt of {MAX_PROMPT_CHARS:,} characters, no spaces": "x" * MAX_PROMPT_CHARS,
}


def main() -> list[tuple[str, str, str]]:
    print(f"machine: {machine()}")
    count = counter_for("gpt-4o")
    assert count is not None
    count("warm up: load the encoding")
    rows = []
    for name, text in TEXTS.items():
        tracemalloc.start()
        started = time.perf_counter()
        counted = count(text)
        first = time.perf_counter() - started
        started = time.perf_counter()
        count(text[:-1] + text[-1])  # an equal text, another object: as a page run builds it
        again = time.perf_counter() - started
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        mark = "" if counted.exact else "≈"
        rows.append(
            (
                f"gpt-4o count of {name}: {mark}{counted.tokens:,} tokens, first / remembered",
                f"{first:.3f} s / {again * 1000:.1f} ms, {kept / 1000:.0f} kB kept",
                "report",
            )
        )
    return rows


if __name__ == "__main__":
    rows = main()
    print()
    for figure, value, target in rows:
        print(f"| {figure} | {value} | {target} |")
