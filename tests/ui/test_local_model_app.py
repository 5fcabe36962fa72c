"""The app with no endpoint configured: its opening cards on the two real embedded models.

These need ``requirements-local.txt`` installed; the README's test command does.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground.endpoints.local_models import GEMMA3, SMOLLM2
from playground.workspace.types import Card
from tests.helpers import cards, new_app, open_settings, send_synced

pytestmark = pytest.mark.local_model


def _system_prompt_shown(at: AppTest, card: Card) -> str:
    """The System prompt in the card's Settings (opened: one card's at a time)."""
    open_settings(at, card)
    (shown,) = [t.value for t in at.text_area if t.label == "System prompt"]
    return shown


def test_sync_input_two_cards_two_models_answer_in_the_app(write_config) -> None:  # type: ignore[no-untyped-def]
    """No endpoint configured: the opening cards are a comparison of the two models."""
    write_config("[local_model]\nmax_tokens = 200\nn_ctx = 1024\n", local_model=True)
    at = new_app()
    endpoint_boxes = [s for s in at.selectbox if s.label == "Endpoint"]
    assert [s.value for s in endpoint_boxes] == [SMOLLM2.endpoint_name, GEMMA3.endpoint_name]
    model_boxes = [s for s in at.selectbox if s.label == "Model"]
    assert [s.value for s in model_boxes] == [SMOLLM2.model_id, GEMMA3.model_id]
    # SmolLM2's system prompt is in its card's Settings, where it can be edited.
    systems = [_system_prompt_shown(at, card) for card in cards(at)]
    assert systems == ["You are a helpful AI assistant named SmolLM, trained by Hugging Face", ""]
    send_synced(at, "What is the capital of France?")
    smol, gemma = cards(at)
    for card in (smol, gemma):
        answer = card.messages[-1]
        assert answer.status == "done", answer.error
        assert answer.content.strip()
    assert "Paris" in smol.messages[-1].content
    assert not at.exception


def test_an_edited_system_prompt_is_what_the_card_sends(write_config) -> None:  # type: ignore[no-untyped-def]
    write_config("[local_model]\nmax_tokens = 40\nn_ctx = 1024\n", local_model=True)
    at = new_app()
    smol = cards(at)[0]
    open_settings(at, smol)
    at.text_area(key=f"card-{smol.id}-system").set_value("Always answer in one word.").run()
    assert smol.config.settings.system_prompt == "Always answer in one word."
    assert smol.history_for_request()[0] == {
        "role": "system",
        "content": "Always answer in one word.",
    }


def test_a_card_moved_to_smollm2_takes_its_settings_until_edited(write_config) -> None:  # type: ignore[no-untyped-def]
    write_config("[local_model]\nmax_tokens = 40\nn_ctx = 1024\n", local_model=True)
    at = new_app()
    gemma = cards(at)[1]
    open_settings(at, gemma)
    at.selectbox(key=f"card-{gemma.id}-endpoint").select(SMOLLM2.endpoint_name).run()
    assert gemma.config.settings == SMOLLM2.card_settings
    # shown in its Settings (open) at once
    assert _system_prompt_shown(at, gemma) == SMOLLM2.card_settings.system_prompt
    at.selectbox(key=f"card-{gemma.id}-endpoint").select(GEMMA3.endpoint_name).run()
    assert gemma.config.settings.system_prompt == ""  # back to Gemma's own (none)
    assert not at.exception
