"""The ``[backendai]`` config section: where the manager is and which keypair signs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

_API_VERSION = re.compile(r"^v\d+\.\d{8}$")


class BackendAIConfig(BaseModel):
    """``[backendai]``: a Backend.AI manager and the keypair used to talk to it.

    ``secret_key`` belongs in Streamlit secrets; ``secret_key_env`` names an
    environment variable to read it from instead. ``api_version`` unset: the client asks
    the manager (``GET /``) and sends the newest version both know.

    ``manager_url`` was called ``endpoint`` before; that key is still read (deprecated:
    "endpoint" means a model service everywhere else in the playground).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    manager_url: str = Field(min_length=1)  # the manager's API URL, https://api.example.com
    access_key: str = Field(min_length=1, max_length=128)
    secret_key: SecretStr | None = None
    secret_key_env: str | None = Field(default=None, min_length=1)
    api_version: str | None = None
    project: str | None = None  # a project (group) ID: list only its endpoints
    page_size: int = Field(default=20, ge=1, le=100)
    timeout: float = Field(default=10.0, gt=0, le=300)

    @model_validator(mode="before")
    @classmethod
    def _old_endpoint_key(cls, data: Any) -> Any:
        """Read the deprecated key ``endpoint`` as ``manager_url``."""
        if isinstance(data, dict) and "endpoint" in data and "manager_url" not in data:
            data = {("manager_url" if k == "endpoint" else k): v for k, v in data.items()}
        return data

    @field_validator("manager_url")
    @classmethod
    def _manager_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
            raise ValueError("must be the manager's API URL, starting with http:// or https://")
        if "@" in value.split("://", 1)[1].split("/", 1)[0]:
            raise ValueError("must not contain a user name or password (the keypair signs)")
        return value

    @field_validator("access_key")
    @classmethod
    def _strip_access_key(cls, value: str) -> str:
        value = value.strip()
        if not value or any(c in value for c in ":, \t"):
            raise ValueError("must be a Backend.AI access key (no spaces, ':' or ',')")
        return value

    @field_validator("api_version")
    @classmethod
    def _api_version(cls, value: str | None) -> str | None:
        if value is not None and not _API_VERSION.match(value):
            raise ValueError("must look like v8.20240915 (major version and release date)")
        return value

    @field_validator("project")
    @classmethod
    def _project_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            raise ValueError("must be the project's ID (a UUID), not its name") from None


def resolve_secret_key(
    cfg: BackendAIConfig, environ: Mapping[str, str]
) -> tuple[SecretStr | None, str | None]:
    """The secret key (from ``secret_key`` or ``secret_key_env``), and a problem if any."""
    if cfg.secret_key is not None and cfg.secret_key_env:
        return (
            cfg.secret_key,
            "backendai: both secret_key and secret_key_env are set; using secret_key",
        )
    if cfg.secret_key is not None:
        if not cfg.secret_key.get_secret_value().strip():
            return None, "backendai.secret_key: is empty"
        return cfg.secret_key, None
    if cfg.secret_key_env:
        value = environ.get(cfg.secret_key_env, "").strip()
        if not value:
            return None, (
                f"backendai.secret_key_env: environment variable {cfg.secret_key_env} is not set"
            )
        return SecretStr(value), None
    return None, "backendai: no secret key; set secret_key (in secrets) or secret_key_env"
