"""Sweeps: values checked with the card settings' bounds, and expanded into columns."""

from __future__ import annotations

import pytest

from playground.config.limits import MAX_SWEEP_COLUMNS, MAX_SWEEP_VALUES
from playground.errors import PromptSetProblem
from playground.promptsets.prepare import card_columns
from playground.promptsets.records import RunSpec
from playground.promptsets.sweeps import Sweep, expand, legend, parse_sweep, parse_sweeps
from playground.workspace.types import Card, CardConfig


def cards(*models: str) -> list[Card]:
    return [Card(config=CardConfig(endpoint="A", model=m)) for m in models]


def test_one_sweep_makes_a_column_per_card_and_value_in_order() -> None:
    two = cards("fake-small", "fake-large")
    two[1].config.settings.system_prompt = "Be brief."
    sweep = parse_sweep("temperature", "0.2, 0.7,1.0")
    assert sweep == Sweep(setting="temperature", values=(0.2, 0.7, 1.0))
    columns = expand(card_columns(two), [sweep])
    assert [c.label for c in columns] == [
        "1 · fake-small · T 0.2",
        "1 · fake-small · T 0.7",
        "1 · fake-small · T 1.0",
        "2 · fake-large · T 0.2",
        "2 · fake-large · T 0.7",
        "2 · fake-large · T 1.0",
    ]
    assert [c.config.settings.temperature for c in columns] == [0.2, 0.7, 1.0] * 2
    assert [c.card_id for c in columns] == [two[0].id] * 3 + [two[1].id] * 3
    assert {c.config.settings.system_prompt for c in columns[3:]} == {"Be brief."}  # kept
    assert two[0].config.settings.temperature is None  # the cards are not changed


def test_two_sweeps_make_every_combination_the_first_outer() -> None:
    sweeps = parse_sweeps([("temperature", "0.2, 1"), ("top_p", "0.9\n0.5")])
    columns = expand(card_columns(cards("m")), sweeps)
    assert [c.label for c in columns] == [
        "1 · m · T 0.2 · top_p 0.9",
        "1 · m · T 0.2 · top_p 0.5",
        "1 · m · T 1.0 · top_p 0.9",
        "1 · m · T 1.0 · top_p 0.5",
    ]
    got = [(c.config.settings.temperature, c.config.settings.top_p) for c in columns]
    assert got == [(0.2, 0.9), (0.2, 0.5), (1.0, 0.9), (1.0, 0.5)]


def test_system_prompt_variants_are_numbered_and_their_text_is_in_the_legend() -> None:
    card = cards("m")[0]
    card.config.settings.send_sampling = False
    sweeps = parse_sweeps(
        [
            ("system_prompt", "Be brief.\n---\nAnswer in French,\nbriefly.\n  ---  \n"),
            ("max_tokens", "64, 512"),
        ]
    )
    assert sweeps[0].values == ("Be brief.", "Answer in French,\nbriefly.", "")
    columns = expand(card_columns([card]), sweeps)
    assert [c.label for c in columns][:3] == [
        "1 · m · system 1 · max 64",
        "1 · m · system 1 · max 512",
        "1 · m · system 2 · max 64",
    ]
    assert columns[2].config.settings.system_prompt == "Answer in French,\nbriefly."
    assert columns[5].config.settings.system_prompt == ""
    # a swept max tokens is sent even where the card sent no sampling parameters
    assert columns[0].config.settings.request_params() == {"max_tokens": 64}
    assert legend(sweeps) == [
        "system 1: Be brief.",
        "system 2: Answer in French,\nbriefly.",
        "system 3: (no system prompt)",
        "Max tokens: max 64, max 512",
    ]


def test_close_values_keep_labels_of_their_own() -> None:
    sweep = parse_sweep("temperature", "0.1234567, 0.1234568")
    columns = expand(card_columns(cards("m")), [sweep])
    assert [c.label for c in columns] == ["1 · m · T 0.1234567", "1 · m · T 0.1234568"]


def test_reasoning_effort_is_swept_and_sent() -> None:
    sweep = parse_sweep("reasoning_effort", "low, high")
    columns = expand(card_columns(cards("m")), [sweep])
    assert [c.label for c in columns] == ["1 · m · effort low", "1 · m · effort high"]
    assert columns[1].config.settings.request_params() == {"reasoning_effort": "high"}


