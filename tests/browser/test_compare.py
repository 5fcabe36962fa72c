"""Comparison tools in a real headless Chromium (issue 6): clone and compare cards,
regenerate, edit and resend, export and import, deep links, reasoning.

One ``streamlit run`` serves the whole module; each test opens its own page, so
each gets a fresh Streamlit session (its own cards and history).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser

LAB_MODELS = ["fake-small", "fake-large", "fake-third"]
CURSOR = "▌"
REASONING = "Two plus two makes four, an even number."


@pytest.fixture(scope="module")
def app(server: FakeOpenAIServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    # Answers stream for a moment (about 0.3 s), as a real server's would.
    lab = server.add("compare-lab", Scenario(models=LAB_MODELS, tokens=3, tokens_per_second=25))
    thinker = server.add(
        "compare-thinker",
        Scenario(models=["think-1"], reply="Four.", reasoning=REASONING, reasoning_style="tags"),
    )
    running = start_app(
        f'[[endpoints]]\nname = "Lab"\nbase_url = "{lab}"\n'
        f'[[endpoints]]\nname = "Thinker"\nbase_url = "{thinker}"\n'
        "[local_model]\nenabled = false\n",
        tmp_path_factory.mktemp("compare-app"),
    )
    yield running
    stop_app(running)
    assert "Traceback" not in running.log.read_text()


def echo(model: str, turn: int, prompt: str) -> str:
    """The Lab server's answer (it echoes the prompt, then three filler tokens)."""
    return f"[{model}] turn {turn}: {prompt} w0 w1 w2"


