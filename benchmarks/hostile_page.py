"""The hostile visitor's page for ``hostile.py``: what it says, and the Playground's cases.

``Ctx`` is one case's Chromium page and addresses; ``said`` what the page shows (alerts,
exception boxes, a card's "unexpected problem"). The cases here act on cards (long
prompts, attachments), Compare answers and the Leaderboard; ``hostile_cases`` holds
the Prompt sets' cases and the list of all of them. The test server's "Lab" endpoint
answers by prompt (``reply``): "answer one" gets ``1``, "answer aaa" 30 a's and a ``!``
(as text, or as a JSON string for "answer jaaa"), "answer big" a 499,000-character
answer that differs by model.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.browser.pg import PlaygroundPage, RunWatcher

SLOW = 120_000  # ms a case may take to show its outcome
ALERTS = '[data-testid="stAlert"], [data-testid="stException"], [data-testid="stToast"]'
AAA = "a" * 30 + "!"


def reply(model: str, messages: list[dict[str, Any]]) -> str:
    last = messages[-1].get("content", "")
    if isinstance(last, list):
        last = " ".join(p.get("text", "") for p in last if p.get("type") == "text")
    if last.startswith("answer one"):
        return "1"
    if last.startswith("answer jaaa"):
        return json.dumps(AAA)
    if last.startswith("answer aaa"):
        return AAA
    if last.startswith("answer big"):
        step = 7 if model == "fake-large" else 1_000_000
        words = (f"x{i}" if i % step == 3 else f"w{i}" for i in range(200_000))
        return " ".join(words)[:499_000]
    return f"[{model}] turn {sum(m.get('role') == 'user' for m in messages)}: {last[:300]}"


@dataclass
class Ctx:
    page: Page
    url: str  # the app
    lab: str  # the Lab endpoint's base URL (the test server)
    listener: str  # a 127.0.0.1 server that must get no request
    tmp: Path
    begin: Callable[[], None]  # the page is set up: measuring starts (the input comes next)
    watcher: RunWatcher  # how many page runs have ended

    def do(self, action: Callable[[], object]) -> None:
        """``action``, then until the page run it started has ended."""
        since = self.watcher.full_runs()
        action()
        settle(self, since)

    def playground(self, query: str = "", cards: int = 2) -> PlaygroundPage:
        pg = PlaygroundPage(self.page, self.url)
        return pg.open_query(query, cards) if query else pg.open()


@dataclass
class Case:
    name: str
    act: Callable[[Ctx], str]
    store: Callable[[Path], None] | None = None  # fills the app's data folder first


# -- what the page says ---------------------------------------------------------
def said(page: Page, extra: Locator | None = None) -> str:
    """The alerts' and exception boxes' texts (without their icons' names), and ``extra``."""
    alerts = page.locator('[data-testid="stAlert"] [data-testid="stMarkdownContainer"]')
    boxes = page.locator('[data-testid="stException"], [data-testid="stToast"]')
    texts = [t.strip() for t in alerts.all_inner_texts() + boxes.all_inner_texts() if t.strip()]
    if extra is not None and extra.count():
        texts.append(extra.first.inner_text().strip())
    if page.get_by_text("unexpected problem").count():
        texts.append("«unexpected problem» shown")
    return " | ".join(" ".join(t.split()) for t in texts) or "(no message)"


def also(page: Page) -> str:
    """`` | `` and what the page said, or nothing when it said nothing."""
    text = said(page)
    return "" if text == "(no message)" else " | " + text


def settle(ctx: Ctx, since: int | None = None, timeout: float = SLOW) -> None:
    """Until more than ``since`` page runs have ended, and no run is under way."""
    deadline = time.monotonic() + timeout / 1000
    while since is not None and ctx.watcher.full_runs() <= since and time.monotonic() < deadline:
        ctx.page.wait_for_timeout(50)
    status = ctx.page.locator('[data-testid="stStatusWidget"]')
    expect(status).to_have_count(0, timeout=timeout)


def either(page: Page, *wanted: Locator, timeout: float = SLOW) -> None:
    """Until any of ``wanted`` (or an alert or exception box) shows."""
    deadline = page.evaluate("Date.now()") + timeout
    while page.evaluate("Date.now()") < deadline:
        if page.locator(ALERTS).count() or any(w.count() for w in wanted):
            return
        page.wait_for_timeout(100)


# -- the Playground's cards -------------------------------------------------
def png(width: int, height: int, noise: bool = False) -> bytes:
    if noise:
        img = Image.frombytes(
            "RGB", (width, height), random.Random(1).randbytes(width * height * 3)
        )
    else:
        img = Image.new("RGB", (width, height), (30, 120, 200))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=not noise)
    return out.getvalue()


