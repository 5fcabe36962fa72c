"""Browser end-to-end fixtures (the helpers are in ``tests/browser/helpers.py``)."""

from __future__ import annotations

import os
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
        page.screenshot(path=str(path), full_page=True)
        folder = os.environ.get("PLAYGROUND_SCREENSHOTS")
        if docs and folder:
            _docs_picture(page, Path(folder) / f"{docs}.png")
        return path

    return take


# The page's height with its inner scroller unrolled (Streamlit's main area scrolls
# inside the viewport, so a full-page screenshot alone shows one screenful).
_PAGE_HEIGHT = """
() => {
  let height = document.documentElement.scrollHeight;
  for (const e of document.querySelectorAll("*")) {
    const overflow = getComputedStyle(e).overflowY;
    if ((overflow === "auto" || overflow === "scroll") && e.clientHeight >= innerHeight * 0.8) {
      height = Math.max(height, e.scrollHeight + innerHeight - e.clientHeight);
    }
  }
  return height;
}
"""


def _docs_picture(page: Page, path: Path) -> None:
    """The whole page, top to bottom, for ``docs/`` (``scripts/screenshots.py``)."""
    page.wait_for_timeout(1500)  # charts and fonts settle
    size = page.viewport_size
    assert size is not None
    height = min(max(int(page.evaluate(_PAGE_HEIGHT)), size["height"]), 2400)
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
