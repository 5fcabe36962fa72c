"""Hostile Import JSON files, and a child process that imports one and reports its cost.

Used by tests/workspace/test_import_limits.py (memory and message) and by
benchmarks/import_limits.py (memory and seconds). Each file is written to disk by
the parent; the child (``python -m tests.hostile_imports FILE``) imports the
playground, notes its peak resident memory (VmHWM), reads the file (as Streamlit
holds an upload: bytes in memory), imports it, and prints one JSON line: the
growth of its peak memory over the baseline, the seconds, and the message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playground.config.limits import ImportLimits
from playground.store.config import StoreConfig

ROOT = Path(__file__).resolve().parent.parent
HEAD = b'{"format": "llm-playground/workspace", "version": 1, '


def _cards(cards: bytes) -> bytes:
    return HEAD + b'"workspace": {"cards": [' + cards + b"]}}"


def _settings(settings: bytes) -> bytes:
    return _cards(b'{"config": {"settings": {' + settings + b"}}}")


def _repeat(item: bytes, total_bytes: int) -> bytes:
    return b",".join([item] * (total_bytes // (len(item) + 1)))


def _nest(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _truncated() -> bytes:
    from playground.workspace.export import export_json
    from playground.workspace.types import Card, Message, Workspace

    card = Card(messages=[Message(role="user", content="x" * 100) for _ in range(100)])
    data = export_json(Workspace(cards=[card]))
    return data[: len(data) // 2]


def _most_messages() -> bytes:
    """As many tiny messages as the limit lets through (all kept: the costliest pass)."""
    n = LIMITS.max_messages
    messages = b",".join(b'{"id": "m%x", "role": "user"}' % i for i in range(n))
    return _cards(b'{"messages": [' + messages + b"]}")


def _most_values() -> bytes:
    """As many values as the limit lets through, in a field the format does not know."""
    rows = LIMITS.max_values // 10_000 - 1
    row = b"[" + b",".join([b'"a"'] * 9_999) + b"]"
    return HEAD + b'"x": [' + b",".join([row] * rows) + b"]}"


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[], bytes]
    message: str  # a part of the message the import must answer with


LIMITS = ImportLimits.for_workspace(
    max_cards=8, max_workspace_bytes=StoreConfig().max_workspace_bytes
)
MB = 1_000_000
UNDER_CAP = 10 * MB  # under the 10.9 MB limit of the default max_workspace_bytes

HOSTILE = [
    Hostile("6.6M {} in a 19 MB list", lambda: b"[" + _repeat(b"{}", 19 * MB) + b"]", "too large"),
    Hostile(
        "3.3M {} in a 10 MB list",
        lambda: b"[" + _repeat(b"{}", UNDER_CAP) + b"]",
        "not an LLM Playground workspace export",
    ),
    Hostile(
        "3.3M {} as cards (10 MB)", lambda: _cards(_repeat(b"{}", UNDER_CAP)), "more than 8 cards"
    ),
    Hostile(
        "1,000,000 cards",
        lambda: _cards(b",".join([b"{}"] * 1_000_000)),
        "more than 8 cards",
    ),
    Hostile(
        "1,000,000 short strings in one list",
        lambda: _settings(b'"stop": [' + _repeat(b'"a"', 4_000_000) + b"]"),
        "A list in the file has more than",
    ),
    Hostile(
        "1,000,000 short strings in 100 lists",
        lambda: HEAD + b'"x": [' + b",".join([b"[" + _repeat(b'"a"', 40_000) + b"]"] * 100) + b"]}",
        "values",
    ),
    Hostile(
        "1,000,000 keys in one object",
        lambda: HEAD + b'"x": {' + b",".join(b'"%x":0' % i for i in range(1_000_000)) + b"}}",
        "more than 64 fields",
    ),
    Hostile(
        "an integer of 100,000 digits",
        lambda: _settings(b'"seed": ' + b"9" * 100_000),
        "number too large",
    ),
    Hostile(
        "an integer of 4,301 digits",
        lambda: _settings(b'"seed": ' + b"9" * 4_301),
        "number too large",
    ),
    Hostile("1e99999", lambda: _settings(b'"temperature": 1e99999'), "number too large"),
    Hostile(
        "a float of 1,000,000 digits",
        lambda: _settings(b'"top_p": 1.' + b"1" * 1_000_000),
        "less than or equal to 1",
    ),
    Hostile(
        "a 10 MB string",
        lambda: _cards(b'{"messages": [{"role": "user", "content": "' + b"a" * UNDER_CAP + b'"}]}'),
        "A text in the file is longer than",
    ),
    Hostile(
        "depth 63 nesting, once",
        lambda: HEAD + b'"x": ' + _nest(62) + b"}",
        "x: unknown field",
    ),
    Hostile(
        "depth 63 nesting, 80,000 times (10 MB)",
        lambda: HEAD + b'"x": [' + _repeat(_nest(61), UNDER_CAP) + b"]}",
        "values",
    ),
    Hostile("depth 100,000", lambda: HEAD + b'"x": ' + _nest(100_000) + b"}", "nested too deeply"),
    Hostile(
        "not UTF-8 (10 MB)",
        lambda: _cards(
            b'{"messages": [{"role": "user", "content": "' + b"\xff" * UNDER_CAP + b'"}]}'
        ),
        "not UTF-8",
    ),
    Hostile("truncated", _truncated, "ends too early"),
    Hostile("the most messages the limits let in", _most_messages, "The workspace in the file"),
    Hostile("the most values the limits let in", _most_values, "x: unknown field"),
    Hostile(
        "wrong version",
        lambda: b'{"format": "llm-playground/workspace", "version": 2, "workspace": {}}',
        "version 2",
    ),
]


@dataclass(frozen=True)
class Cost:
    growth_mb: float  # peak resident memory over the baseline after imports
    seconds: float  # import_json alone
    message: str  # the ImportProblem's message, or "" when the file was imported
    returncode: int


def measure(path: Path, *, timeout: float = 120) -> Cost:
    """Import ``path`` in a fresh interpreter and return what it cost."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile_imports", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        return Cost(0.0, 0.0, done.stderr[-500:], done.returncode)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Cost(report["growth_mb"], report["seconds"], report["message"], 0)


def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def _child(path: str) -> None:
    from playground.workspace.export import ImportProblem, import_json

    import_json(
        b'{"format": "llm-playground/workspace", "version": 1, "workspace": {}}',
        endpoints=["Alpha"],
        max_cards=8,
    )  # warm up: imports and first calls done
    baseline = _peak_kib()
    data = Path(path).read_bytes()
    start = time.perf_counter()
    try:
        import_json(data, endpoints=["Alpha"], max_cards=8)
        message = ""
    except ImportProblem as exc:
        message = exc.message
    seconds = time.perf_counter() - start
    growth = (_peak_kib() - baseline) / 1024
    print(json.dumps({"growth_mb": growth, "seconds": seconds, "message": message}))


if __name__ == "__main__":
    _child(sys.argv[1])
