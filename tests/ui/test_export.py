"""Export (JSON, Markdown) and import of a workspace (issue 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import FileUploader

from playground.config.limits import max_export_bytes
from playground.errors import ImportProblem
from playground.store.config import StoreConfig
from playground.workspace.export import export_json, export_markdown, import_json
from playground.workspace.types import (
    Card,
    CardConfig,
    CustomConfig,
    Message,
    Metrics,
    SamplingSettings,
    Workspace,
)
from tests.helpers import cards, endpoints_toml, key, new_app, send_synced, shown, state

CANARY = "sk-canary-0b7e4f"
DEFAULT_MAX = StoreConfig().max_workspace_bytes


def sample() -> Workspace:
    answer = Message(
        role="assistant",
        content="Bonjour ! ```code```",
        reasoning="French greeting.",
        metrics=Metrics(ttft_s=0.1, last_token_s=0.5, total_s=0.6, output_tokens=9),
        earlier=[Message(role="assistant", content="Salut", status="stopped")],
    )
    return Workspace(
        cards=[
            Card(
                config=CardConfig(
                    endpoint="Alpha",
                    model="m1",
                    settings=SamplingSettings(
                        system_prompt="Réponds en français.", temperature=0.3
                    ),
                ),
                messages=[Message(role="user", content="Hello ✓"), answer],
            ),
            Card(
                config=CardConfig(
                    endpoint="Alpha",
                    model="Custom",
                    custom=CustomConfig(
                        base_url=f"http://me:{CANARY}@127.0.0.1:9/v1?key={CANARY}#{CANARY}",
                        model_id="x",
                    ),
                ),
                messages=[
                    Message(role="user", content="hi"),
                    Message(role="assistant", status="error", error="Token rejected."),
                ],
            ),
        ],
        sync_input=True,
        cards_per_row=3,
    )


def test_round_trip_is_byte_identical() -> None:
    first = export_json(sample())
    restored = import_json(first, endpoints=["Alpha"], max_cards=8)
    assert export_json(restored) == first
    data = json.loads(first)
    assert data["format"] == "llm-playground/workspace" and data["version"] == 1
    assert restored.sync_input and restored.cards_per_row == 3
    assert restored.cards[0].messages[1].earlier[0].content == "Salut"


def test_export_never_holds_a_secret_and_settles_streams() -> None:
    workspace = sample()
    workspace.cards[0].messages.append(Message(role="assistant", status="streaming", content="par"))
    data = export_json(workspace)
    assert CANARY.encode() not in data
    assert CANARY not in export_markdown(workspace)
    assert b'"streaming"' not in data
    assert workspace.cards[0].messages[-1].status == "streaming"  # the live one is untouched


def test_markdown_is_a_readable_transcript() -> None:
    text = export_markdown(sample())
    assert text.startswith("# LLM Playground transcript\n")
    assert "## Card 1: m1 on Alpha" in text
    assert "Settings: system prompt · T 0.3" in text
    assert "> Réponds en français." in text
    assert "**You:**\n\nHello ✓" in text
    assert "<summary>Reasoning</summary>" in text and "French greeting." in text
    assert "**Earlier answer 1:**\n\nSalut\n\n_stopped_" in text
    assert "first token 0.10 s · total 0.60 s · ≈9 tokens · 20.0 tok/s" in text
    assert "## Card 2: x (Custom, http://127.0.0.1:9/v1)" in text
    assert "_error: Token rejected._" in text


def _envelope(**changes: object) -> bytes:
    data = json.loads(export_json(sample()))
    data.update(changes)
    return json.dumps(data).encode()


def _msg(message_id: str) -> dict[str, str]:
    return {"id": message_id, "role": "user", "content": "x"}


def _nested(depth: int) -> bytes:
    return (
        '{"format": "llm-playground/workspace", "version": 1, "x": '
        + "[" * depth
        + "]" * depth
        + "}"
    ).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"not json", "not valid JSON", id="not-json"),
        pytest.param(b"\xff\xfe\x00", "not a text file", id="binary"),
        pytest.param(b"[]", "not an LLM Playground workspace export", id="wrong-shape"),
        pytest.param(_envelope(version=2), "version 2", id="wrong-version"),
        pytest.param(_envelope(format="other"), "not an LLM Playground", id="wrong-format"),
        pytest.param(_envelope(extra=1), "extra: unknown field", id="unknown-field"),
        pytest.param(_envelope(workspace={"cards": []}), "no cards", id="no-cards"),
        pytest.param(
            _envelope(workspace={"cards": [{"id": "a b<script>"}]}), "cards.0.id", id="hostile-id"
        ),
        pytest.param(
            _envelope(workspace={"cards": [{"config": {"endpoint": "Elsewhere"}}]}),
            "'Elsewhere'",
            id="unknown-endpoint",
        ),
        pytest.param(
            _envelope(workspace={"cards": [{"id": "same"}, {"id": "same"}]}),
            "same id",
            id="duplicate-ids",
        ),
        pytest.param(_envelope(workspace={"cards": [{}] * 9}), "at most 8", id="too-many-cards"),
        pytest.param(b" " * (max_export_bytes(DEFAULT_MAX) + 1), "too large", id="huge"),
        pytest.param(_nested(200), "nested too deeply", id="deep-nesting"),
        pytest.param(
            _envelope(workspace={"cards": [{"messages": [_msg("same"), _msg("same")]}]}),
            "two messages with the same id",
            id="duplicate-message-ids",
        ),
        pytest.param(_nested(100_000), "nested too deeply", id="very-deep-nesting"),
    ],
)
def test_bad_files_get_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ImportProblem) as info:
        import_json(data, endpoints=["Alpha"], max_cards=8)
    assert message in info.value.message


def _uploader(at: AppTest) -> FileUploader:
    return next(u for u in at.file_uploader if u.label == "Import JSON")


def test_import_in_the_app_asks_then_replaces_exactly(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario(models=["m1", "m2"])))
    at = new_app()
    send_synced(at, "current work")
    data = export_json(sample())
    _uploader(at).upload("team.json", data, "application/json").run()
    # Checked, not applied yet: the page asks first.
    assert len(cards(at)[0].messages) == 2
    assert any("with the 2 cards of 'team.json'" in shown(w.value) for w in at.warning)
    at.button(key="import_confirm").click().run()
    assert export_json(state(at).workspace) == data
    restored = cards(at)
    assert at.selectbox(key=key(restored[0], "model")).value == "m1"
    assert at.toggle(key="sync_input_toggle").value is True
    assert not at.exception


def test_a_bad_import_explains_and_changes_nothing(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Beta=scenario()))
    at = new_app()
    send_synced(at, "keep me")
    before = export_json(state(at).workspace)
    _uploader(at).upload("team.json", export_json(sample()), "application/json").run()
    errors = [shown(e.value) for e in at.error]
    assert any("'team.json' was not imported" in e and "'Alpha'" in e for e in errors)
    assert not [b for b in at.button if b.key == "import_confirm"]
    assert export_json(state(at).workspace) == before
    _uploader(at).upload("x.json", b"{oops", "application/json").run()
    assert any("not valid JSON" in e.value for e in at.error)
    assert export_json(state(at).workspace) == before


def test_export_buttons_are_offered(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Export HTML", "Export JSON", "Export Markdown"]  # HTML: Share's file


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b'{"format": "llm-playground/workspace", "version": 1, "workspace": {"cards": ['
            + b",".join([b"{}"] * 1_000_000)
            + b"]}}",
            "more than 8 cards",
            id="million-cards",
        ),
        pytest.param(b"[" + b"{}," * 6_600_000 + b"{}]", "too large", id="19MB-of-empty-objects"),
    ],
)
def test_a_hostile_upload_is_refused_and_keeps_the_cards(
    write_config: Callable[..., Path], scenario: Callable[..., str], data: bytes, message: str
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    send_synced(at, "keep me")
    before = export_json(state(at).workspace)
    _uploader(at).upload("hostile.json", data, "application/json").run()
    errors = [shown(e.value) for e in at.error]
    assert any("'hostile.json' was not imported" in e and message in e for e in errors), errors
    assert not [b for b in at.button if b.key == "import_confirm"]
    assert export_json(state(at).workspace) == before
    assert not at.exception
