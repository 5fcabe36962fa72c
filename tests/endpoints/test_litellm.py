"""Against the real LiteLLM proxy (from PyPI, ``tests/litellm_proxy.py``) with
``mock_response`` models on 127.0.0.1, no database (issue 13, part 4)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint, Timeouts
from playground.session import PlainServices, Session, commands, shorten
from tests.litellm_proxy import LiteLLMProxy

# Building .venv-litellm on a fresh machine takes a minute or two (see tests/litellm_proxy.py).
pytestmark = [pytest.mark.litellm, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiteLLMProxy]:
    running = LiteLLMProxy(tmp_path_factory.mktemp("litellm"), f"sk-{secrets.token_hex(16)}")
    running.start()
    assert running.exit_code is None, running.output()[-2000:]
    yield running
    running.stop()


def on_proxy(proxy: LiteLLMProxy, token: str | None, model: str = "mock-gpt"):  # type: ignore[no-untyped-def]
    entry = EndpointConfig(name="LiteLLM", base_url=proxy.base_url, token=token)
    loaded = LoadedConfig(endpoints=[SourcedEndpoint(entry, "test")], timeouts=Timeouts(read=30))
    svc = PlainServices(loaded=loaded, environ={})
    session = Session()
    for card in session.workspace.cards:
        card.config.endpoint, card.config.model = "LiteLLM", model
    return svc, session


def ask(svc: PlainServices, session: Session, prompt: str = "hello") -> str:
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], prompt)
    job = session.job(card.id)
    assert job is not None
    job.join(30)
    return card.id


def test_lists_models_and_streams_an_answer_with_the_master_key(proxy: LiteLLMProxy) -> None:
    svc, session = on_proxy(proxy, proxy.master_key)
    listed = svc.models(svc.catalog().endpoints[0], 0)
    assert listed.error is None and "mock-gpt" in listed.models
    card_id = ask(svc, session)
    answer = session.card(card_id).messages[-1]  # type: ignore[union-attr]
    assert answer.status == "done", answer.error
    assert answer.content == "Hello from the LiteLLM mock."
    assert answer.metrics is not None and not answer.metrics.tokens_estimated  # its usage


def test_a_wrong_key_without_a_database_is_called_a_token_problem(proxy: LiteLLMProxy) -> None:
    svc, session = on_proxy(proxy, "sk-wrong-key-for-litellm")
    listed = svc.models(svc.catalog().endpoints[0], 0)
    assert listed.error is not None
    assert "LiteLLM" in listed.error and "Check the Token" in listed.error
    assert "No connected db." in listed.error
    card_id = ask(svc, session)
    answer = session.card(card_id).messages[-1]  # type: ignore[union-attr]
    assert answer.status == "error" and answer.error is not None
    assert "refused the token with 400" in answer.error
    assert "sk-wrong-key-for-litellm" not in answer.error


def test_no_key_at_all_says_to_enter_one(proxy: LiteLLMProxy) -> None:
    svc, _session = on_proxy(proxy, None)
    listed = svc.models(svc.catalog().endpoints[0], 0)
    assert listed.error is not None
    assert "without a token" in listed.error and "enter its key in Token" in listed.error


def test_a_context_window_error_offers_to_shorten(proxy: LiteLLMProxy) -> None:
    svc, session = on_proxy(proxy, proxy.master_key, model="mock-too-long")
    card_id = ask(svc, session)
    answer = session.card(card_id).messages[-1]  # type: ignore[union-attr]
    assert answer.status == "error" and answer.error is not None
    assert "too long for the model" in answer.error
    assert shorten.may_be_too_long(session, card_id)


def test_a_model_the_proxy_does_not_serve_is_named_as_such(proxy: LiteLLMProxy) -> None:
    svc, session = on_proxy(proxy, proxy.master_key, model="no-such-model")
    card_id = ask(svc, session)
    answer = session.card(card_id).messages[-1]  # type: ignore[union-attr]
    assert answer.status == "error" and answer.error is not None
    assert "does not serve this model" in answer.error


def test_the_default_master_key_is_refused_at_start(tmp_path: Path) -> None:
    refused = LiteLLMProxy(tmp_path, "sk-1234").start()  # LiteLLM's documented default
    try:
        assert refused.exit_code not in (None, 0)
        assert "publicly known default" in refused.output()
        # What a card on it says: nothing listens there.
        svc, _session = on_proxy(refused, "sk-1234")
        listed = svc.models(svc.catalog().endpoints[0], 0)
        assert listed.error is not None and "server is running" in listed.error
    finally:
        refused.stop()
