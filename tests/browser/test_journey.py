"""The whole journey in a real headless Chromium, against ``streamlit run``."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from playground.endpoints.local_models import GEMMA3, SMOLLM2
from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser
CURSOR = "▌"


@pytest.fixture
def fake_app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[tuple[RunningApp, str]]:
    slow = server.add("browser-slow", Scenario(tokens=300, tokens_per_second=25))
    fast = server.add("browser-fast", Scenario(tokens=5))
    app = start_app(
        f'[[endpoints]]\nname = "Slow"\nbase_url = "{slow}"\n'
        f'[[endpoints]]\nname = "Fast"\nbase_url = "{fast}"\n'
        "[local_model]\nenabled = false\n",
        tmp_path,
    )
    yield app, fast
    stop_app(app)


def watch_all_streaming(pg: PlaygroundPage, ids: list[str], seconds: float) -> bool:
    """Whether, at one moment, every card showed a partial answer still streaming."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        texts = pg.texts(ids)
        if all(CURSOR in t and "turn" in t for t in texts):
            return True
        time.sleep(0.05)
    return False


def test_journey_against_test_server(
    page: Page, fake_app: tuple[RunningApp, str], shot: Callable[..., Path]
) -> None:
    app, fast_url = fake_app
    pg = PlaygroundPage(page, app.url).open()
    shot("1-two-cards")

    # 1. two cards; "+" adds a third; "x" removes one after confirming.
    pg.add_card()
    expect(pg.cards()).to_have_count(3)
    third = pg.card_ids()[2]
    pg.remove_card(third)
    expect(pg.cards()).to_have_count(2)
    assert third not in pg.card_ids()
    no_error_boxes(page)
    first, second = pg.card_ids()

    # 2. Sync Input on; Enter sends to every card; all stream at the same time.
    pg.set_sync(True)
    pg.send_synced("tell me a story")
    assert watch_all_streaming(pg, [first, second], 20), pg.texts([first, second])
    shot("2-streaming-together", docs="screenshot-streaming")

    # 3. Stop one answer midway: its partial text stays; the other card goes on.
    pg.widget(first, "stop").locator("button:visible").click()
    expect(pg.history(first)).to_contain_text("Stopped", timeout=10_000)
    stopped_text = pg.history(first).inner_text()
    assert "[fake-small] turn 1:" in stopped_text  # Stop can land before the prompt is echoed
    assert "w299" not in stopped_text
    before = pg.history(second).inner_text()
    page.wait_for_timeout(800)
    assert len(pg.history(second).inner_text()) > len(before)  # still streaming
    assert pg.history(first).inner_text() == stopped_text  # stopped for good
    pg.stop_all()
    expect(pg.history(second)).to_contain_text("Stopped", timeout=10_000)
    shot("3-stopped")
    no_error_boxes(page)

    # 4. More -> Delete Chat History empties only that card.
    pg.delete_history(first)
    expect(pg.bubbles(first)).to_have_count(0)
    expect(pg.bubbles(second)).to_have_count(2)
    shot("4-history-deleted")

    # 5. Custom: a bad baseURL gets a message; a good one chats.
    pg.set_sync(False)
    pg.choose(first, "model", "Custom")
    pg.type_into(first, "base_url", "localhost:8000/v1")
    expect(pg.widget(first, "base_url").locator("xpath=..")).to_be_visible()
    expect(page.get_by_text("baseURL must start with http:// or https://")).to_be_visible()
    shot("5-bad-base-url")
    pg.type_into(first, "base_url", fast_url)
    expect(page.get_by_text("baseURL must start with http://")).to_have_count(0)
    pg.type_into(first, "model_id", "fake-small")
    pg.send_to_card(first, "custom hello")
    expect(pg.history(first)).to_contain_text("[fake-small] turn 1: custom hello w0 w1 w2 w3 w4")
    expect(pg.bubbles(second)).to_have_count(2)  # the other card did not answer
    shot("5-custom-chat")

    # 6. Nothing went wrong anywhere.
    no_error_boxes(page)
    assert "Traceback" not in app.log.read_text()


@pytest.fixture
def local_app(tmp_path: Path) -> Iterator[RunningApp]:
    app = start_app("[local_model]\nmax_tokens = 200\nn_ctx = 1024\n", tmp_path)
    yield app
    stop_app(app)


# Records, in the order the browser shows them, each card's next answer: its
# "waiting" note, its first streamed text (the cursor appears) and its end (the
# figures under it appear). Answers already finished are not counted.
RECORD_EVENTS = """
(ids) => {
  window.__events = [];
  const finished = (box) => [...box.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .filter(c => c.innerText.includes("tok/s")).length;
  const seen = {};
  for (const id of ids) {
    const box = document.querySelector(`.st-key-pghistory-${id}`);
    seen[id] = {before: box ? finished(box) : 0, waiting: false, first: false, end: false};
  }
  const note = (s, kind, id) => { s[kind] = true; window.__events.push([kind, id]); };
  const check = () => {
    for (const id of ids) {
      const box = document.querySelector(`.st-key-pghistory-${id}`);
      const s = seen[id];
      if (!box || s.end) continue;
      const text = box.innerText;
      if (!s.waiting && !s.first && /waiting \\d+ s/.test(text)) note(s, "waiting", id);
      if (!s.first && text.includes("\u258c")) note(s, "first", id);
      if (finished(box) > s.before) {
        if (!s.first) note(s, "first", id);
        note(s, "end", id);
      }
    }
  };
  new MutationObserver(check).observe(document.body, {
    subtree: true, childList: true, characterData: true,
  });
}
"""


def recorded(page: Page) -> list[tuple[str, str]]:
    return [(kind, cid) for kind, cid in page.evaluate("window.__events")]


