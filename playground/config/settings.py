"""The config schema and its loading from a TOML file and from Streamlit secrets.

Each source is validated entry by entry: one bad endpoint yields one error that
names the source and the field, and every valid entry is still used. Error
texts are built from field paths and pydantic's messages, never from input
values, so a token can never appear in one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from playground.chat.apis import Api
from playground.config.sections import (
    LocalModel,
    SecurityConfig,
)
from playground.costs.pricing import MAX_PRICE, Price
from playground.endpoints.backendai.config import BackendAIConfig
from playground.endpoints.urls import normalize_base_url
from playground.errors import InvalidBaseURL
from playground.store.config import StoreConfig

DEFAULT_CONFIG_FILE = "playground.toml"
CONFIG_ENV_VAR = "PLAYGROUND_CONFIG"
SECRETS_SOURCE = ".streamlit/secrets.toml"


class EndpointConfig(BaseModel):
    """One ``[[endpoints]]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    base_url: str
    token: SecretStr | None = None
    token_env: str | None = Field(default=None, min_length=1)
    # What its answers cost (pricing.py): dollars per million tokens, or per GPU hour.
    price: Price | None = None
    gpu_hour: float | None = Field(default=None, ge=0, le=MAX_PRICE)
    context_window: int | None = Field(default=None, ge=1, le=100_000_000)  # tokens
    api: Api = "chat"  # "responses": its cards stream through POST /responses

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("base_url")
    @classmethod
    def _normalize(cls, value: str) -> str:
        try:
            return normalize_base_url(value).url
        except InvalidBaseURL as exc:
            raise ValueError(exc.message) from None


class Timeouts(BaseModel):
    """``[timeouts]``: seconds to wait for a connection and between streamed bytes, and
    how long an answer streams on with no page following it (its tab closed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connect: float = Field(default=5.0, gt=0, le=300)
    read: float = Field(default=120.0, gt=0, le=3600)
    models: float = Field(default=10.0, gt=0, le=300)
    unfollowed: float = Field(default=60.0, ge=0.1, le=3600)


class Limits(BaseModel):
    """``[limits]``: how many cards a workspace holds; an optional hard cap on concurrent
    requests per endpoint (none by default: ``playground.endpoints.concurrency`` adapts
    to the server)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_cards: int = Field(default=8, ge=1, le=32)
    max_concurrent_per_endpoint: int | None = Field(default=None, ge=1, le=1024)
    # A run (a prompt set, or Ask N times) that would ask more answers than this shows
    # its size (answers, estimated tokens and cost) and asks to confirm before it starts.
    confirm_answers_over: int = Field(default=200, ge=1, le=10_000_000)


_SECTIONS: dict[str, type[BaseModel]] = {
    "timeouts": Timeouts,
    "limits": Limits,
    "local_model": LocalModel,
    "store": StoreConfig,
    "backendai": BackendAIConfig,
    "security": SecurityConfig,
}


@dataclass(frozen=True)
class SourcedEndpoint:
    """An endpoint config and the source it came from."""

    config: EndpointConfig
    source: str


