"""Context before sending: the tokens a request carries, and a request over the window."""

from __future__ import annotations

import json
from collections.abc import Callable

from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint
from playground.costs.context import context_use
from playground.session import PlainServices, commands
from playground.session.context import card_window
from tests.fake_openai import FakeOpenAIServer, RawAnswer
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]


def windowed(url: str, window: int) -> PlainServices:
    endpoint = EndpointConfig(name="A", base_url=url, context_window=window)
    return PlainServices(
        loaded=LoadedConfig(endpoints=[SourcedEndpoint(endpoint, "test")]), environ={}
    )


def chats(server: FakeOpenAIServer) -> int:
    return sum(1 for r in server.requests if r.path.endswith("/chat/completions"))


def test_a_request_over_the_context_window_is_refused_before_sending(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    svc = windowed(scenario(reply="fine"), window=100)
    session = on(svc)
    card = session.workspace.cards[0]
    before = chats(server)
    commands.send(session, svc, [card.id], "short")
    finish(session)
    assert card.messages[-1].content == "fine" and chats(server) == before + 1

    long_prompt = "word " * 200  # ≈250 tokens: over a window of 100
    commands.send(session, svc, [card.id], long_prompt)
    finish(session)
    prompt, refused = card.messages[-2:]
    assert prompt.role == "user" and prompt.content == long_prompt  # nothing typed is lost
    assert refused.status == "error" and refused.content == ""
    assert refused.error is not None
    assert "more than the model's context window of 100 tokens" in refused.error
    assert "Not sent" in refused.error
    assert chats(server) == before + 1  # no further request reached the server


def test_context_use_counts_history_and_system_prompt() -> None:
    messages = [
        {"role": "system", "content": "x" * 40},
        {"role": "user", "content": "y" * 80},
    ]
    use = context_use(messages, 100)
    assert use.tokens == (4 + 10) + (4 + 20) + 2
    assert use.summary() == "≈40 tokens · 40% of 100"
    assert context_use(messages, None).summary() == "≈40 tokens"
    assert not context_use(messages, 39).fits


def test_the_window_stated_by_get_models_is_used(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    listing = {
        "object": "list",
        "data": [
            {"id": "vllm-model", "object": "model", "max_model_len": 80},
            {"id": "llama", "object": "model", "meta": {"n_ctx": 4096, "n_ctx_train": 131072}},
            {"id": "other", "object": "model", "meta": {"n_ctx_train": 131072}},
        ],
    }
    url = scenario(models_raw=RawAnswer(json.dumps(listing).encode()), reply="ok")
    svc = services(A=url)
    listed = svc.models(svc.catalog().endpoints[0], 0)
    assert listed.window("vllm-model") == 80
    assert listed.window("llama") == 4096
    assert listed.window("other") is None  # the trained length is not the server's
    session = on(svc, model="vllm-model")
    card = session.workspace.cards[0]
    assert card_window(svc, card) == 80
    before = chats(server)
    commands.send(session, svc, [card.id], "word " * 100)  # ≈130 tokens
    finish(session)
    refused = card.messages[-1]
    assert refused.error is not None and "context window of 80 tokens" in refused.error
    assert chats(server) == before  # no request reached the server