def truncated_png() -> bytes:
    whole = png(64, 64, noise=True)
    return whole[: len(whole) // 2]


def mpo() -> bytes:
    first, second = Image.new("RGB", (64, 48), (200, 30, 30)), Image.new("RGB", (64, 48), "blue")
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


def photo(size: int = 2_500_000) -> bytes:
    side = int((size / 3) ** 0.5)  # noise does not compress: about 3 bytes a pixel
    return png(side, side, noise=True)


def sent(
    files: list[tuple[str, bytes]],
    cards: int = 1,
    prompt: str = "what is this?",
    custom: bool = False,
) -> Callable[[Ctx], str]:
    """Attach ``files`` and send ``prompt`` to one card (its own input) or ``cards`` synced."""

    def act(ctx: Ctx) -> str:
        pg = ctx.playground()
        for count in range(3, cards + 1):
            pg.add_card()
            expect(pg.cards()).to_have_count(count)
        first = pg.card_ids()[0]
        if custom:
            pg.choose(first, "model", "Custom")
            pg.type_into(first, "base_url", ctx.lab)
            ctx.do(lambda: pg.type_into(first, "model_id", "gpt-4o"))
        if cards > 1:
            pg.set_sync(True)
            where = ctx.page.locator(".st-key-sync_prompt")
            box = ctx.page.get_by_placeholder("Send to every card")
        else:
            where = pg.widget(first, "input")
            box = where.locator("textarea")
        ids = pg.card_ids()[:cards]

        def send(files: list[tuple[str, bytes]], text: str, answers: int) -> None:
            if files:
                where.locator('input[type="file"]').set_input_files(
                    [{"name": n, "mimeType": _mime(n), "buffer": b} for n, b in files]
                )
                ctx.page.wait_for_timeout(1000)
            box.fill(text)
            ctx.do(lambda: box.press("Enter"))
            either(ctx.page, *[pg.bubbles(cid).nth(answers * 2 - 1) for cid in ids])
            settle(ctx)

        # Warm up: a small picture first (what the first image costs is not the input's).
        send([("warm.png", png(40, 30))], "warm up", 1)
        ctx.begin()
        send(files, prompt, 2)
        ctx.do(lambda: pg.set_sync(cards == 1))  # two more page runs, as a person clicking about
        ctx.do(lambda: pg.set_sync(cards > 1))
        figures = pg.bubbles(first).last.locator('[data-testid="stCaptionContainer"]')
        return said(ctx.page, figures.last)

    return act


def _mime(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "jpg": "image/jpeg"}.get(suffix, "text/plain")


def compare(ctx: Ctx) -> str:
    """Two 499,000-character answers streamed first (not measured), then Compare answers."""
    pg = ctx.playground("card=Lab:fake-small&card=Lab:fake-large&sync=1")
    started = time.monotonic()
    pg.send_synced("answer big")
    for cid in pg.card_ids():
        whole = pg.history(cid).get_by_role("button", name="Download the whole text")
        expect(whole).to_be_visible(timeout=SLOW)
    settle(ctx)
    streamed = time.monotonic() - started
    ctx.begin()
    ctx.page.get_by_text("Compare answers").click()
    panel = ctx.page.locator('[data-testid="stExpander"]').filter(has_text="Reference card")
    either(ctx.page, panel.get_by_text("First differs"), panel.get_by_text("word for word"))
    settle(ctx)
    chars = len(panel.inner_text())
    shown = f"answers streamed in {streamed:.0f} s; panel shows {chars:,} characters"
    return shown + also(ctx.page)


# -- Leaderboard ------------------------------------------------------------
def fill_votes(data_dir: Path, count: int = 50, models: int = 30, first: int = 0) -> None:
    from playground.arena.vote_store import VoteStore
    from playground.arena.votes import TAGS, Entry, Outcome, VoteRecord
    from playground.store import StoreConfig, WorkspaceStore

    store = WorkspaceStore.from_config(StoreConfig(data_dir=str(data_dir)))
    votes, rng = VoteStore(store), random.Random(27)
    start = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    for i in range(first, first + count):
        a, b = rng.sample(range(models), 2)
        votes.add(
            VoteRecord(
                id=f"v{i:06d}",
                created_at=start + dt.timedelta(minutes=5 * i),
                voter=None,
                round_id=f"r{i}",
                outcome=Outcome(kind=rng.choice(["a", "b", "tie", "bothbad"])),
                tag=rng.choice(TAGS),
                prompt=f"question {i}",
                entries=[
                    Entry(label=lab, endpoint="Lab", model=f"model-{m:02d}", answer=f"answer {m}")
                    for lab, m in (("A", a), ("B", b))
                ],
            )
        )
    store.close()


def leaderboard(ctx: Ctx) -> str:
    """50 votes drawn first (the page's imports and first fit), then 20,000 votes."""
    page = ctx.page
    ctx.playground()
    page.get_by_role("link", name="Leaderboard").click()
    expect(page.get_by_text("Pairwise win rate")).to_be_visible(timeout=SLOW)
    settle(ctx)
    page.get_by_role("link", name="Playground").click()
    expect(page.locator('[class*="st-key-pgcard-"]')).to_have_count(2, timeout=SLOW)
    fill_votes(ctx.tmp / "data", 20_000 - 50, first=50)
    ctx.begin()
    clock = lambda: page.evaluate("performance.now()") / 1000  # noqa: E731
    started = clock()
    page.get_by_role("link", name="Leaderboard").click()
    expect(page.get_by_text("20000 blind votes")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("Pairwise win rate")).to_be_visible(timeout=SLOW)
    settle(ctx)
    first = clock() - started
    started = clock()
    ctx.do(page.get_by_text("Count “Both are bad” as a tie").click)
    again = clock() - started
    return f"first draw {first:.1f} s, filter change {again:.1f} s" + also(page)
