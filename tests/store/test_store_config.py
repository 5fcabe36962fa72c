"""The ``[store]`` config table."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from playground.config.settings import load_config
from playground.store import StoreConfig


def test_defaults() -> None:
    loaded = load_config(None, None)
    assert loaded.store == StoreConfig()
    assert loaded.store.url is None
    assert loaded.store.data_dir == ".playground-data"
    assert loaded.store.shared is False
    assert loaded.store.max_workspace_bytes == 4 * 1024 * 1024
    assert loaded.store.autosave_interval == 2.0


def test_read_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "playground.toml"
    path.write_text(
        '[store]\nurl = "postgresql://app@db/playground"\nshared = true\n'
        "max_workspace_bytes = 1000000\nautosave_interval = 5\n",
        encoding="utf-8",
    )
    loaded = load_config(path, None)
    assert loaded.errors == []
    assert loaded.store.url == "postgresql://app@db/playground"
    assert loaded.store.shared is True
    assert loaded.store.database_url() == "postgresql://app@db/playground"


def test_read_from_secrets() -> None:
    loaded = load_config(None, {"store": {"url": "postgresql+psycopg://u:pw@h/db"}})
    assert loaded.errors == [] and loaded.store.url == "postgresql+psycopg://u:pw@h/db"


@pytest.mark.parametrize(
    ("table", "error"),
    [
        pytest.param({"nope": 1}, "store.nope: unknown key", id="unknown-key"),
        pytest.param({"autosave_interval": 0}, "store.autosave_interval:", id="interval"),
        pytest.param({"max_workspace_bytes": 10}, "store.max_workspace_bytes:", id="too-small"),
        pytest.param(
            {"url": "mysql://root:hunter2@h/db"},
            "store.url: must be a sqlite:// or postgresql:// URL",
            id="scheme",
        ),
    ],
)
def test_bad_values_are_reported_without_their_value(table: dict[str, object], error: str) -> None:
    loaded = load_config(None, {"store": table})
    assert len(loaded.errors) == 1 and error in loaded.errors[0]
    assert "hunter2" not in loaded.errors[0]
    assert loaded.store == StoreConfig()


def test_frozen() -> None:
    with pytest.raises(ValidationError):
        StoreConfig().shared = True  # type: ignore[misc]
