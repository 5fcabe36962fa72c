"""Import JSON against hostile files: peak memory growth and seconds, per file.

Each file of ``tests/hostile_imports.py`` is imported in a fresh interpreter
(``python -m tests.hostile_imports FILE``), which reports the growth of its peak
resident memory (VmHWM) over its baseline after imports, and the seconds
``import_json`` took. Targets: under 100 MB and within 2 s, with a clear message.
The export of the largest workspace the store keeps (4 MiB) is imported too,
for comparison: that is what a legitimate file may cost.
Usage: ``python benchmarks/import_limits.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import machine

from playground.store.config import StoreConfig
from playground.workspace.export import export_json
from playground.workspace.types import Card, Message, Workspace
from tests.hostile_imports import HOSTILE, Cost, Hostile, measure

MEMORY_MB = 100
SECONDS = 2.0


def _largest_export() -> bytes:
    """Empty prompts with the app's own ids, filling ``max_workspace_bytes``."""
    limit = StoreConfig().max_workspace_bytes
    per_message = len(Message(role="user").model_dump_json()) + 1
    workspace = Workspace(cards=[Card()])
    messages = workspace.cards[0].messages
    messages.extend(Message(role="user") for _ in range(limit // per_message))
    while len(workspace.model_dump_json().encode()) > limit:
        messages.pop()
    return export_json(workspace)


def _run(name: str, data: bytes, folder: Path) -> Cost:
    path = folder / "import.json"
    path.write_bytes(data)
    cost = measure(path)
    ok = cost.returncode == 0 and cost.growth_mb < MEMORY_MB and cost.seconds <= SECONDS
    said = (cost.message or "imported")[:70].replace("|", "/")
    print(
        f"| {name} | {len(data) / 1e6:.1f} | {cost.growth_mb:.1f} | {cost.seconds:.2f} "
        f"| {'yes' if ok else 'NO'} | {said} |"
    )
    return cost


def main() -> list[tuple[str, str, str]]:
    print(f"# Import JSON: hostile files ({machine()})")
    print("| file | MB | peak memory growth (MB) | seconds | within targets | answer |")
    print("|---|---|---|---|---|---|")
    costs: list[tuple[Hostile, Cost]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for hostile in HOSTILE:
            costs.append((hostile, _run(hostile.name, hostile.make(), Path(tmp))))
        legit = _run("(the export of a full 4 MiB workspace)", _largest_export(), Path(tmp))
    worst_memory = max(costs, key=lambda pair: pair[1].growth_mb)
    worst_time = max(costs, key=lambda pair: pair[1].seconds)
    clear = all(c.returncode == 0 and h.message in c.message for h, c in costs)
    return [
        (
            f"Import JSON, hostile files: most peak memory growth ({worst_memory[0].name})",
            f"{worst_memory[1].growth_mb:.0f} MB",
            f"< {MEMORY_MB} MB",
        ),
        (
            f"Import JSON, hostile files: slowest answer ({worst_time[0].name})",
            f"{worst_time[1].seconds:.2f} s",
            f"≤ {SECONDS:g} s",
        ),
        ("Import JSON, hostile files answered with their message", str(clear), "True"),
        (
            "Import JSON, a full 4 MiB workspace: memory growth / seconds",
            f"{legit.growth_mb:.0f} MB / {legit.seconds:.2f} s",
            "report",
        ),
    ]


if __name__ == "__main__":
    rows = main()
    print()
    for figure, value, target in rows:
        print(f"| {figure} | {value} | {target} |")
