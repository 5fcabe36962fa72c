"""Decide with evidence in Chromium (issue 29): a prompt set asked 3 times per prompt on two
cards, the Models report counting that run, Share, and the snapshot opened read-only in a
second browser context (a fresh session)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from playground.promptsets.stats import wilson
from tests.browser.helpers import no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/decide-shots")
PROMPTS = (
    "prompt,expected\n"
    "Name a fruit,contains:yes\n"
    "Name a colour,contains:yes\n"
    "Name a tree,contains:yes\n"
)


def wobbly() -> Any:
    """fake-small says "yes" to the 1st and 2nd asking of a prompt and "no" to the 3rd
    (2 of 3 pass, whatever order the answers arrive in); fake-large always says "yes"."""
    asked: Counter[tuple[str, str]] = Counter()
    lock = threading.Lock()

    def reply(model: str, messages: list[dict[str, Any]]) -> str:
        prompt = str(messages[-1]["content"])
        with lock:
            asked[(model, prompt)] += 1
            n = asked[(model, prompt)]
        if model == "fake-small" and n % 3 == 0:
            return f"no idea ({prompt}, asking {n})"
        return f"yes: {prompt} (asking {n})"

    return reply


def grid_cells(grid: Locator) -> list[str]:
    """The texts of a dataframe's visible cells, from glide-data-grid's accessible table
    (drawn a moment after the canvas: wait for its first cell)."""
    cells = grid.locator('[role="gridcell"]')
    expect(cells.first).to_be_attached(timeout=15_000)
    return [t.strip() for t in cells.all_text_contents()]


def test_three_runs_per_prompt_models_report_share_and_snapshot(
    page: Page, browser: Browser, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    SHOTS.mkdir(exist_ok=True)

    def shot(target: Page, name: str) -> None:
        target.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    url = server.add("decide-journey", Scenario(reply_fn=wobbly(), latency=0.05))
    app = start_app(
        f'[[endpoints]]\nname = "Lab"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    try:
        pg = PlaygroundPage(page, app.url).open()
        _, second = pg.card_ids()
        pg.choose(second, "model", "fake-large")
        no_error_boxes(page)
        shot(page, "1-playground")

        # -- the prompt set, 3 runs per prompt ---------------------------------------
        page.get_by_role("link", name="Prompt sets").click()
        expect(page.get_by_text("Runs every prompt on each card")).to_be_visible(timeout=30_000)
        box = page.get_by_role("textbox", name="Prompts")
        box.fill(PROMPTS)
        box.press("Control+Enter")
        runs = page.locator(".st-key-ps-runs input")
        runs.fill("3")
        runs.press("Enter")
        expect(page.locator(".st-key-ps-size")).to_contain_text("This run: 18 answers")
        no_error_boxes(page)
        shot(page, "2-prompt-set-ready")
        page.locator(".st-key-ps-run button:visible").click()
        expect(page.get_by_text("Done · 18 / 18 answers")).to_be_visible(timeout=90_000)
        no_error_boxes(page)
        assert len(server.chat_requests("decide-journey")) == 18

        summary = page.locator(".st-key-ps-summary")
        expect(summary).to_be_visible()
        low, high = wilson(6, 9)
        small_rate = f"67% ({low * 100:.0f}–{high * 100:.0f} %)"
        low, high = wilson(9, 9)
        large_rate = f"100% ({low * 100:.0f}–{high * 100:.0f} %)"
        summary_cells = grid_cells(summary)
        assert small_rate in summary_cells, summary_cells
        assert large_rate in summary_cells, summary_cells
        assert "6/9" in summary_cells and "9/9" in summary_cells, summary_cells

        grid = page.locator('[class*="st-key-ps-grid"] [data-testid="stDataFrameResizable"]')
        cells = grid_cells(grid)
        assert sum(c.startswith("2/3 ✓") for c in cells) == 3, cells  # fake-small's column
        assert sum(c.startswith("3/3 ✓") for c in cells) == 3, cells  # fake-large's column
        shot(page, "3-run-done")

        # Select row 1's cell of card 1: the grid stretches its columns ("#" small, the
        # others medium) to its width, card 1's from about 43 % to 71 % of it; rows are
        # 35 px under a 35 px header.
        box_ = grid.bounding_box()
        assert box_ is not None
        page.mouse.click(box_["x"] + box_["width"] * 0.57, box_["y"] + 35 + 17)
        detail = page.locator(".st-key-ps-detail")
        expect(detail).to_contain_text("Row 1 · 1 · fake-small", timeout=20_000)
        tabs = detail.get_by_role("tab")
        expect(tabs).to_have_count(3)
        labels = [t.strip() for t in tabs.all_inner_texts()]
        assert [label[:5] for label in labels] == ["Run 1", "Run 2", "Run 3"], labels
        assert sorted(label[-1] for label in labels) == ["✓", "✓", "✗"], labels
        failed = next(i for i, label in enumerate(labels) if label.endswith("✗"))
        tabs.nth(failed).click()
        expect(detail.get_by_role("tabpanel").filter(has_text="no idea")).to_be_visible()
        expect(detail).to_contain_text("✗ contains:yes")
        no_error_boxes(page)
        detail.scroll_into_view_if_needed()
        shot(page, "4-cell-three-answers")

        # -- the Models report counts the run's answers ------------------------------
        page.get_by_role("link", name="Models").click()
        expect(page.get_by_text("answers counted")).to_be_visible(timeout=30_000)
        expect(page.get_by_text(re.compile(r"2 models · 18 answers counted"))).to_be_visible()
        report = page.locator('[data-testid="stDataFrame"]').first
        report_cells = grid_cells(report)
        assert "fake-small" in report_cells and "fake-large" in report_cells, report_cells
        for passed in (6, 9):  # each model's pass rate % and its 95 % interval, as counted
            low, high = wilson(passed, 9)
            assert f"{round(100 * low, 1)} – {round(100 * high, 1)}" in report_cells, report_cells
        assert "66.7" in report_cells and "100" in report_cells, report_cells
        no_error_boxes(page)
        shot(page, "5-models-report")

        # -- back to the run, Share --------------------------------------------------
        page.get_by_role("link", name="Prompt sets").click()
        expect(page.get_by_text("Done · 18 / 18 answers")).to_be_visible(timeout=30_000)
        page.locator('[class*="st-key-share-run-"] button:visible').click()
        link_box = page.locator('[data-testid="stCode"]').filter(has_text="?snapshot=")
        expect(link_box).to_be_visible(timeout=15_000)
        link = re.search(r"http\S+\?snapshot=[A-Za-z0-9_-]{22,}", link_box.inner_text())
        assert link is not None
        assert link.group(0).startswith(f"{app.url}/?snapshot="), link.group(0)  # the root
        no_error_boxes(page)
        shot(page, "6-shared")

        # -- the snapshot in a second browser context --------------------------------
        other = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            view = other.new_page()
            view.goto(link.group(0))
            expect(view.get_by_text("Read-only snapshot")).to_be_visible(timeout=60_000)
            expect(view.locator('[class*="st-key-snapshot-row-"]')).to_have_count(3)
            first_row = view.locator(".st-key-snapshot-row-0")
            expect(first_row).to_contain_text("Name a fruit")
            expect(first_row).to_contain_text("3 answers · 2/3 passed")
            expect(first_row).to_contain_text("3 answers · 3/3 passed")
            expect(first_row).to_contain_text("no idea (Name a fruit")
            expect(view.locator(".st-key-snapshot-summary")).to_be_visible()
            snap_summary = grid_cells(view.locator(".st-key-snapshot-summary"))
            assert small_rate in snap_summary and large_rate in snap_summary, snap_summary
            expect(view.locator('[data-testid="stChatInput"]')).to_have_count(0)
            expect(view.locator("textarea")).to_have_count(0)
            expect(view.get_by_role("button", name="Delete")).to_have_count(0)
            no_error_boxes(view)
            shot(view, "7-snapshot-second-context")
        finally:
            other.close()
    finally:
        stop_app(app)
    assert "Traceback" not in app.log.read_text()