def test_clone_and_compare_with_other_models(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    first, second = pg.card_ids()

    # A Settings value to be copied: temperature 0.3 on the first card.
    pg.open_menu(first, "settings", "temperature")
    temperature = pg.widget(first, "temperature").locator("input")
    temperature.fill("0.3")
    temperature.press("Enter")
    expect(pg.widget(first, "temperature").locator("input")).to_have_value("0.30")
    page.keyboard.press("Escape")
    expect(pg.cards().nth(0)).to_contain_text("T 0.3")

    # Clone card: a third card right after the first, same model and settings.
    pg.more(first, "clone")
    expect(pg.cards()).to_have_count(3)
    ids = pg.card_ids()
    clone = ids[1]
    assert ids[0] == first and ids[2] == second and clone not in (first, second)
    expect(pg.model_box(clone)).to_have_value("fake-small")
    expect(pg.cards().nth(1)).to_contain_text("T 0.3")
    pg.open_menu(clone, "settings", "temperature")
    expect(pg.widget(clone, "temperature").locator("input")).to_have_value("0.30")
    page.keyboard.press("Escape")
    expect(pg.bubbles(clone)).to_have_count(0)
    shot("1-cloned")

    # Compare with other models: a new card after the first, on a model no card uses.
    pg.more(first, "compare")
    expect(pg.cards()).to_have_count(4)
    ids = pg.card_ids()
    compared = ids[1]
    assert ids[0] == first and ids[2:] == [clone, second]
    expect(pg.model_box(compared)).to_have_value("fake-large")
    expect(pg.cards().nth(1)).to_contain_text("Comparing: choose the model for this card")
    expect(pg.cards().nth(1)).to_contain_text("T 0.3")
    shot("2-compared")
    no_error_boxes(page)


def test_regenerate_then_edit_and_resend(
    page: Page, app: RunningApp, server: FakeOpenAIServer, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, second = pg.card_ids()
    pg.send_to_card(first, "hello")
    expect(pg.history(first)).to_contain_text(echo("fake-small", 1, "hello"))
    expect(pg.button(first, "retry")).to_have_accessible_name("Regenerate")
    copy_buttons = pg.history(first).locator(f'[class*="st-key-{first}-copy-"]')
    expect(copy_buttons).to_have_count(1)  # the finished answer, with its figures
    (old,) = pg.answer_ids(first)
    asked = len(server.chat_requests("compare-lab"))
    shot("1-answered")

    # The copy popover holds the answer's exact Markdown.
    pg.copy_button(first, old).click()
    copy_box = page.locator('[data-testid="stCode"]:visible')
    expect(copy_box).to_have_count(1)
    expect(copy_box).to_contain_text(echo("fake-small", 1, "hello"))
    shot("2-copy-popover")
    page.keyboard.press("Escape")

    # Regenerate: a new answer (a new message) replaces it; the old one is under
    # "Earlier answer", collapsed.
    pg.button(first, "retry").click()
    expect(pg.copy_button(first, old)).to_have_count(0)
    expect(copy_buttons).to_have_count(1)
    (new,) = pg.answer_ids(first)
    assert new != old
    expect(pg.bubbles(first)).to_have_count(2)
    assert len(server.chat_requests("compare-lab")) == asked + 1
    earlier = pg.history(first).locator('[data-testid="stExpander"]')
    expect(earlier).to_have_count(1)
    expect(earlier).to_contain_text("Earlier answer")
    old_text = earlier.get_by_text(echo("fake-small", 1, "hello"))
    expect(old_text).to_be_hidden()
    earlier.get_by_text("Earlier answer").click()
    expect(old_text).to_be_visible()
    expect(pg.bubbles(first).last).to_contain_text(echo("fake-small", 1, "hello"))
    shot("3-regenerated")

    # Edit the last prompt and resend: the card shows the edited prompt and its answer.
    pg.button(first, "edit").click()
    field = page.locator(f'[class*="st-key-card-{first}-edit-"] textarea:visible')
    expect(field).to_have_value("hello")
    shot("4-edit-popover")
    field.fill("better question")
    pg.button(first, "edit-resend").click()
    expect(pg.history(first)).to_contain_text(echo("fake-small", 1, "better question"))
    expect(pg.bubbles(first)).to_have_count(2)
    expect(pg.bubbles(first).first.get_by_test_id("stChatMessageContent")).to_have_text(
        "better question"
    )
    expect(pg.history(first).locator('[data-testid="stExpander"]')).to_contain_text(
        "Earlier answers (2)"
    )
    expect(pg.bubbles(second)).to_have_count(0)  # the other card was not asked
    shot("5-edited")
    no_error_boxes(page)


def test_a_finished_answer_is_drawn_once(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, _ = pg.card_ids()
    pg.send_to_card(first, "just once")
    answer = echo("fake-small", 1, "just once")
    expect(pg.history(first)).to_contain_text("first token")  # its figures: it has ended
    expect(pg.button(first, "retry")).to_be_visible()  # the answer is over
    shot("1-finished")
    # Not followed by the last streamed frame (the text again, with the cursor).
    expect(pg.history(first)).not_to_contain_text(CURSOR)
    expect(pg.history(first).get_by_text(answer)).to_have_count(1)
    no_error_boxes(page)


def test_export_json_and_markdown_then_import_in_a_new_session(
    page: Page, app: RunningApp, tmp_path: Path, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    pg.set_sync(False)  # the first page opens synced; this test types into one card
    first, second = pg.card_ids()
    pg.choose(second, "model", "fake-large")
    pg.send_to_card(first, "alpha question")
    expect(pg.history(first)).to_contain_text(echo("fake-small", 1, "alpha question"))
    pg.send_to_card(second, "beta question")
    expect(pg.history(second)).to_contain_text(echo("fake-large", 1, "beta question"))
    expect(pg.button(second, "retry")).to_be_visible()  # the page run is over

    # Export JSON: the download is the workspace, with both cards' messages.
    exported = download(page, "export_json", tmp_path)
    data = json.loads(exported)
    assert data["format"] == "llm-playground/workspace" and data["version"] == 1
    cards = data["workspace"]["cards"]
    assert [c["id"] for c in cards] == [first, second]
    assert [(c["config"]["endpoint"], c["config"]["model"]) for c in cards] == [
        ("Lab", "fake-small"),
        ("Lab", "fake-large"),
    ]
    assert [[(m["role"], m["content"]) for m in c["messages"]] for c in cards] == [
        [("user", "alpha question"), ("assistant", echo("fake-small", 1, "alpha question"))],
        [("user", "beta question"), ("assistant", echo("fake-large", 1, "beta question"))],
    ]

    # Export Markdown: a readable transcript, card by card.
    markdown = download(page, "export_markdown", tmp_path).decode("utf-8")
    assert markdown.startswith("# LLM Playground transcript\n")
    card_1 = markdown.index("## Card 1: fake-small on Lab")
    card_2 = markdown.index("## Card 2: fake-large on Lab")
    assert card_1 < markdown.index("**You:**\n\nalpha question") < card_2
    assert markdown.index(echo("fake-large", 1, "beta question")) > card_2
    assert echo("fake-small", 1, "alpha question") in markdown

    # A new session (new cards), then Import JSON -> asked first -> Replace.
    json_file = tmp_path / "llm-playground-workspace.json"
    pg.open()
    fresh = pg.card_ids()
    assert not set(fresh) & {first, second}
    pg.sidebar().locator('input[type="file"]').set_input_files(json_file)
    expect(pg.sidebar()).to_contain_text(
        "Replace the 2 cards on this page with the 2 cards of 'llm-playground-workspace.json'?"
    )
    assert pg.card_ids() == fresh  # nothing replaced yet
    shot("1-import-asks")
    pg.sidebar().locator(".st-key-import_confirm button:visible").click()
    expect(pg.history(first)).to_contain_text(echo("fake-small", 1, "alpha question"))
    expect(pg.history(second)).to_contain_text(echo("fake-large", 1, "beta question"))
    assert pg.card_ids() == [first, second]
    expect(pg.model_box(first)).to_have_value("fake-small")
    expect(pg.model_box(second)).to_have_value("fake-large")
    for cid in (first, second):
        expect(pg.bubbles(cid)).to_have_count(2)
    expect(pg.sidebar()).not_to_contain_text("Replace the")
    shot("2-imported")

    # Exporting the imported workspace gives the same bytes.
    assert download(page, "export_json", tmp_path) == exported
    no_error_boxes(page)


def test_deep_link_opens_cards_with_sync_and_shows_reasoning(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open_query(
        "card=Lab:fake-large&card=Thinker:think-1&sync=1", cards=2
    )
    lab, thinker = pg.card_ids()
    expect(pg.widget(lab, "endpoint").get_by_role("combobox")).to_have_value("Lab")
    expect(pg.model_box(lab)).to_have_value("fake-large")
    expect(pg.widget(thinker, "endpoint").get_by_role("combobox")).to_have_value("Thinker")
    expect(pg.model_box(thinker)).to_have_value("think-1")
    expect(page.locator(".st-key-sync_input_toggle input")).to_be_checked()
    expect(page.get_by_placeholder("Send to every card")).to_be_visible()
    expect(page.locator(".st-key-dismiss_notices")).to_have_count(0)  # nothing to report

    # "Link to these cards" gives the same link back.
    pg.sidebar().get_by_text("Link to these cards").click()
    expect(page.get_by_test_id("stCode").filter(visible=True)).to_have_text(
        re.compile(re.escape(app.url) + r"/?\?card=Lab%3Afake-large&card=Thinker%3Athink-1&sync=1")
    )
    shot("1-link")
    page.keyboard.press("Escape")

    # A reasoning answer: a collapsed "Reasoning" expander above the answer text.
    pg.send_synced("2+2?")
    expect(pg.history(lab)).to_contain_text(echo("fake-large", 1, "2+2?"))
    answer = pg.bubbles(thinker).last
    expect(answer).to_contain_text("Four.")
    expect(answer).to_contain_text("11 tokens")
    expect(answer).not_to_contain_text("tok/s")  # an instant burst: no rate (issue 19)
    reasoning = answer.get_by_test_id("stExpander")
    expect(reasoning).to_have_count(1)
    expect(reasoning).to_contain_text("Reasoning")
    thoughts = answer.get_by_text(REASONING)
    expect(thoughts).to_be_hidden()
    assert "Reasoning" not in pg.history(lab).inner_text()
    text = answer.get_by_test_id("stMarkdownContainer").filter(has_text="Four.")
    expect(text).to_have_text("Four.")  # neither the <think> tags nor the reasoning
    # Above the answer: both measured in one frame (the card body scrolls as it grows).
    above = answer.evaluate(
        """a => {
          const box = a.querySelector('[data-testid="stExpander"]').getBoundingClientRect();
          const words = [...a.querySelectorAll('[data-testid="stMarkdownContainer"]')]
            .find((e) => e.innerText.trim() === "Four.").getBoundingClientRect();
          return [box.bottom, words.top];
        }"""
    )
    assert above[0] <= above[1] + 0.5, above
    shot("2-reasoning-collapsed")
    reasoning.get_by_text("Reasoning").click()
    expect(thoughts).to_be_visible()
    page.wait_for_function(  # the expander has unfolded around the whole reasoning text
        "([box, t]) => box.getBoundingClientRect().bottom >= t.getBoundingClientRect().bottom",
        arg=[reasoning.element_handle(), thoughts.element_handle()],
    )
    shot("3-reasoning-open")

    # With Sync Input on, "Edit last prompt" resends the edited prompt to every card.
    sync_edit = page.locator('.st-key-sync-edit:not([data-stale="true"]) button:visible')
    expect(sync_edit).to_have_accessible_name("Edit last prompt")  # offered once answers end
    expect(page.locator(".st-key-regenerate_all button:visible")).to_be_visible()
    sync_edit.click()
    field = page.locator('[class*="st-key-sync-edit-"] textarea:visible')
    expect(field).to_have_value("2+2?")
    field.fill("3+3?")
    page.get_by_role("button", name="Resend to 2 cards").click()
    expect(pg.history(lab)).to_contain_text(echo("fake-large", 1, "3+3?"))
    for cid in (lab, thinker):  # the prompt itself changed; "2+2?" lives on only in Earlier
        expect(pg.bubbles(cid).first).to_have_text(re.compile(r"3\+3\?$"))
    for cid in (lab, thinker):
        expect(pg.bubbles(cid)).to_have_count(2)
        expect(pg.history(cid)).to_contain_text("Earlier answer")
    shot("4-sync-edited")
    no_error_boxes(page)


def test_deep_link_to_an_unknown_endpoint_says_so(page: Page, app: RunningApp) -> None:
    pg = PlaygroundPage(page, app.url).open_query("card=Nowhere:fake-small&card=Lab", cards=2)
    notice = page.get_by_text("The link's endpoint 'Nowhere' is not configured here")
    expect(notice).to_be_visible()
    first, second = pg.card_ids()
    for cid in (first, second):  # both fall back to the default endpoint and model
        expect(pg.widget(cid, "endpoint").get_by_role("combobox")).to_have_value("Lab")
        expect(pg.model_box(cid)).to_have_value("fake-small")
    expect(page.locator(".st-key-sync_input_toggle input")).not_to_be_checked()
    page.locator(".st-key-dismiss_notices button:visible").click()
    expect(notice).to_have_count(0)
    no_error_boxes(page)


def download(page: Page, key: str, folder: Path) -> bytes:
    """Click a sidebar download button; return the file's bytes (saved under ``folder``)."""
    with page.expect_download() as info:
        page.locator(f'.st-key-{key}:not([data-stale="true"]) button:visible').click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()
