"""Sweeps: one or two settings, each with a few values, across a run's cards.

A ``Sweep`` names a setting from a fixed set (temperature, top_p, max tokens,
reasoning effort, system prompt) and its values, each checked with the very bounds
of ``SamplingSettings`` (temperature 0-2, top_p 0-1, max tokens >= 1, an effort of
``ReasoningEffort``, a system prompt of at most ``MAX_SYSTEM_PROMPT_CHARS``); the
API's own words (openai-python v3.63.0, ``types/chat/completion_create_params.py``):
temperature "between 0 and 2", top_p a probability mass; ``shared/reasoning_effort.py``
lists more efforts than this app offers (none, xhigh, max: not every server takes them).
``expand`` turns each card's column into one column per combination of the sweeps'
values (the first sweep's values outer, the second's inner), each a copy of the
card's config with those values applied and a label that says them:
"1 · fake-small · T 0.2 · top_p 0.9"; system prompt variants are "system 1",
"system 2" (their text in ``legend``). A swept column keeps its card's id, so
Continue as chat opens a card with the column's settings.

Sweeping a sampling setting (temperature, top_p, max tokens) turns the card's
"send sampling parameters" on for that column: a value asked for is sent.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Sequence
from typing import Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from playground.config.limits import MAX_SWEEP_COLUMNS, MAX_SWEEP_VALUES, MAX_SWEEPS
from playground.errors import PromptSetProblem
from playground.workspace.types import CardConfig, SamplingSettings

SweepSetting = Literal["temperature", "top_p", "max_tokens", "reasoning_effort", "system_prompt"]
SETTINGS: tuple[SweepSetting, ...] = get_args(SweepSetting)
NAMES: dict[SweepSetting, str] = {
    "temperature": "Temperature",
    "top_p": "top_p",
    "max_tokens": "Max tokens",
    "reasoning_effort": "Reasoning effort",
    "system_prompt": "System prompt",
}
_SHORT = {"temperature": "T", "top_p": "top_p", "max_tokens": "max", "reasoning_effort": "effort"}
_SAMPLING = frozenset({"temperature", "top_p", "max_tokens"})  # sent only with send_sampling
SYSTEM_SEPARATOR = "---"  # a line of its own between system prompt variants
_SEPARATOR_LINE = re.compile(r"^[ \t]*---[ \t]*\r?$", re.MULTILINE)
_LIST = re.compile(r"[,\n]")  # "0.2, 0.7, 1.0" (or one a line)

SweepValue = float | int | str


def _shown(text: str, limit: int = 40) -> str:
    line = " ".join(text.split())
    return repr(line if len(line) <= limit else line[: limit - 1] + "…")


def _checked(setting: SweepSetting, value: object) -> SweepValue:
    """``value`` as ``SamplingSettings`` holds it; a ValueError says why not."""
    try:
        held = getattr(SamplingSettings.model_validate({setting: value}), setting)
    except ValidationError as exc:
        why = exc.errors()[0]["msg"]
        raise ValueError(f"{_shown(str(value))}: {why[:1].lower()}{why[1:]}.") from None
    return held  # NaN and inf fail the bounds too


class RunColumn(BaseModel):
    """One column of a run: a card as it was when the run started, sweeps applied."""

    model_config = ConfigDict(extra="forbid")

    card_id: str
    label: str  # "1 · model", swept: "1 · model · T 0.2 · system 2"
    config: CardConfig  # as the card was when the run started (holds no token), sweeps applied


class Sweep(BaseModel):
    """A setting and its values, each checked with ``SamplingSettings``' bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    setting: SweepSetting
    values: tuple[SweepValue, ...] = Field(min_length=1, max_length=MAX_SWEEP_VALUES)

    @field_validator("values")
    @classmethod
    def _each_value(
        cls, values: tuple[SweepValue, ...], info: ValidationInfo
    ) -> tuple[SweepValue, ...]:
        setting = info.data.get("setting")
        if setting is None:  # the setting itself was refused
            return values
        out: list[SweepValue] = []
        for value in values:
            try:
                held = _checked(setting, value)
            except ValueError as exc:
                raise PydanticCustomError("sweep_value", str(exc)) from None
            if held in out:
                raise PydanticCustomError("sweep_value", f"{_shown(str(value))} is listed twice.")
            out.append(held)
        return tuple(out)

    def value_label(self, index: int) -> str:
        """A column's words for value ``index``: "T 0.2", "effort low", "system 2"."""
        if self.setting == "system_prompt":
            return f"system {index + 1}"
        # str(): the shortest text that reads back as the value ("1.0", "0.1234567"), so
        # two values never share a label (":g" would round 0.1234567 and 0.1234568 alike)
        return f"{_SHORT[self.setting]} {self.values[index]}"


