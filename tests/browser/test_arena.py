"""Three blind rounds on two cards in a real Chromium, then the Leaderboard."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser
NAMES = ["Northwind", "Southwind", "north-7b", "south-13b"]


@pytest.fixture
def app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    # Echoing answers ("[north-7b] turn 1: ..."): each names its model unless masked.
    north = server.add("arena-north", Scenario(models=["north-7b"], tokens=3))
    south = server.add("arena-south", Scenario(models=["south-13b"], tokens=3))
    running = start_app(
        f'[[endpoints]]\nname = "Northwind"\nbase_url = "{north}"\n'
        f'[[endpoints]]\nname = "Southwind"\nbase_url = "{south}"\n'
        "[local_model]\nenabled = false\n",
        tmp_path,
    )
    yield running
    stop_app(running)


def named(page: Page) -> list[str]:
    """Names found in the page's text or its HTML (attributes, tooltips, inputs' values),
    once the page's run has ended (what a run replaces stays, marked stale, until then)."""
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=30_000)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=30_000)
    values = page.locator("input, textarea").evaluate_all("els => els.map(e => e.value)")
    text = " ".join([page.locator("body").inner_text(), page.content(), *values]).lower()
    return [n for n in NAMES if n.lower() in text]


def test_three_blind_rounds_then_the_leaderboard(
    page: Page, app: RunningApp, shot: Callable[..., Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    first, second = pg.card_ids()
    pg.choose(second, "endpoint", "Southwind")
    expect(pg.model_box(second)).to_have_value("south-13b")
    assert set(named(page)) == set(NAMES)  # the scan sees them all before the round
    pg.sidebar().get_by_text("Blind comparison").click()
    expect(page.get_by_text("Model A", exact=True)).to_be_visible()
    expect(page.get_by_text("Model B", exact=True)).to_be_visible()
    expect(pg.widget(first, "endpoint")).to_have_count(0)
    assert named(page) == []
    shot("1-blind")
    votes = ["A is better", "B is better", "Tie"]
    revealed = []
    for number, choice in enumerate(votes, start=1):
        pg.send_synced(f"Question {number}")
        button = page.locator(".st-key-arena-vote").get_by_role("button", name=choice)
        expect(button).to_be_visible(timeout=30_000)
        for card_id in pg.card_ids():
            expect(pg.history(card_id)).to_contain_text(f"turn 1: Question {number}")
        assert named(page) == [], named(page)  # answers drawn, every name masked
        if number == 1:
            shot("2-vote")
        button.click()
        expect(page.get_by_text(f"Voted: {choice}")).to_be_visible()
        who = page.get_by_text(re.compile(r"^Model [AB] was "))
        expect(who).to_have_count(2)
        revealed.append(sorted(who.all_inner_texts()))
        if number == 1:
            shot("3-revealed")
        page.locator(".st-key-arena-new-round").get_by_role("button").click()
        expect(page.get_by_text(f"Voted: {choice}")).to_have_count(0)
        for card_id in pg.card_ids():
            expect(pg.bubbles(card_id)).to_have_count(0)
        assert named(page) == []
    assert all(any("north-7b on Northwind" in t for t in r) for r in revealed)
    no_error_boxes(page)

    page.get_by_role("link", name="Leaderboard").click()  # a fourth round has no vote yet
    expect(page.get_by_text("A blind round is running")).to_be_visible(timeout=30_000)
    page.get_by_role("link", name="Playground").click()
    pg.sidebar().get_by_text("Blind comparison").click()  # off: the round ends
    expect(page.get_by_text("Model A", exact=True)).to_have_count(0, timeout=30_000)
    page.get_by_role("link", name="Leaderboard").click()
    expect(page.get_by_text("3 blind votes match.")).to_be_visible(timeout=30_000)
    grid = page.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    heat = page.locator('[data-testid="stVegaLiteChart"]')
    expect(heat).to_be_visible()
    # Two models: two rows of 48 px at least (a layered chart once collapsed to a line).
    expect(heat.locator("canvas, svg").first).to_be_visible()
    box = heat.locator("canvas, svg").first.bounding_box()
    assert box is not None and box["height"] >= 2 * 48 + 60, box
    # The grid is drawn on a canvas; its accessibility table holds the cells' text.
    for name in ("north-7b", "south-13b", "Northwind", "Southwind", "Rating", "95% interval"):
        expect(grid.locator('table[role="grid"]')).to_contain_text(name, timeout=15_000)
    cells = grid.locator('table[role="grid"] td').all_text_contents()
    width = 10  # Rank, Model, Endpoint, Rating, 95% interval, Votes, Wins, Losses, Ties, Cost
    rows = {cells[i + 1]: cells[i : i + width] for i in range(0, len(cells), width)}
    assert {row[9] for row in rows.values()} == {"–"}  # no endpoint here has a price
    # Who won follows from who was A in each round: A better, B better, tie.
    north_was_a = [any(t.startswith("Model A was north-7b") for t in r) for r in revealed]
    north_wins = int(north_was_a[0]) + int(not north_was_a[1])
    assert [rows["north-7b"][i] for i in (5, 6, 7, 8)] == [
        "3",
        str(north_wins),
        str(2 - north_wins),
        "1",
    ]
    assert [rows["south-13b"][i] for i in (5, 6, 7, 8)] == [
        "3",
        str(2 - north_wins),
        str(north_wins),
        "1",
    ]
    top = max(rows.values(), key=lambda r: int(r[3]))
    assert north_wins == 1 or top[1] == ("north-7b" if north_wins == 2 else "south-13b")
    shot("4-leaderboard", docs="screenshot-leaderboard")
    no_error_boxes(page)