@dataclass
class LoadedConfig:
    """Everything valid that was found, and one message per problem."""

    endpoints: list[SourcedEndpoint] = field(default_factory=list)
    timeouts: Timeouts = field(default_factory=Timeouts)
    limits: Limits = field(default_factory=Limits)
    local_model: LocalModel = field(default_factory=LocalModel)
    store: StoreConfig = field(default_factory=StoreConfig)
    backendai: BackendAIConfig | None = None
    security: SecurityConfig = field(default_factory=SecurityConfig)
    errors: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _describe(source: str, prefix: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        where = f"{prefix}.{loc}" if loc else prefix
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        out.append(f"{source}: {where}: {msg}")
    return out


def config_file_path(environ: Mapping[str, str], cwd: Path) -> tuple[Path, bool]:
    """The config file to read, and whether it was named explicitly."""
    named = environ.get(CONFIG_ENV_VAR, "").strip()
    if named:
        return Path(named).expanduser(), True
    return cwd / DEFAULT_CONFIG_FILE, False


def read_toml_file(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """Parse a TOML file: (data, None) or (None, message)."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh), None
    except tomllib.TOMLDecodeError as exc:
        return None, f"{path.name}: not valid TOML: {exc}"
    except OSError as exc:
        return None, f"{path}: cannot be read ({exc.strerror or type(exc).__name__})"


def _add_source(
    loaded: LoadedConfig,
    data: Mapping[str, Any],
    source: str,
    *,
    allow_other_keys: bool,
) -> None:
    for key in data:
        if key not in ("endpoints", *_SECTIONS) and not allow_other_keys:
            loaded.errors.append(f"{source}: {key}: unknown key")
    for key, model in _SECTIONS.items():
        if key not in data:
            continue
        raw = data[key]
        if not isinstance(raw, Mapping):
            loaded.errors.append(f"{source}: {key}: must be a table")
            continue
        # A later source (secrets) adds to what an earlier one (the file) set, so a
        # secret such as backendai.secret_key can live apart from the rest of its table.
        earlier = getattr(loaded, key)
        base = earlier.model_dump(exclude_unset=True) if earlier is not None else {}
        try:
            setattr(loaded, key, model.model_validate({**base, **raw}))
        except ValidationError as exc:
            loaded.errors.extend(_describe(source, key, exc))
    raw_endpoints = data.get("endpoints", [])
    if not isinstance(raw_endpoints, Sequence) or isinstance(raw_endpoints, str | bytes):
        loaded.errors.append(f"{source}: endpoints: must be an array of tables ([[endpoints]])")
        return
    seen = {s.config.name for s in loaded.endpoints}
    for index, raw in enumerate(raw_endpoints):
        prefix = f"endpoints[{index}]"
        if not isinstance(raw, Mapping):
            loaded.errors.append(f"{source}: {prefix}: must be a table")
            continue
        try:
            cfg = EndpointConfig.model_validate(dict(raw))
        except ValidationError as exc:
            loaded.errors.extend(_describe(source, prefix, exc))
            continue
        if cfg.name in seen:
            loaded.errors.append(
                f"{source}: {prefix}.name: duplicate endpoint name '{cfg.name}' (ignored)"
            )
            continue
        seen.add(cfg.name)
        loaded.endpoints.append(SourcedEndpoint(cfg, source))


def load_config(
    file_path: Path | None,
    secrets: Mapping[str, Any] | None,
    *,
    file_required: bool = False,
) -> LoadedConfig:
    """Load endpoints and settings from a TOML file, then from secrets.

    A missing file is fine unless it was named explicitly (``file_required``).
    """
    loaded = LoadedConfig()
    if file_path is not None:
        if file_path.exists():
            data, error = read_toml_file(file_path)
            if error:
                loaded.errors.append(error)
            elif data is not None:
                loaded.files.append(str(file_path))
                _add_source(loaded, data, file_path.name, allow_other_keys=False)
        elif file_required:
            loaded.errors.append(
                f"{file_path}: not found (named by the {CONFIG_ENV_VAR} environment variable)"
            )
    if secrets:
        _add_source(loaded, secrets, SECRETS_SOURCE, allow_other_keys=True)
    return loaded


def resolve_token(
    cfg: EndpointConfig, environ: Mapping[str, str]
) -> tuple[SecretStr | None, str | None]:
    """The endpoint's token (from ``token`` or ``token_env``), and a problem if any."""
    if cfg.token is not None and cfg.token_env:
        return cfg.token, f"'{cfg.name}': both token and token_env are set; using token"
    if cfg.token is not None:
        return cfg.token, None
    if cfg.token_env:
        value = environ.get(cfg.token_env)
        if not value:
            return None, (
                f"'{cfg.name}': environment variable {cfg.token_env} (token_env) is not set"
            )
        return SecretStr(value), None
    return None, None
