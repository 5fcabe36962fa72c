"""Prompt sets in Chromium: a 5-prompt CSV on three cards, then one cell continued as a chat."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser

CSV = (
    "prompt,topic,expected\n"
    "Name a fruit,food,contains:fruit\n"
    "Name a colour,art,icontains:COLOUR && max-tokens:50\n"
    "Say JSON,data,json\n"
    "Count to three,math,regex:\\d\n"
    "Greet me,manners,not-contains:fake-large\n"
)


@pytest.fixture
def app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    url = server.add(f"browser-sets-{tmp_path.name}", Scenario(latency=0.1))
    running = start_app(
        f'[[endpoints]]\nname = "Local"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    yield running
    stop_app(running)


def test_a_csv_on_three_cards_and_a_cell_continued_as_chat(
    page: Page, app: RunningApp, tmp_path: Path, shot: Callable[..., Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    pg.add_card()
    expect(pg.cards()).to_have_count(3)
    third = pg.card_ids()[2]
    pg.choose(third, "model", "fake-large")

    page.get_by_role("link", name="Prompt sets").click()
    expect(page.get_by_text("Runs every prompt on each card")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("3 · fake-large")).to_be_visible()
    path = tmp_path / "five.csv"
    path.write_text(CSV, encoding="utf-8")
    page.locator('.st-key-ps-file input[type="file"]').set_input_files(str(path))
    expect(page.get_by_text("5 prompts × 3 cards = 15 answers")).to_be_visible(timeout=20_000)
    page.get_by_role("textbox", name="Prompt template").fill("{{prompt}} ({{topic}})")
    page.get_by_role("textbox", name="Prompt template").press("Control+Enter")
    expect(page.get_by_text("variables: prompt, topic")).to_be_visible()
    expect(page.locator(".st-key-ps-first")).to_have_text("First prompt: Name a fruit (food)")
    shot("1-ready")
    page.locator(".st-key-ps-run button:visible").click()
    expect(page.get_by_text("Done · 15 / 15 answers")).to_be_visible(timeout=60_000)
    no_error_boxes(page)
    shot("2-results", docs="screenshot-prompt-sets")
    expect(page.locator(".st-key-ps-summary")).to_be_visible()
    expect(page.locator(".st-key-ps-stop")).to_have_count(0)

    # Select row 2's cell of card 3: columns are 75 ("#"), 200 (Prompt) and 200 px wide,
    # rows 35 px under a 35 px header.
    grid = page.locator('[class*="st-key-ps-grid"] [data-testid="stDataFrameResizable"]')
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 75 + 200 + 2 * 200 + 100, box["y"] + 35 + 35 + 17)
    detail = page.locator(".st-key-ps-detail")
    expect(detail).to_contain_text("Row 2 · 3 · fake-large", timeout=20_000)
    expect(page.locator(".st-key-ps-answer")).to_contain_text(
        "[fake-large] turn 1: Name a colour (art)"
    )
    expect(detail).to_contain_text("✓ icontains:COLOUR")
    shot("3-selected")

    detail.get_by_role("button", name="Continue as chat").click()
    expect(pg.cards()).to_have_count(4, timeout=30_000)
    fourth = pg.card_ids()[3]
    expect(pg.bubbles(fourth)).to_have_count(2)
    expect(pg.history(fourth)).to_contain_text("Name a colour (art)")
    expect(pg.widget(fourth, "model").get_by_role("combobox")).to_have_value("fake-large")
    pg.send_to_card(fourth, "and another?")
    expect(pg.history(fourth)).to_contain_text("[fake-large] turn 2: and another?", timeout=30_000)
    no_error_boxes(page)
    shot("4-continued")


def test_bad_files_are_refused_with_a_message_and_nothing_is_sent(
    page: Page,
    app: RunningApp,
    server: FakeOpenAIServer,
    tmp_path: Path,
    shot: Callable[[str], Path],
) -> None:
    PlaygroundPage(page, app.url).open()
    page.get_by_role("link", name="Prompt sets").click()
    box = page.get_by_role("textbox", name="Prompts")
    box.fill("prompt,expected\nfirst,contains:a\nsecond,regex:(\n")
    box.press("Control+Enter")
    expect(page.get_by_text("Row 2: the pattern '(' is not a valid regex")).to_be_visible()
    expect(page.locator(".st-key-ps-run button")).to_be_disabled()

    latin = tmp_path / "latin.csv"
    latin.write_bytes("prompt\nCaf\xe9 au lait\n".encode("latin-1"))
    upload = page.locator('.st-key-ps-file input[type="file"]')
    upload.set_input_files(str(latin))
    expect(page.get_by_text("This file is not UTF-8 text")).to_be_visible(timeout=20_000)
    expect(page.locator(".st-key-ps-run button")).to_be_disabled()

    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"prompt\n" + b"x" * (50 * 1024 * 1024))
    upload.set_input_files(str(huge))
    expect(page.get_by_text("File must be 2.0MB or smaller.")).to_be_visible(timeout=20_000)
    expect(box).to_have_value("prompt,expected\nfirst,contains:a\nsecond,regex:(\n")  # kept
    no_error_boxes(page)
    shot("refused")
    assert server.chat_requests(f"browser-sets-{tmp_path.name}") == []
