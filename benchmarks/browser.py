"""What the browser receives: redraws per second, bytes per answer, app memory.

Runs ``streamlit run`` and drives it with headless Chromium, counting the
websocket frames and bytes the page receives.
- redraws: one card streams a 3-second answer at 1,000 tokens/s; the deltas
  that redraw its streaming text (they carry the cursor) per second, and all
  websocket frames per second for reference.
- bytes: answers of 1,000, 3,000 and 8,000 tokens (one long line, the worst case
  for block splitting); bytes received per character of answer. 8,000 tokens are
  about 47,000 characters: a longer answer is drawn only up to its first 50,000
  (the rest is a download, ``playground.ui.text``), which would measure the cut. Linear
  cost keeps this flat; resending the whole text on each redraw would grow it
  with the answer's length.
- memory: 8 cards, 50 synced prompts (8 x 100 messages); the app process's
  peak resident memory (VmHWM).
Usage: ``python benchmarks/browser.py``.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, fake_server_process, machine
from playwright.sync_api import Page, expect, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.helpers import CHROMIUM, start_app, stop_app
from tests.browser.pg import PlaygroundPage

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
CURSOR = "▌"
assert ROOT


class Wire:
    """Counts websocket frames and bytes received by the page, and card redraws.

    A card redraw is a delta whose markdown carries the streaming cursor.
    """

    def __init__(self, page: Page) -> None:
        self.frames = 0
        self.bytes = 0
        self.redraws = 0
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        self.frames += 1
        self.bytes += len(payload)
        if isinstance(payload, bytes):
            msg = ForwardMsg.FromString(payload)
            if msg.WhichOneof("type") == "delta" and CURSOR in msg.delta.new_element.markdown.body:
                self.redraws += 1

    def reset(self) -> None:
        self.frames = 0
        self.bytes = 0
        self.redraws = 0


def with_app(config: str, body: Callable[[PlaygroundPage, Wire], None]) -> int:
    """Run ``body`` against a fresh app; return the app process's peak RSS in KiB."""
    app = start_app(config, Path(tempfile.mkdtemp(prefix="pg-bench-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            wire = Wire(page)
            pg = PlaygroundPage(page, app.url).open()
            body(pg, wire)
            browser.close()
        status = Path(f"/proc/{app.process.pid}/status").read_text()
        return int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        )
    finally:
        stop_app(app)


def wait_answered(pg: PlaygroundPage, card_id: str, count: int, timeout: float = 120) -> None:
    expect(pg.history(card_id).locator('[data-testid="stCaptionContainer"]')).to_have_count(
        count, timeout=timeout * 1000
    )


def endpoint_config(url: str) -> str:
    return f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n[local_model]\nenabled = false\n'


def redraws() -> tuple[float, float]:
    """(card redraws per second, all websocket frames per second) while one card streams."""
    result: list[tuple[float, float]] = []
    with fake_server_process(3000, 1000) as urls:

        def body(pg: PlaygroundPage, wire: Wire) -> None:
            first = pg.card_ids()[0]
            pg.remove_card(pg.card_ids()[1])
            expect(pg.cards()).to_have_count(1)
            pg.page.wait_for_timeout(500)
            wire.reset()
            start = time.monotonic()
            pg.send_to_card(first, "go")
            wait_answered(pg, first, 1)  # its figures caption appears when the answer ends
            seconds = time.monotonic() - start
            result.append((wire.redraws / seconds, wire.frames / seconds))

        with_app(endpoint_config(urls["fast"]), body)
    return result[0]


def bytes_per_char(tokens: int) -> float:
    result: list[float] = []
    with fake_server_process(tokens, 5000) as urls:

        def body(pg: PlaygroundPage, wire: Wire) -> None:
            first = pg.card_ids()[0]
            pg.page.wait_for_timeout(500)
            wire.reset()
            pg.send_to_card(first, "go")
            expect(pg.history(first)).to_contain_text(f"w{tokens - 1}", timeout=120_000)
            pg.page.wait_for_timeout(1000)
            answer = len("[fake-small] turn 1: go") + sum(len(f" w{i}") for i in range(tokens))
            result.append(wire.bytes / answer)

        with_app(endpoint_config(urls["fast"]), body)
    return result[0]


def peak_memory_kib() -> int:
    with fake_server_process(20, 0) as urls:

        def body(pg: PlaygroundPage, wire: Wire) -> None:
            for count in range(3, 9):
                pg.add_card()
                expect(pg.cards()).to_have_count(count)
            pg.set_sync(True)
            ids = pg.card_ids()
            for i in range(50):
                pg.send_synced(f"prompt {i}")
                # Every card has answered (the input no longer waits disabled: a prompt
                # sent while a card answers is held in a notice, not sent).
                for cid in ids:
                    expect(pg.history(cid)).to_contain_text(
                        re.compile(rf"turn {i + 1}: prompt {i} w0 .* w19"), timeout=60_000
                    )
                expect(pg.page.locator(".st-key-stop_all")).to_have_count(0, timeout=60_000)
                pg.page.wait_for_timeout(100)
            pg.page.wait_for_timeout(1000)
            for cid in ids:
                assert "turn 50" in pg.history(cid).inner_text()

        return with_app(endpoint_config(urls["fast"]), body)


def main() -> list[tuple[str, str, str]]:
    per_second, frames = redraws()
    sizes = {n: bytes_per_char(n) for n in (1000, 3000, 8000)}
    growth = sizes[8000] / sizes[1000]
    peak = peak_memory_kib()
    print(f"# what the browser receives ({machine()})")
    print("| figure | value | target |")
    print("|---|---|---|")
    print(f"| card redraws per second, one card at 1,000 tok/s | {per_second:.1f} | ≤ 25 |")
    print(f"| all websocket frames per second meanwhile | {frames:.1f} | report |")
    for n, value in sizes.items():
        print(f"| bytes received per answer character, {n:,} tokens | {value:.2f} | flat |")
    print(f"| bytes per character, 8,000 vs 1,000 tokens | {growth:.2f} | ≈ 1 (linear) |")
    print(f"| peak memory of the app, 8 cards x 100 messages | {peak / 1024:.0f} MiB | report |")
    return [
        ("redraws per second per streaming card", f"{per_second:.1f}", "≤ 25"),
        ("bytes per answer character, 8,000 / 1,000 tokens", f"{growth:.2f}", "≈ 1 (linear)"),
        (
            "peak memory of the app process, 8 cards x 100 messages",
            f"{peak / 1024:.0f} MiB",
            "report",
        ),
    ]


if __name__ == "__main__":
    main()