def test_the_judges_card_is_not_swept() -> None:
    two = cards("m", "judge")
    columns = expand(card_columns(two), [parse_sweep("top_p", "0.1, 0.2")], fixed={two[1].id})
    assert [c.label for c in columns] == ["1 · m · top_p 0.1", "1 · m · top_p 0.2", "2 · judge"]
    assert columns[2].config == two[1].config


@pytest.mark.parametrize(
    ("setting", "text", "message"),
    [
        pytest.param(
            "temperature", "0.2, 3", "Temperature: '3': input should be less than or equal to 2.",
            id="temperature-over-2",
        ),
        pytest.param(
            "temperature", "warm",
            "Temperature: 'warm': input should be a valid number, unable to parse string as a "
            "number.",
            id="not-a-number",
        ),
        pytest.param(
            "temperature", "nan", "Temperature: 'nan': input should be less than or equal to 2.",
            id="nan",
        ),
        pytest.param(
            "top_p", "1.5", "top_p: '1.5': input should be less than or equal to 1.", id="top-p"
        ),
        pytest.param(
            "max_tokens", "0", "Max tokens: '0': input should be greater than or equal to 1.",
            id="max-tokens-0",
        ),
        pytest.param(
            "max_tokens", "1.5",
            "Max tokens: '1.5': input should be a valid integer, unable to parse string as an "
            "integer.",
            id="max-tokens-fraction",
        ),
        pytest.param(
            "reasoning_effort", "low, extreme",
            "Reasoning effort: 'extreme': input should be 'minimal', 'low', 'medium' or 'high'.",
            id="effort",
        ),
        pytest.param("top_p", "0.5, 0.50", "top_p: '0.50' is listed twice.", id="duplicate"),
        pytest.param(
            "temperature", ", ".join(str(i / 10) for i in range(MAX_SWEEP_VALUES + 1)),
            f"Temperature: at most {MAX_SWEEP_VALUES} values ({MAX_SWEEP_VALUES + 1} typed).",
            id="too-many",
        ),
        pytest.param(
            "seed", "1, 2", "Sweep: choose a setting (Temperature, top_p, Max tokens, "
            "Reasoning effort, System prompt).",
            id="unknown-setting",
        ),
        pytest.param(
            "system_prompt", "short\n---\n" + "x" * 100_001,
            "System prompt: " + repr("x" * 39 + "…") + ": string should have at most 100000 "
            "characters.",
            id="system-prompt-too-long",
        ),
    ],
)  # fmt: skip
def test_bad_values_are_refused_with_a_message(setting: str, text: str, message: str) -> None:
    with pytest.raises(PromptSetProblem) as caught:
        parse_sweep(setting, text)
    assert caught.value.message == message


def test_blank_rows_are_no_sweep_and_a_setting_swept_twice_is_refused() -> None:
    assert parse_sweeps([("temperature", "  "), ("", "")]) == []
    with pytest.raises(PromptSetProblem, match="Temperature is swept twice"):
        parse_sweeps([("temperature", "0.1"), ("temperature", "0.2")])


def test_too_many_columns_are_refused_before_anything_is_built() -> None:
    five = card_columns(cards(*"abcde"))
    sweeps = parse_sweeps([("temperature", "0.1, 0.2, 0.3"), ("top_p", "0.1, 0.5, 0.9")])
    with pytest.raises(PromptSetProblem) as caught:
        expand(five, sweeps)
    assert caught.value.message == (
        f"The sweep makes 45 columns (5 cards × 9 combinations); at most {MAX_SWEEP_COLUMNS}: "
        "sweep fewer values or use fewer cards."
    )


def test_a_spec_keeps_its_sweeps_and_a_spec_saved_before_sweeps_loads() -> None:
    sweeps = parse_sweeps([("max_tokens", "64, 512"), ("system_prompt", "0.5\n---\nB")])
    columns = expand(card_columns(cards("m")), sweeps)
    spec = RunSpec(title="t", columns=columns, rows=[], sweeps=sweeps)
    again = RunSpec.model_validate_json(spec.model_dump_json())
    assert again == spec
    assert again.sweeps[0].values == (64, 512) and again.sweeps[1].values == ("0.5", "B")
    old = spec.model_dump(mode="json")
    del old["sweeps"]
    assert RunSpec.model_validate(old).sweeps == []
