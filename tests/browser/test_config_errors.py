"""Broken config files are reported on the page; the app still starts with what is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import no_error_boxes, start_app, stop_app
from tests.fake_openai import FakeOpenAIServer

pytestmark = pytest.mark.browser


def test_broken_secrets_and_bad_entries_are_reported(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = server.add("config-errors")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[[endpoints]\nname = ", encoding="utf-8")  # not TOML
    app = start_app(
        f'[[endpoints]]\nname = "Good"\nbase_url = "{url}"\n'
        '[[endpoints]]\nname = "Bad"\nbase_url = "ftp://x/v1"\ncolour = 1\n'
        "[local_model]\nenabled = false\n",
        tmp_path,
        "--secrets.files",
        str(secrets),
    )
    try:
        page.goto(app.url)
        problems = page.get_by_text("Config problems (3)")
        expect(problems).to_be_visible(timeout=30_000)
        problems.click()
        expect(page.get_by_text(f"{secrets}: cannot be read: not valid TOML")).to_be_visible()
        expect(
            page.get_by_text("playground.toml: endpoints[1].colour: unknown key")
        ).to_be_visible()
        expect(page.get_by_text("playground.toml: endpoints[1].base_url:")).to_be_visible()
        combobox = page.locator('[class*="-endpoint"]').first.get_by_role("combobox")
        expect(combobox).to_have_value("Good")
        no_error_boxes(page)
    finally:
        stop_app(app)
