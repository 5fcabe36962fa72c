"""Hostile input against ``streamlit run``, with another person loading the page meanwhile.

Every case of issue 27's findings (``hostile_cases.CASES``: regexes, JSON Schemas,
templates and files in Prompt sets; long prompts and bad attachments on cards;
a 20,000-vote Leaderboard; Compare answers on two 499,000-character answers) runs
against a fresh ``streamlit run streamlit_app.py --server.headless true`` on a free
127.0.0.1 port, talking to the test server (``tests/fake_openai.py``, in its own
process). For each case:

- a bystander (``hostile_probe.Bystander``: Streamlit's own protocol, a new session
  each time) loads the Playground page repeatedly: a baseline just before the case,
  then all through it, until the case has ended and three more loads have;
- a hostile visitor in headless Chromium (Debian's ``/usr/bin/chromium``) types or
  uploads the input in the real page and waits for its outcome;
- the app process's resident memory before, after and at its peak (VmRSS, VmHWM of
  the streamlit process itself), and the summed resident memory of its child
  processes (the bounded evaluator's workers), sampled for their peak.

Printed: one table row per case (growth, bystander p50/max against its baseline,
exception box, what the page said), then each case's pass/fail against the targets:
growth ≤ 100 MB, bystander delay (slowest load during the case minus the baseline's
median) ≤ 0.5 s, no exception box. A benchmark, not a test: it exits 0 whatever the
figures.

Usage: ``python benchmarks/hostile.py`` (all cases, about 15 minutes), or
``python benchmarks/hostile.py regex template`` (cases whose name contains any word).
"""

from __future__ import annotations

import contextlib
import http.server
import multiprocessing
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, machine
from hostile_cases import CASES, Case, Ctx
from hostile_page import reply
from hostile_page import said as shows
from hostile_probe import MIB, Bystander, Memory, p50_max
from playwright.sync_api import Browser, sync_playwright

from tests.browser.helpers import CHROMIUM, start_app, stop_app
from tests.browser.pg import RunWatcher
from tests.fake_openai import FakeOpenAIServer, Scenario

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
GROWTH_MB, DELAY_S = 100, 0.5
BASELINE_LOADS, AFTER_LOADS = 5, 3
assert ROOT


@dataclass
class Row:
    name: str
    memory: Memory
    baseline: list[float]
    during: list[float]
    exception_boxes: int
    said: str
    traceback_in_log: bool
    seconds: float

    @property
    def delay(self) -> float:
        return max(self.during, default=0.0) - p50_max(self.baseline)[0]

    def targets(self) -> dict[str, bool]:
        return {
            f"growth ≤ {GROWTH_MB} MB": self.memory.growth <= GROWTH_MB * 1_000_000,
            f"delay ≤ {DELAY_S} s": self.delay <= DELAY_S,
            "no exception box": self.exception_boxes == 0,
        }


def _serve(conn: object) -> None:
    """The test server's process: one "Lab" endpoint answering by prompt (``reply``)."""
    server = FakeOpenAIServer().start()
    url = server.add("lab", Scenario(models=["fake-small", "fake-large", "gpt-4o"], reply_fn=reply))
    conn.send(url)  # type: ignore[attr-defined]
    conn.recv()  # type: ignore[attr-defined]  # until the benchmark ends
    server.stop()


class Listener:
    """A 127.0.0.1 HTTP server that only counts requests: any request is a fetch."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"type": "string"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def config(lab: str) -> str:
    return f'[[endpoints]]\nname = "Lab"\nbase_url = "{lab}"\n[local_model]\nenabled = false\n'


def run_case(case: Case, browser: Browser, lab: str, listener: Listener) -> Row:
    tmp = Path(tempfile.mkdtemp(prefix="pg-hostile-"))
    if case.store is not None:
        case.store(tmp / "data")
    app = start_app(config(lab), tmp)
    port = int(app.url.rsplit(":", 1)[1])
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    bystander = Bystander(port)
    try:
        bystander.wait_for(BASELINE_LOADS + 1, 0)  # the first load imports what the app needs
        baseline = [s for _, s in bystander.samples[1:]]
        memory = Memory(app.process.pid)
        marks: list[float] = []

        def begin() -> None:
            if not marks:
                memory.start()
                marks.append(time.monotonic())

        hits = len(listener.hits)
        try:
            said = case.act(Ctx(page, app.url, lab, listener.url, tmp, begin, RunWatcher(page)))
        except Exception as exc:  # the page never showed the outcome: say so in the table
            said = f"driver: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
            with contextlib.suppress(Exception):
                said += " | " + shows(page)
            traceback.print_exc(file=sys.stderr)
        begin()  # (when the case failed before its input)
        started = marks[0]
        if len(listener.hits) > hits:
            said = f"FETCHED {listener.hits[hits:]} | " + said
        ended = time.monotonic()
        bystander.wait_for(AFTER_LOADS, ended)
        memory.stop()
        during = bystander.between(started, time.monotonic())
        boxes = page.locator('[data-testid="stException"]').count()
        page.screenshot(path=str(tmp / "hostile-page.png"), full_page=True)
        print(f"  the hostile page at the end: {tmp / 'hostile-page.png'}", file=sys.stderr)
    finally:
        bystander.stop()
        context.close()
        stop_app(app)
    log = app.log.read_text(errors="replace")
    return Row(
        case.name, memory, baseline, during, boxes, said, "Traceback" in log, ended - started
    )


def table(rows: list[Row]) -> None:
    print(f"# hostile input against streamlit run ({machine()})")
    print(
        "| case | app RSS before → after (peak) MiB | growth MB | workers RSS before → after "
        "(peak) MiB | bystander p50 / max s (baseline) | exception box | case s | page says |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        m = r.memory
        p50, worst = p50_max(r.during)
        base, _ = p50_max(r.baseline)
        said = r.said.replace("|", "/")[:160] + (
            " (traceback in log)" if r.traceback_in_log else ""
        )
        print(
            f"| {r.name} | {m.before / MIB:.0f} → {m.after / MIB:.0f} ({m.peak / MIB:.0f}) "
            f"| {m.growth / 1e6:.0f} | {m.workers_before / MIB:.0f} → {m.workers_after / MIB:.0f} "
            f"({m.workers_peak / MIB:.0f}) | {p50:.2f} / {worst:.2f} "
            f"({base:.2f}, n={len(r.during)}) | {r.exception_boxes} | {r.seconds:.1f} | {said} |"
        )
    print()
    print("| case | " + " | ".join(rows[0].targets()) + " |" if rows else "")
    print("|---|---|---|---|")
    for r in rows:
        marks = ["pass" if ok else "**FAIL**" for ok in r.targets().values()]
        print(f"| {r.name} | " + " | ".join(marks) + " |")
    failed = [r.name for r in rows if not all(r.targets().values())]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} cases meet every target.")


def main(words: list[str]) -> list[Row]:
    cases = [c for c in CASES if not words or any(w.lower() in c.name.lower() for w in words)]
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(theirs,), daemon=True)
    server.start()
    lab = ours.recv()
    listener = Listener()
    rows: list[Row] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for case in cases:
                print(f"… {case.name}", file=sys.stderr, flush=True)
                rows.append(run_case(case, browser, lab, listener))
                r = rows[-1]
                done = f"{r.memory.growth / 1e6:.0f} MB, delay {r.delay:.2f} s"
                print(f"  {done}, boxes {r.exception_boxes}: {r.said[:150]}", file=sys.stderr)
            browser.close()
    finally:
        ours.send("stop")
        server.join(10)
        listener.server.shutdown()
    table(rows)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(0)
