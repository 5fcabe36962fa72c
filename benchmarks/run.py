"""Run the benchmark suite and print one table of ratios: ``python benchmarks/run.py``.

Each part also prints its own detailed table first. ``--no-local`` skips the
embedded-model part (it needs requirements-local.txt); ``--no-browser`` skips
the parts that need Chromium.
"""

from __future__ import annotations

import sys

import browser
import egress
import fanout
import import_limits
import local_overhead
import prompt_sets
import rerun
import store
import throughput
from common import machine


def main(argv: list[str]) -> None:
    rows: list[tuple[str, str, str]] = []
    for n, _wall, _raw, _slowest, ratio in fanout.main([2, 4, 8]):
        rows.append(
            (f"synced prompt to {n} cards, wall / one raw SDK answer", f"{ratio:.2f}", "≤ 1.15")
        )
    print()
    rows += throughput.main()
    print()
    rows += rerun.main()
    print()
    rows += store.main()
    print()
    rows += egress.main()
    print()
    rows += import_limits.main()
    print()
    rows += prompt_sets.main()
    print()
    if "--no-browser" not in argv:
        rows += browser.main()
        print()
    if "--no-local" not in argv:
        rows += local_overhead.main(9)
        print()
    print(f"# summary ({machine()})")
    print("| figure | measured | target |")
    print("|---|---|---|")
    for figure, value, target in rows:
        print(f"| {figure} | {value} | {target} |")


if __name__ == "__main__":
    main(sys.argv[1:])
