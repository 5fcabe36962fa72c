"""Where a streaming loop's CPU goes, from a ``py-spy record --format raw`` file.

Counts the samples taken inside ``lean_sse.timed`` (reading answers; not imports or
start-up) and gives each to the innermost part its stack passes through: the SDK building
a model per chunk (``openai/_models.py``, pydantic), the SDK's SSE decoder
(``openai/_streaming.py``), the playground's raw reader (``playground/chat/raw_events.py``),
the JSON parsers, the socket reads (httpx2/httpcore2), or else "other" (the loops
themselves, the project's mapping of chunks to ``Delta``s).
Usage: ``python benchmarks/spy_share.py PROFILE.txt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

PARTS = {  # a frame's file (or function and file) -> the part it belongs to
    "SDK model per chunk (openai/_models.py, _base_client.py, pydantic)": (
        "openai/_models.py",
        "_process_response_data (openai/_base_client.py",
        "pydantic",
    ),
    "JSON parsing (json; orjson in raw_events.loads)": (
        "json/",
        "loads (playground/chat/raw_events.py",
    ),
    "HTTP reads (httpx2, httpcore2, socket)": ("httpx2/", "httpcore2/", "(socket.py", "(ssl.py"),
    "SSE decoding (openai/_streaming.py)": ("openai/_streaming.py",),
    "SSE decoding (playground/chat/raw_events.py)": ("playground/chat/raw_events.py",),
    "chunks to Deltas (answer_shapes.py, responses_events.py)": (
        "playground/chat/answer_shapes.py",
        "playground/chat/responses/events.py",
    ),
}
OTHER = "other (the loops, Delta construction)"


def shares(path: Path) -> tuple[int, dict[str, float]]:
    total = 0
    hits = dict.fromkeys([*PARTS, OTHER], 0)
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if "timed (benchmarks/lean_sse.py" not in stack:
            continue
        total += int(count)
        hits[_innermost(stack.split(";"))] += int(count)
    return total, {part: hit / total for part, hit in hits.items()} if total else {}


def _innermost(frames: list[str]) -> str:
    for frame in reversed(frames):
        for part, marks in PARTS.items():
            if any(mark in frame for mark in marks):
                return part
    return OTHER


def main() -> None:
    for name in sys.argv[1:]:
        total, found = shares(Path(name))
        print(f"# {name}: {total} samples while reading answers")
        for part, share in found.items():
            print(f"| {part} | {share:.0%} |")


if __name__ == "__main__":
    main()