@pytest.mark.local_model
def test_journey_against_the_embedded_models(
    page: Page, local_app: RunningApp, shot: Callable[..., Path]
) -> None:
    pg = PlaygroundPage(page, local_app.url).open()
    first, second = pg.card_ids()
    # The opening cards are a comparison: one embedded model each.
    for cid, endpoint, model in (
        (first, SMOLLM2.endpoint_name, SMOLLM2.model_id),
        (second, GEMMA3.endpoint_name, GEMMA3.model_id),
    ):
        expect(pg.model_box(cid)).to_have_value(model, timeout=180_000)
        expect(pg.widget(cid, "endpoint").get_by_role("combobox")).to_have_value(endpoint)
    expect(page.get_by_text("a tiny instruct model")).to_be_visible()
    expect(page.get_by_text("a base model that continues text")).to_be_visible()
    shot("1-embedded-ready")

    # SmolLM2's usual system prompt is in its card's Settings, editable.
    pg.open_menu(first, "settings", "system")
    expect(pg.widget(first, "system").locator("textarea")).to_have_value(
        "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
    )
    page.keyboard.press("Escape")

    # 1. "+" adds a card; "x" removes one after confirming.
    pg.add_card()
    expect(pg.cards()).to_have_count(3)
    pg.remove_card(pg.card_ids()[2])
    expect(pg.cards()).to_have_count(2)

    # 2. Sync Input: the two models answer at the same time, each on its own
    # server: each card's first token shows before the other card's answer ends.
    pg.set_sync(True)
    page.evaluate(RECORD_EVENTS, [first, second])
    pg.send_synced("What is the capital of France?")
    for cid in (first, second):
        expect(pg.history(cid).locator('[data-testid="stCaptionContainer"]')).to_contain_text(
            "tok/s", timeout=120_000
        )
    shot("2-embedded-answers", docs="screenshot-first-run")
    events = recorded(page)
    assert events.index(("first", first)) < events.index(("end", second)), events
    assert events.index(("first", second)) < events.index(("end", first)), events
    assert "Paris" in pg.history(first).inner_text()
    assert len(pg.texts([second])[0].strip()) > len("What is the capital of France?")

    # 3. A third card, "+", takes the last card's model (Gemma): two cards on one
    # server, which serves one request at a time, so one of them shows it is waiting.
    pg.add_card()
    expect(pg.cards()).to_have_count(3)
    third = pg.card_ids()[2]
    expect(pg.model_box(third)).to_have_value(GEMMA3.model_id)
    page.evaluate(RECORD_EVENTS, [first, second, third])
    pg.send_synced("Once upon a time")
    for cid, bubbles in ((first, 4), (second, 4), (third, 2)):
        expect(pg.bubbles(cid)).to_have_count(bubbles)
        expect(pg.bubbles(cid).last.locator('[data-testid="stCaptionContainer"]')).to_contain_text(
            "tok/s", timeout=120_000
        )
    events = recorded(page)
    served, queued = sorted(
        (second, third), key=lambda cid: events.index(("first", cid))
    )  # the server took them in either order
    assert events.index(("end", served)) < events.index(("first", queued)), events
    assert events.index(("waiting", queued)) < events.index(("first", queued)), events
    assert events.index(("first", first)) < events.index(("end", served)), events  # SmolLM2
    pg.remove_card(third)
    expect(pg.cards()).to_have_count(2)

    # 4. Stop all midway through two long answers: both keep their partial text.
    pg.send_synced("Write a long story about a dragon.")
    streaming = pg.page.locator('[class*="st-key-pghistory-"]').filter(has_text=CURSOR)
    # Gemma's answer streams for many seconds; SmolLM2's may already be over by then.
    expect(pg.history(second)).to_contain_text(CURSOR, timeout=60_000)
    pg.stop_all()
    # Gemma (a base model, about 40 tok/s here) rambles to its cap: it is still streaming
    # when the click lands. SmolLM2 (about 140 tok/s, and it stops by itself) may have
    # finished its story first on a busy machine: then its answer is complete, with figures.
    expect(pg.history(second)).to_contain_text("Stopped", timeout=30_000)
    expect(streaming).to_have_count(0, timeout=30_000)
    for cid in (first, second):
        expect(pg.bubbles(cid)).to_have_count(6)
        text = pg.history(cid).inner_text()
        assert "Write a long story about a dragon." in text
        assert "Stopped" in text or re.search(r"total \d", text.split("dragon.")[-1]), text
    shot("3-embedded-stopped")

    # 5. Delete Chat History on one card only.
    pg.delete_history(second)
    expect(pg.bubbles(second)).to_have_count(0)
    expect(pg.bubbles(first)).to_have_count(6)

    # 6. Custom: prefilled with the endpoint's baseURL; a bad one is refused,
    # the good one chats with the same model.
    pg.set_sync(False)
    pg.choose(second, "model", "Custom")
    url_field = pg.widget(second, "base_url").locator("input")
    expect(url_field).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/v1$"))
    good_url = url_field.input_value()
    pg.type_into(second, "base_url", "file:///etc/passwd")
    expect(page.get_by_text("'file:' URLs are not allowed")).to_be_visible()
    pg.type_into(second, "base_url", good_url)
    pg.type_into(second, "model_id", GEMMA3.model_id)
    pg.send_to_card(second, "Hello")
    expect(pg.history(second).locator('[data-testid="stCaptionContainer"]')).to_contain_text(
        "tok/s", timeout=120_000
    )
    expect(pg.bubbles(second)).to_have_count(2)
    shot("5-embedded-custom")

    # 7. No error box and no traceback anywhere.
    no_error_boxes(page)
    assert "Traceback" not in local_app.log.read_text()