def _split(setting: SweepSetting, text: str) -> list[str]:
    if setting == "system_prompt":
        return [variant.strip() for variant in _SEPARATOR_LINE.split(text)]
    return [token.strip() for token in _LIST.split(text) if token.strip()]


def parse_sweep(setting: str, text: str) -> Sweep | None:
    """The values typed for ``setting`` ("0.2, 0.7, 1.0"; system prompt variants between
    lines of ``---``); None when nothing is typed. Raises ``PromptSetProblem`` saying why
    a value is refused."""
    if not text.strip():
        return None
    if setting not in SETTINGS:
        raise PromptSetProblem(f"Sweep: choose a setting ({', '.join(NAMES.values())}).")
    name = NAMES[setting]  # type: ignore[index]
    values = _split(setting, text)  # type: ignore[arg-type]
    if len(values) > MAX_SWEEP_VALUES:
        raise PromptSetProblem(f"{name}: at most {MAX_SWEEP_VALUES} values ({len(values)} typed).")
    try:
        return Sweep(setting=setting, values=tuple(values))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise PromptSetProblem(f"{name}: {exc.errors()[0]['msg']}") from None


def parse_sweeps(rows: Sequence[tuple[str, str]]) -> list[Sweep]:
    """The sweeps of the rows typed (setting, values); blank rows are no sweep."""
    sweeps = [s for setting, text in rows if (s := parse_sweep(setting, text)) is not None]
    if len(sweeps) > MAX_SWEEPS:
        raise PromptSetProblem(f"Sweep at most {MAX_SWEEPS} settings at once.")
    if len(sweeps) == 2 and sweeps[0].setting == sweeps[1].setting:
        name = NAMES[sweeps[0].setting]
        raise PromptSetProblem(f"{name} is swept twice: put all its values in one row.")
    return sweeps


def apply(config: CardConfig, setting: SweepSetting, value: SweepValue) -> CardConfig:
    """A copy of ``config`` with ``setting`` set to ``value``."""
    out = config.model_copy(deep=True)
    setattr(out.settings, setting, value)  # validated on assignment
    if setting in _SAMPLING:
        out.settings.send_sampling = True
    return out


def combinations(sweeps: Sequence[Sweep]) -> list[tuple[int, ...]]:
    """Every combination of the sweeps' value indices, the first sweep's outer."""
    return list(itertools.product(*(range(len(s.values)) for s in sweeps)))


def expand(
    columns: Sequence[RunColumn], sweeps: Sequence[Sweep], *, fixed: Collection[str] = ()
) -> list[RunColumn]:
    """Each column once per combination of the sweeps' values, settings applied and
    named; columns of the cards in ``fixed`` (the judge's) stay as they are.

    Raises ``PromptSetProblem`` when that makes more than ``MAX_SWEEP_COLUMNS`` columns.
    """
    if not sweeps:
        return list(columns)
    combos = combinations(sweeps)
    swept = sum(1 for c in columns if c.card_id not in fixed)
    total = len(columns) - swept + swept * len(combos)
    if total > MAX_SWEEP_COLUMNS:
        raise PromptSetProblem(
            f"The sweep makes {total} columns ({swept} cards × {len(combos)} combinations); "
            f"at most {MAX_SWEEP_COLUMNS}: sweep fewer values or use fewer cards."
        )
    out: list[RunColumn] = []
    for column in columns:
        if column.card_id in fixed:
            out.append(column)
            continue
        for combo in combos:
            config, words = column.config, [column.label]
            for sweep, index in zip(sweeps, combo, strict=True):
                config = apply(config, sweep.setting, sweep.values[index])
                words.append(sweep.value_label(index))
            out.append(column.model_copy(update={"label": " · ".join(words), "config": config}))
    return out


def legend(sweeps: Sequence[Sweep]) -> list[str]:
    """One line per sweep, saying its values; system prompt variants with their text."""
    lines = []
    for sweep in sweeps:
        if sweep.setting == "system_prompt":
            for i, text in enumerate(sweep.values):
                lines.append(f"system {i + 1}: {text or '(no system prompt)'}")
        else:
            shown = [sweep.value_label(i) for i in range(len(sweep.values))]
            lines.append(f"{NAMES[sweep.setting]}: {', '.join(shown)}")
    return lines
