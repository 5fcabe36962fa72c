"""What a visitor sends is bounded on the real page (issue 21)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from playground.config.limits import MAX_PROMPT_CHARS
from tests.browser.helpers import no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.hostile_imports import HOSTILE

pytestmark = pytest.mark.browser


def _config(server: FakeOpenAIServer) -> str:
    url = server.add("limits", Scenario(tokens=3))
    return f'[[endpoints]]\nname = "Alpha"\nbase_url = "{url}"\n[local_model]\nenabled = false\n'


def test_too_large_and_hostile_uploads_get_a_message_and_keep_the_cards(
    page: Page, server: FakeOpenAIServer, tmp_path: Path, shot: Callable[[str], Path]
) -> None:
    app = start_app(_config(server), tmp_path)
    try:
        pg = PlaygroundPage(page, app.url).open()
        pg.set_sync(False)  # the first page opens synced; this test types into one card
        first = pg.card_ids()[0]
        pg.send_to_card(first, "keep me")
        expect(pg.history(first)).to_contain_text("first token", timeout=30_000)  # answered
        before = pg.texts([first])
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
        expect(page.get_by_text("11MB per file")).to_be_visible()

        too_large = tmp_path / "big.json"  # 19 MB: 6.6 million {}
        too_large.write_bytes(next(h for h in HOSTILE if "19 MB" in h.name).make())
        uploader.set_input_files(str(too_large))
        refusal = page.get_by_text("File must be 11.0MB or smaller.")
        expect(refusal).to_have_count(1, timeout=30_000)
        page.get_by_text("big.json").hover()
        expect(refusal).to_be_visible()  # Streamlit's own message, on the refused file
        shot("too-large")

        hostile = tmp_path / "hostile.json"  # 10 MB: 3.3 million {} as cards
        hostile.write_bytes(next(h for h in HOSTILE if "as cards" in h.name).make())
        uploader.set_input_files(str(hostile))
        message = page.get_by_text(
            "'hostile.json' was not imported. The file has more than 8 cards"
        )
        expect(message).to_be_visible(timeout=30_000)
        shot("hostile")
        assert pg.texts([first]) == before
        assert len(pg.card_ids()) == 2
        no_error_boxes(page)
    finally:
        stop_app(app)


def test_a_paste_past_the_prompt_limit_is_refused_and_the_limit_shown(
    page: Page, server: FakeOpenAIServer, tmp_path: Path, shot: Callable[[str], Path]
) -> None:
    app = start_app(_config(server), tmp_path)
    try:
        pg = PlaygroundPage(page, app.url).open()
        pg.set_sync(False)  # the first page opens synced; this test types into one card
        box = pg.widget(pg.card_ids()[0], "input").locator("textarea")
        box.fill("x" * (MAX_PROMPT_CHARS - 10))
        box.press("End")
        page.keyboard.insert_text("y" * 50)  # a paste that would pass the limit
        expect(page.get_by_text(f"{MAX_PROMPT_CHARS - 10}/{MAX_PROMPT_CHARS}")).to_be_visible()
        assert len(box.input_value()) == MAX_PROMPT_CHARS - 10
        shot("prompt-limit")
        no_error_boxes(page)
    finally:
        stop_app(app)
