"""Browser end-to-end fixtures (the helpers are in ``tests/browser/helpers.py``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import ARTIFACTS, CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Save a full-page screenshot as a test artifact; ``docs="name"`` also writes it to
    ``$PLAYGROUND_SCREENSHOTS/name.png`` when that is set (``scripts/screenshots.py``)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, docs: str | None = None) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        folder = os.environ.get("PLAYGROUND_SCREENSHOTS")
        if docs and folder:
            page.wait_for_timeout(1500)  # charts and fonts settle before a picture for docs/
        page.screenshot(path=str(path), full_page=True)
        if docs and folder:
            shutil.copyfile(path, Path(folder) / f"{docs}.png")
        return path

    return take
