"""Regenerate the pictures in ``docs/`` from the Chromium tests.

    python scripts/screenshots.py            # every picture (the first needs the embedded models)
    python scripts/screenshots.py compare    # only the ones named

Each picture is taken by a browser test at a step it has already checked (the test
passes ``docs="screenshot-…"`` to its ``shot``); with ``PLAYGROUND_SCREENSHOTS`` set,
``shot`` writes that step's full-page screenshot into ``docs/``. View every picture
before committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# picture name -> the browser test that takes it
SHOTS = {
    "first-run": "tests/browser/test_journey.py::test_journey_against_the_embedded_models",
    "streaming": "tests/browser/test_journey.py::test_journey_against_test_server",
    "prompt-sets": "tests/browser/test_prompt_sets.py::"
    "test_a_csv_on_three_cards_and_a_cell_continued_as_chat",
    "leaderboard": "tests/browser/test_arena.py::test_three_blind_rounds_then_the_leaderboard",
    "compare": "tests/browser/test_reading.py::test_compare_answers_shows_a_word_diff_of_two_cards",
}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        print(f"unknown picture(s): {', '.join(unknown)}; known: {', '.join(SHOTS)}")
        return 2
    tests = [SHOTS[n] for n in names or SHOTS]
    env = {**os.environ, "PLAYGROUND_SCREENSHOTS": str(ROOT / "docs")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *tests]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    for name in names or SHOTS:
        print(f"docs/screenshot-{name}.png")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
