"""The app's config and catalog (``playground.ui.resources.load_config_and_catalog``):
looked up once per ``RECHECK_SECONDS`` however often a page run asks, and a changed
file or environment is still seen."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from playground.ui import resources


def _names() -> list[str]:
    return [e.name for e in resources.load_config_and_catalog()[1].endpoints]


def test_an_edited_config_file_is_seen_within_the_recheck_interval(
    write_config: Callable[..., Path],
) -> None:
    path = write_config('[[endpoints]]\nname = "Before"\nbase_url = "http://127.0.0.1:9/v1"\n')
    assert _names() == ["Before"]
    first = resources.load_config_and_catalog()
    assert resources.load_config_and_catalog() is first  # asked again at once: the same answer
    path.write_text(
        '[[endpoints]]\nname = "After"\nbase_url = "http://127.0.0.1:9/v1"\n'
        "\n[local_model]\nenabled = false\n",
        encoding="utf-8",
    )
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))  # a later modification time, whatever the clock's grain
    time.sleep(resources.RECHECK_SECONDS + 0.05)
    assert _names() == ["After"]


def test_a_changed_environment_is_seen_at_once(
    write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config('[[endpoints]]\nname = "First"\nbase_url = "http://127.0.0.1:9/v1"\n')
    assert _names() == ["First"]
    other = tmp_path / "other.toml"
    other.write_text(
        '[[endpoints]]\nname = "Second"\nbase_url = "http://127.0.0.1:9/v1"\n'
        "\n[local_model]\nenabled = false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PLAYGROUND_CONFIG", str(other))
    assert _names() == ["Second"]
