"""During a blind round no page names a model or an endpoint: not in its text, not in an
attribute (element keys, tooltips, inputs' values), not in the address; a reload or
another tab finds no link to the round (a real Chromium, a real ``streamlit run``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser
# Distinctive ids: found nowhere on a page unless something names a contestant.
MODELS = ["qzx-aurora-9b", "qzx-borealis-31b"]
ENDPOINTS = ["Aurorafield", "Borealishaven"]
NAMES = MODELS + ENDPOINTS
PAGES = ["Playground", "Prompt sets", "History", "Endpoints", "Leaderboard"]


@pytest.fixture
def app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    # Echoing answers ("[qzx-aurora-9b] turn 1: ..."): each names its model unless masked.
    first = server.add("blind-aurora", Scenario(models=[MODELS[0]], tokens=3))
    second = server.add("blind-borealis", Scenario(models=[MODELS[1]], tokens=3))
    running = start_app(
        f'[[endpoints]]\nname = "{ENDPOINTS[0]}"\nbase_url = "{first}"\n'
        f'[[endpoints]]\nname = "{ENDPOINTS[1]}"\nbase_url = "{second}"\n'
        "[local_model]\nenabled = false\n",
        tmp_path,
    )
    yield running
    stop_app(running)


def settled(page: Page) -> None:
    """The page's run has ended (what a run replaces stays, marked stale, until then)."""
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=30_000)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=30_000)


def found(page: Page, names: list[str]) -> list[str]:
    """Which ``names`` the page shows anywhere: its text, its whole HTML (every attribute,
    element keys as classes), its inputs' values, and its address."""
    settled(page)
    values = page.locator("input, textarea").evaluate_all("els => els.map(e => e.value)")
    text = " ".join([page.url, page.locator("body").inner_text(), page.content(), *values])
    return [n for n in names if n.lower() in text.lower()]


def go(page: Page, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name).first).to_be_visible(timeout=30_000)


def vote(page: Page, pg: PlaygroundPage, prompt: str) -> None:
    pg.send_synced(prompt)
    tie = page.locator(".st-key-arena-vote").get_by_role("button", name="Tie")
    expect(tie).to_be_visible(timeout=30_000)
    tie.click()
    expect(page.get_by_text("Voted: Tie")).to_be_visible()
    assert set(found(page, MODELS)) == set(MODELS)  # the scan sees the revealed names


def test_no_page_names_a_model_during_a_round(
    page: Page, browser: Browser, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    first, second = pg.card_ids()
    pg.choose(second, "endpoint", ENDPOINTS[1])
    expect(pg.model_box(second)).to_have_value(MODELS[1])
    assert set(found(page, NAMES)) == set(NAMES)
    # A voted round first: History and the Leaderboard then hold these names.
    pg.sidebar().get_by_text("Blind comparison").click()
    expect(page.get_by_text("Model A", exact=True)).to_be_visible()
    vote(page, pg, "Warm-up question")
    # Every key a card had before the next shuffle: at the start, and in the voted round.
    old_keys = [first, second, *pg.card_ids()]
    page.locator(".st-key-arena-new-round").get_by_role("button").click()
    expect(page.get_by_text("Voted: Tie")).to_have_count(0)
    settled(page)
    assert not set(pg.card_ids()) & set(old_keys)  # no key survives the shuffle
    pg.send_synced("The round's question")
    for card_id in pg.card_ids():
        expect(pg.history(card_id)).to_contain_text("turn 1: The round's question")
    tie = page.locator(".st-key-arena-vote").get_by_role("button", name="Tie")
    expect(tie).to_be_visible(timeout=30_000)
    round_keys = pg.card_ids()
    for name in PAGES:
        if name != "Playground":
            go(page, name)
        assert found(page, NAMES) == [], (name, found(page, NAMES))
        assert "ws=" not in page.url, (name, page.url)
        assert [k for k in old_keys if k in page.content()] == [], name
        no_error_boxes(page)
        shot(name.lower().replace(" ", "-"))
    go(page, "Playground")  # back on the round: still blind, no link in the address
    expect(tie).to_be_visible(timeout=30_000)
    assert found(page, NAMES) == [] and "ws=" not in page.url
    # A reload or another tab: no link brings the round back unmasked.
    page.reload()
    settled(page)
    assert "ws=" not in page.url
    assert not set(pg.card_ids()) & set(round_keys)  # a new workspace, not the round
    other = browser.new_page()
    try:
        other.goto(f"{app.url}/history")
        expect(other.get_by_text("The round's question")).to_be_visible(timeout=30_000)
        rows = other.locator('[class*="st-key-hist-"]').filter(has_text="The round's question")
        row = rows.first
        assert [n for n in NAMES if n.lower() in row.inner_html().lower()] == []
        row.get_by_role("button", name="Open").click()  # reopened: still blind
        expect(other.get_by_text("Model A", exact=True)).to_be_visible(timeout=30_000)
        assert found(other, NAMES) == [], found(other, NAMES)
        assert "ws=" not in other.url
    finally:
        other.close()
