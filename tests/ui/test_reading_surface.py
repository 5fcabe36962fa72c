"""A card as a reading surface: short model names, honest rates, answers that name models."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import SecretStr

from playground.endpoints.catalog import Endpoint
from playground.endpoints.targets import uses_config_token
from playground.session import commands
from playground.workspace.naming import fit_title, short_model_id
from playground.workspace.types import Metrics
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        pytest.param("/models/qwen2.5-0.5b-q4_k_m.gguf", "qwen2.5-0.5b-q4_k_m.gguf", id="path"),
        pytest.param("C:\\models\\phi-3.gguf", "phi-3.gguf", id="windows"),
        pytest.param("models/phi-3.gguf", "phi-3.gguf", id="relative-gguf"),
        pytest.param("meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B", id="org-name"),
        pytest.param("gpt-4o", "gpt-4o", id="plain"),
    ],
)
def test_file_path_model_ids_show_their_file_name(model: str, shown: str) -> None:
    assert short_model_id(model) == shown


def test_titles_are_cut_in_the_middle_to_fit_the_row() -> None:
    name = "bartowski_Qwen2.5-0.5B-Instruct_qwen2.5-0.5b-instruct-q4_k_m.gguf"
    assert fit_title(name, 4) == "bartow…_m.gguf" and len(fit_title(name, 4)) == 14
    assert fit_title("fake-small", 4) == "fake-small"
    assert fit_title(name, 1) == name


@pytest.mark.parametrize(
    ("tokens", "first", "last", "rate"),
    [
        pytest.param(6, 0.01, 0.02, None, id="burst"),  # would read 500 tok/s
        pytest.param(4, 0.1, 2.0, None, id="too-few-tokens"),
        pytest.param(21, 0.2, 1.2, 20.0, id="measurable"),
    ],
)
def test_a_rate_only_over_a_measurable_span(
    tokens: int, first: float, last: float, rate: float | None
) -> None:
    metrics = Metrics(output_tokens=tokens, ttft_s=first, last_token_s=last, total_s=last)
    assert metrics.tokens_per_second == (pytest.approx(rate) if rate else None)
    assert ("tok/s" in metrics.summary()) is (rate is not None)


def test_each_answer_records_the_model_that_wrote_it(scenario: Scenario) -> None:
    svc = services(A=scenario())
    session = on(svc)
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], "one")
    finish(session)
    card.config.model = "fake-large"
    commands.send(session, svc, [card.id], "two")
    finish(session)
    answers = [m for m in card.messages if m.role == "assistant"]
    assert [a.model for a in answers] == ["fake-small", "fake-large"]
    assert answers[1].content.startswith("[fake-large]")


def test_token_from_config_only_for_the_endpoints_own_url() -> None:
    endpoint = Endpoint(name="A", base_url="http://h.test/v1", token=SecretStr("s3cret"))
    assert uses_config_token("http://h.test/v1/", endpoint)
    assert not uses_config_token("http://other.test/v1", endpoint)
    assert not uses_config_token("", endpoint)
    assert not uses_config_token(
        "http://h.test/v1", Endpoint(name="B", base_url="http://h.test/v1")
    )


def test_history_rows_with_the_same_title_are_told_apart() -> None:
    import datetime as dt

    from playground.session.workspaces.history import told_apart
    from playground.store.records import WorkspaceSummary

    def row(wid: str, title: str, models: tuple[str, ...], day: int) -> WorkspaceSummary:
        when = dt.datetime(2026, 12, day, 11, 38)
        return WorkspaceSummary(wid, title, None, when, when, models, 2, 100)

    rows = [
        row("a", "What is 2+2?", ("/m/qwen.gguf", "fake-small"), 1),
        row("b", "What is 2+2? ", ("fake-small",), 2),
        row("c", "Other", ("fake-small",), 3),
    ]
    assert told_apart(rows) == {
        "a": "qwen.gguf, fake-small · created 1 Dec 2026 11:38 UTC",
        "b": "fake-small · created 2 Dec 2026 11:38 UTC",
    }
