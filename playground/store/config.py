"""``[store]``: where workspaces are saved, and the limits of saving."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_DATA_DIR = ".playground-data"
SQLITE_FILE = "workspaces.sqlite3"
_SCHEMES = ("sqlite", "postgresql", "postgres")


class StoreConfig(BaseModel):
    """``[store]`` in playground.toml (or in Streamlit secrets).

    ``url`` is a SQLAlchemy URL: ``postgresql://user:password@host/db`` for a
    deployment with several app replicas; None keeps a SQLite file in
    ``data_dir`` (relative paths are taken from the working directory, like
    ``playground.toml``). ``shared`` marks a deployment used by several people:
    without sign-in the History page is off there, and only a workspace's own
    link opens it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = Field(default=None, min_length=1)
    data_dir: str = Field(default=DEFAULT_DATA_DIR, min_length=1)
    shared: bool = False
    max_workspace_bytes: int = Field(default=4 * 1024 * 1024, ge=64 * 1024, le=256 * 1024 * 1024)
    autosave_interval: float = Field(default=2.0, ge=0.05, le=60)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        # The message never repeats the value: a URL may carry a password.
        if value is None:
            return None
        scheme = value.split("://", 1)[0].split("+", 1)[0].lower() if "://" in value else ""
        if scheme not in _SCHEMES:
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        return value

    def database_url(self, cwd: Path | None = None) -> str:
        """The SQLAlchemy URL to open: ``url``, or the SQLite file in ``data_dir``."""
        if self.url is not None:
            return self.url
        return f"sqlite:///{self.sqlite_path(cwd)}"

    def sqlite_path(self, cwd: Path | None = None) -> Path:
        """The SQLite file used when no ``url`` is set."""
        base = Path(self.data_dir).expanduser()
        if not base.is_absolute():
            base = (cwd or Path.cwd()) / base
        return base / SQLITE_FILE
