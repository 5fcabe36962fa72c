"""The ``[local_model]`` and ``[security]`` config sections (read by ``settings.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from playground.endpoints.egress import EgressPolicy, parse_entry


class LocalModelOptions(BaseModel):
    """``[local_model.<model>]``: one embedded model; unset values come from ``[local_model]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    n_ctx: int | None = Field(default=None, ge=256, le=32768)
    max_tokens: int | None = Field(default=None, ge=1, le=32768)


@dataclass(frozen=True)
class LocalModelSettings:
    """What one embedded model runs with, once ``[local_model]`` and its own table are merged."""

    enabled: bool
    n_ctx: int
    max_tokens: int


class LocalModel(BaseModel):
    """``[local_model]``: the embedded models (when requirements-local.txt is installed).

    ``enabled``, ``n_ctx`` and ``max_tokens`` apply to every embedded model; a
    ``[local_model.smollm2]`` or ``[local_model.gemma3]`` table overrides them
    for that model (``enabled = false`` leaves it out).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    n_ctx: int = Field(default=4096, ge=256, le=32768)
    max_tokens: int = Field(default=512, ge=1, le=32768)
    smollm2: LocalModelOptions = Field(default_factory=LocalModelOptions)
    gemma3: LocalModelOptions = Field(default_factory=LocalModelOptions)

    def settings_for(self, key: str) -> LocalModelSettings:
        """The merged settings of the embedded model ``key`` ("smollm2", "gemma3")."""
        own = getattr(self, key)
        assert isinstance(own, LocalModelOptions), key
        return LocalModelSettings(
            enabled=self.enabled and own.enabled,
            n_ctx=own.n_ctx if own.n_ctx is not None else self.n_ctx,
            max_tokens=own.max_tokens if own.max_tokens is not None else self.max_tokens,
        )


class SecurityConfig(BaseModel):
    """``[security]``: for shared deployments, where this server may connect (``egress``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_custom_endpoints: bool = True  # false: no card may talk to a typed baseURL
    # Host names, *.domains, addresses and CIDR ranges; empty: any host not refused.
    allowed_hosts: tuple[str, ...] = Field(default=(), max_length=1000)

    @field_validator("allowed_hosts")
    @classmethod
    def _check_hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, entry in enumerate(value):
            try:
                parse_entry(entry)
            except ValueError as exc:
                raise ValueError(f"entry {index + 1} {exc}") from None
        return tuple(entry.strip() for entry in value)

    def policy(self) -> EgressPolicy:
        return EgressPolicy.from_hosts(self.allowed_hosts)
