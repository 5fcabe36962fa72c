"""The Leaderboard at scale: 20,000 votes over 30 models in a temporary SQLite store.

Before (issue 27): every page run read and validated every vote and recomputed the
heat map; the ratings were fitted from every vote object (cached by the votes' ids).
That path is timed here from its functions (``VoteStore.list`` and the per-vote
reference kept in ``tests/arena_per_vote.py``): the old page cannot open a database
migrated since. After: the page itself (AppTest of ``pages/leaderboard.py``), which
counts votes in SQL and caches its board per filter and store version.

Printed, measured in one run: first draw (wall seconds, caches empty, the page's
imports done and printed apart, as the before path had them done), later runs (CPU
seconds of one page run, median of 5) and a filter change (wall), with the ratio of
before over after. Targets: first draw < 1 s, later runs < 0.1 s of CPU.
Usage: ``python benchmarks/leaderboard.py [--votes 20000] [--models 30]``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from common import APP, AppTest, machine

from playground.arena import ratings
from playground.arena.vote_store import VoteFilter, VoteStore
from playground.store import WorkspaceStore
from tests import arena_per_vote
from tests.arena_votes import random_votes

ANSWER = "An answer of a few hundred characters, as a model would write it. " * 8


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process, all threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def fill(data_dir: Path, votes: int, models: int) -> None:
    store = WorkspaceStore(f"sqlite:///{data_dir / 'workspaces.sqlite3'}")
    target = VoteStore(store)
    for record in random_votes(votes, models, seed=27, answer=ANSWER):
        target.add(record)
    store.close()


def before(data_dir: Path) -> dict[str, float]:
    store = WorkspaceStore(f"sqlite:///{data_dir / 'workspaces.sqlite3'}")
    votes = VoteStore(store)
    coding = VoteFilter(tags=("coding",))

    def first(where: VoteFilter | None = None) -> None:
        where = where or VoteFilter()
        records = votes.list(where)
        arena_per_vote.standings(records)
        arena_per_vote.win_rates(records)

    def later() -> None:  # the standings were cached (by the votes' ids), the rest was not
        arena_per_vote.win_rates(votes.list())

    wall, _ = timed(first)
    cpu = statistics.median(timed(later)[1] for _ in range(5))
    change, _ = timed(lambda: first(coding))
    store.close()
    return {"first": wall, "later": cpu, "change": change}


def after() -> dict[str, float]:
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    imports, _ = timed(lambda: importlib.import_module("playground.ui.arena.leaderboard"))
    print(f"the page's imports (altair, pandas, choix, once per process): {imports:.2f} s")
    wall, _ = timed(lambda: at.switch_page("pages/leaderboard.py").run())
    assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe and len(at.dataframe[0].value) > 1, "no standings drawn"
    cpu = statistics.median(timed(at.run)[1] for _ in range(5))
    change, _ = timed(lambda: at.multiselect(key="lb_tags").set_value(["coding"]).run())
    assert not at.exception, [e.value for e in at.exception]
    return {"first": wall, "later": cpu, "change": change}


def functions(data_dir: Path) -> float:
    """Wall seconds of the counted path alone: SQL tally, standings, win rates."""
    store = WorkspaceStore(f"sqlite:///{data_dir / 'workspaces.sqlite3'}")
    votes = VoteStore(store)

    def board() -> None:
        tally = votes.tally()
        ratings.standings(tally)
        ratings.win_rates(tally)

    wall, _ = timed(board)
    store.close()
    return wall


def main(argv: list[str] | None = None) -> list[tuple[str, str, str]]:
    """Measure and print; the summary rows (figure, measured, target) for ``run.py``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--votes", type=int, default=20_000)
    parser.add_argument("--models", type=int, default=30)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="pg-bench-leaderboard-"))
    data = tmp / "data"
    config = tmp / "playground.toml"
    config.write_text(f'[store]\ndata_dir = "{data}"\n\n[local_model]\nenabled = false\n')
    os.environ["PLAYGROUND_CONFIG"] = str(config)
    print(f"# Leaderboard, {args.votes:,} votes over {args.models} models ({machine()})")
    start = time.perf_counter()
    data.mkdir(mode=0o700)
    fill(data, args.votes, args.models)
    print(f"filled the store in {time.perf_counter() - start:.1f} s")
    old = before(data)
    new = after()
    alone = functions(data)
    figures = [
        ("first draw (wall s)", "first", "< 1 s"),
        ("later run (CPU s)", "later", "< 0.1 s"),
        ("filter change (wall s)", "change", ""),
    ]
    print("| figure | before | after | before / after | target |")
    print("|---|---|---|---|---|")
    rows = []
    for name, key, target in figures:
        ratio = old[key] / new[key] if new[key] else float("inf")
        print(f"| {name} | {old[key]:.3f} | {new[key]:.3f} | {ratio:.1f} | {target} |")
        if target:
            rows.append((f"Leaderboard {args.votes:,} votes, {name}", f"{new[key]:.3f}", target))
    print(f"counted path alone (SQL tally, standings, heat map): {alone:.3f} s wall")
    shutil.rmtree(tmp, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main()
