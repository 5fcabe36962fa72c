"""Issue 13 parts 1-2 in a real headless Chromium: a Custom card on the metadata address is
refused with the rule named, and a proxy's sign-in page as a model list leaves the card
drawn, explained and working."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, RawAnswer, Scenario

pytestmark = pytest.mark.browser

RULE = "169.254.169.254 is a link-local address; add it to allowed_hosts to allow it."
SIGN_IN = b"<!DOCTYPE html><html><body><h1>Sign in to the proxy</h1></body></html>"


@pytest.fixture(scope="module")
def app(server: FakeOpenAIServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    good = server.add("shared-good", Scenario())
    page = RawAnswer(SIGN_IN, headers={"content-type": "text/html"})
    proxy = server.add("shared-proxy", Scenario(models_raw=page))
    running = start_app(
        f'[[endpoints]]\nname = "Good"\nbase_url = "{good}"\n'
        f'[[endpoints]]\nname = "Behind a proxy"\nbase_url = "{proxy}"\n'
        "[local_model]\nenabled = false\n",
        tmp_path_factory.mktemp("shared-app"),
    )
    yield running
    stop_app(running)
    assert "Traceback" not in running.log.read_text()


def test_a_custom_card_on_the_metadata_address_names_the_rule(
    app: RunningApp, page: Page, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    first, second = pg.card_ids()
    pg.choose(second, "model", "Custom")
    pg.type_into(second, "base_url", "http://169.254.169.254/v1")
    pg.type_into(second, "model_id", "fake-small")
    expect(page.get_by_text(RULE).first).to_be_visible(timeout=15_000)  # before sending
    pg.set_sync(True)
    pg.send_synced("what is my instance role?")
    expect(pg.history(first)).to_contain_text("turn 1: what is my instance role?", timeout=20_000)
    expect(pg.history(second)).to_contain_text("what is my instance role?")
    expect(pg.history(second)).to_contain_text(RULE, timeout=20_000)
    no_error_boxes(page)
    shot("refused")


def test_a_sign_in_page_as_model_list_keeps_the_card_working(
    app: RunningApp, page: Page, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, app.url).open()
    first, second = pg.card_ids()
    pg.choose(second, "endpoint", "Behind a proxy")
    expect(
        page.get_by_text("answered with a web page instead of an API response").first
    ).to_be_visible(timeout=15_000)
    expect(pg.model_box(second)).to_have_value("Custom")
    pg.type_into(second, "model_id", "fake-small")
    pg.set_sync(True)
    pg.send_synced("still here?")
    expect(pg.history(first)).to_contain_text("turn 1: still here?", timeout=20_000)
    expect(pg.history(second)).to_contain_text("still here?", timeout=20_000)
    expect(pg.history(second)).to_contain_text("[fake-small] turn 1: still here?", timeout=20_000)
    no_error_boxes(page)
    shot("proxy")
