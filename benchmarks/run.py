"""Run every benchmark and print their tables: ``python benchmarks/run.py``.

``--no-local`` skips the embedded-model benchmark (needs requirements-local.txt).
"""

from __future__ import annotations

import sys

import fanout
import local_overhead


def main(argv: list[str]) -> None:
    fanout.main([2, 4, 8])
    print()
    if "--no-local" not in argv:
        local_overhead.main(7)


if __name__ == "__main__":
    main(sys.argv[1:])
