"""Which embedded models are offered, where the opening cards land, and what they start with.

Plain values only: no model is started here (tests/endpoints/test_local_model.py runs them).
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from playground.config.sections import LocalModel
from playground.config.settings import load_config
from playground.endpoints.catalog import (
    Endpoint,
    EndpointCatalog,
    build_catalog,
    opening_cards,
    opening_workspace,
    settings_for_endpoint,
)
from playground.endpoints.local_models import GEMMA3, LOCAL_MODELS, SMOLLM2, embedded_endpoint
from playground.workspace.types import SamplingSettings

SMOLLM2_PROMPT = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


def embedded(base_url: str | None = None) -> list[Endpoint]:
    settings = LocalModel().settings_for
    return [embedded_endpoint(s, settings(s.key), base_url) for s in LOCAL_MODELS]


def catalog(*endpoints: Endpoint) -> EndpointCatalog:
    return EndpointCatalog(tuple(endpoints), ())


CONFIGURED = Endpoint(name="vLLM", base_url="http://127.0.0.1:9/v1", source="file")


def test_both_models_are_offered_instruct_first_and_described() -> None:
    names = [e.name for e in embedded()]
    assert names == [
        "Local · SmolLM2 135M Instruct (embedded)",
        "Local · Gemma 3 270M base (embedded)",
    ]
    smol, gemma = embedded()
    assert "instruct" in smol.description and "98 MB" in smol.description
    assert "base model" in gemma.description and "253 MB" in gemma.description
    assert smol.static_models == ("smollm2-135m-instruct",)
    assert gemma.static_models == ("gemma-3-270m",)


def test_only_the_base_model_forces_a_chat_format() -> None:
    assert SMOLLM2.chat_format is None  # the template inside its .gguf
    assert GEMMA3.chat_format == "gemma"


def test_an_embedded_model_not_started_yet_has_no_url() -> None:
    assert [e.base_url for e in embedded()] == ["", ""]
    assert [e.base_url for e in embedded("http://127.0.0.1:5/v1")] == ["http://127.0.0.1:5/v1"] * 2


@pytest.mark.parametrize(
    ("endpoints", "remote", "expected"),
    [
        pytest.param(
            embedded(),
            False,
            [(SMOLLM2.endpoint_name, SMOLLM2.model_id), (GEMMA3.endpoint_name, GEMMA3.model_id)],
            id="two-models-two-cards",
        ),
        pytest.param(
            embedded()[1:],
            False,
            [(GEMMA3.endpoint_name, GEMMA3.model_id)] * 2,
            id="one-model-enabled",
        ),
        pytest.param([CONFIGURED, *embedded()], False, [], id="configured-endpoint-wins"),
        pytest.param(embedded(), True, [], id="backendai-may-offer-one"),
        pytest.param([], False, [], id="nothing-at-all"),
    ],
)
def test_opening_cards(
    endpoints: list[Endpoint], remote: bool, expected: list[tuple[str, str]]
) -> None:
    placed = opening_cards(catalog(*endpoints), 2, remote=remote)
    assert [(e.name, model) for e, model in placed] == expected


def test_more_cards_than_models_take_them_in_turn() -> None:
    placed = opening_cards(catalog(*embedded()), 3)
    assert [e.name for e, _ in placed] == [
        SMOLLM2.endpoint_name,
        GEMMA3.endpoint_name,
        SMOLLM2.endpoint_name,
    ]


def test_opening_workspace_gives_smollm2_its_system_prompt() -> None:
    smol, gemma = opening_workspace(catalog(*embedded())).cards
    assert (smol.config.endpoint, smol.config.model) == (SMOLLM2.endpoint_name, SMOLLM2.model_id)
    assert smol.config.settings.system_prompt == SMOLLM2_PROMPT
    assert gemma.config.settings == SamplingSettings()
    # Each card owns its settings: editing one leaves the model's defaults alone.
    smol.config.settings.system_prompt = "Be brief."
    assert opening_workspace(catalog(*embedded())).cards[0].config.settings.system_prompt == (
        SMOLLM2_PROMPT
    )


def test_opening_workspace_with_a_configured_endpoint_is_the_plain_one() -> None:
    ws = opening_workspace(catalog(CONFIGURED, *embedded()))
    assert [c.config.endpoint for c in ws.cards] == [None, None]  # first configured, as before


def test_settings_follow_the_endpoint_until_the_person_changes_them() -> None:
    smol, gemma = embedded()
    moved = settings_for_endpoint(SamplingSettings(), gemma, smol)
    assert moved.system_prompt == SMOLLM2_PROMPT
    back = settings_for_endpoint(moved, smol, gemma)
    assert back == SamplingSettings()
    edited = moved.model_copy(update={"system_prompt": "Answer in French."})
    assert settings_for_endpoint(edited, smol, gemma) is edited
    unchanged = SamplingSettings(temperature=1.0)
    assert settings_for_endpoint(unchanged, CONFIGURED, smol) is unchanged


def test_local_model_tables_override_the_shared_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "playground.toml"
    path.write_text(
        "[local_model]\nn_ctx = 2048\nmax_tokens = 100\n"
        "[local_model.gemma3]\nenabled = false\n"
        "[local_model.smollm2]\nmax_tokens = 300\n",
        encoding="utf-8",
    )
    loaded = load_config(path, None)
    assert not loaded.errors
    smol = loaded.local_model.settings_for("smollm2")
    assert (smol.enabled, smol.n_ctx, smol.max_tokens) == (True, 2048, 300)
    assert not loaded.local_model.settings_for("gemma3").enabled
    built = build_catalog(loaded, {}, [e for e in embedded() if e.name == SMOLLM2.endpoint_name])
    assert built.names == [SMOLLM2.endpoint_name]


def test_local_model_off_turns_off_both() -> None:
    off = LocalModel(enabled=False)
    assert not any(off.settings_for(s.key).enabled for s in LOCAL_MODELS)


def test_a_bad_local_model_table_is_reported_by_field() -> None:
    with pytest.raises(ValidationError) as info:
        LocalModel.model_validate({"smollm2": {"n_ctx": 10, "colour": "red"}})
    locs = {tuple(e["loc"]) for e in info.value.errors()}
    assert locs == {("smollm2", "n_ctx"), ("smollm2", "colour")}
