"""Tool calls through the real LiteLLM proxy (``tests/litellm_proxy.py``, litellm 1.106.12
from ``tests/litellm-requirements.txt``) on 127.0.0.1 (issue 28, point 6).

What LiteLLM 1.106.12 does with a model's ``mock_tool_calls`` (read in the installed
package, ``litellm/main.py`` ``mock_completion`` and ``litellm/utils.py``
``mock_completion_streaming_obj``): the calls are set on the message only on the
non-streamed path; a streamed answer yields ``mock_response`` three characters at a time
and no ``tool_calls`` at all. A ``mock_response`` given as a dict is returned as a whole
``ModelResponse``, which the streamed path cannot iterate (the proxy answers 500
"'ModelResponse' object has no attribute '__aiter__'"). The app always streams, so a
mock tool call never reaches a card: ``test_a_mock_tool_call_is_not_streamed_by_litellm``
pins what the card shows. To see LiteLLM stream a real tool call, a proxy model forwards
to the project's test server (``tests/fake_openai.py``), which streams calls as vLLM and
OpenAI do; LiteLLM re-streams them through its own ``CustomStreamWrapper`` (parallel
calls interleaved by ``index`` included) and hands the tool history back upstream.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from playground.chat.tools.calls import call_marks
from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint, Timeouts
from playground.session import PlainServices, Session, commands
from playground.session.tool_rounds import send_results
from playground.session.tools import apply_tools
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.fake_tool_calls import FakeCall
from tests.litellm_proxy import LiteLLMProxy
from tests.session.test_commands import finish

pytestmark = [pytest.mark.litellm, pytest.mark.timeout(1200)]

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
ARGUMENTS = '{"city": "Seoul", "unit": "celsius"}'


def _after_results(model: str, messages: list[dict[str, Any]]) -> str:
    """The upstream model's text once the tool message comes back: what it said."""
    results = [m["content"] for m in messages if m["role"] == "tool"]
    return "Weather: " + "; ".join(str(r) for r in results)


TOOL_MODELS = """\
  - model_name: mock-tool-call
    litellm_params:
      model: openai/mock-tool-call
      mock_response: ""
      mock_tool_calls:
        - id: call_mock_1
          type: function
          function:
            name: get_weather
            arguments: '{{"city": "Seoul"}}'
  - model_name: upstream-tools
    litellm_params:
      model: openai/fake-small
      api_base: {upstream}
      api_key: upstream-test-key
  - model_name: upstream-parallel
    litellm_params:
      model: openai/fake-small
      api_base: {parallel}
      api_key: upstream-test-key
"""
PARALLEL = [FakeCall("get_weather", '{"city": "Seoul"}'), FakeCall("get_time", '{"zone": "UTC"}')]


@pytest.fixture(scope="module")
def upstream(server: FakeOpenAIServer) -> str:
    scenario = Scenario(
        tool_calls=[FakeCall("get_weather", ARGUMENTS)],
        tool_piece_chars=5,
        text_after_results=True,
        reply_fn=_after_results,
    )
    return server.add("litellm-upstream-tools", scenario)


@pytest.fixture(scope="module")
def parallel(server: FakeOpenAIServer) -> str:
    """Two calls whose pieces come in turn (each piece says its ``index``)."""
    scenario = Scenario(tool_calls=PARALLEL, tool_piece_chars=3, tool_interleave=True)
    return server.add("litellm-upstream-parallel", scenario)


@pytest.fixture(scope="module")
def proxy(
    tmp_path_factory: pytest.TempPathFactory, upstream: str, parallel: str
) -> Iterator[LiteLLMProxy]:
    running = LiteLLMProxy(
        tmp_path_factory.mktemp("litellm-tools"),
        f"sk-{secrets.token_hex(16)}",
        extra_models=TOOL_MODELS.format(upstream=upstream, parallel=parallel),
    )
    running.start()
    assert running.exit_code is None, running.output()[-2000:]
    yield running
    running.stop()


def _card_with_tools(proxy: LiteLLMProxy, model: str) -> tuple[PlainServices, Session, str]:
    entry = EndpointConfig(name="LiteLLM", base_url=proxy.base_url, token=proxy.master_key)
    loaded = LoadedConfig(endpoints=[SourcedEndpoint(entry, "test")], timeouts=Timeouts(read=30))
    svc = PlainServices(loaded=loaded, environ={})
    session = Session()
    card = session.workspace.cards[0]
    card.config.endpoint, card.config.model = "LiteLLM", model
    assert apply_tools(session, card.id, json.dumps([WEATHER_TOOL])) is None
    return svc, session, card.id


def test_a_streamed_tool_call_through_litellm_is_answered_and_the_model_replies(
    proxy: LiteLLMProxy, server: FakeOpenAIServer
) -> None:
    svc, session, card_id = _card_with_tools(proxy, "upstream-tools")
    card = session.card(card_id)
    assert card is not None
    commands.send(session, svc, [card_id], "Weather in Seoul?")
    finish(session)
    answer = card.messages[-1]
    assert answer.status == "done", answer.error
    assert [(c.name, json.loads(c.arguments)) for c in answer.tool_calls] == [
        ("get_weather", {"city": "Seoul", "unit": "celsius"})
    ]
    assert answer.tool_calls[0].id  # LiteLLM passes the upstream's id on
    assert answer.finish_reason == "tool_calls"
    assert call_marks(answer.tool_calls, answer.finish_reason, ended=True) == [[]]
    # the tools went through LiteLLM to the upstream as the card set them
    sent = server.chat_requests("litellm-upstream-tools")[-1].body or {}
    assert [t["function"]["name"] for t in sent.get("tools", [])] == ["get_weather"]

    call_id = answer.tool_calls[0].id
    assert send_results(session, svc, card_id, {call_id: "12 C, rain"}) is None
    finish(session)
    last = card.messages[-1]
    assert (last.role, last.status, last.error) == ("assistant", "done", None)
    assert last.content == "Weather: 12 C, rain" and not last.tool_calls
    # LiteLLM accepted the tool history and handed it upstream as the API specifies
    history = (server.chat_requests("litellm-upstream-tools")[-1].body or {})["messages"]
    assert [m["role"] for m in history] == ["user", "assistant", "tool"]
    assert history[1]["tool_calls"][0]["id"] == call_id
    assert history[1]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert history[2] == {"role": "tool", "content": "12 C, rain", "tool_call_id": call_id}


def test_a_mock_tool_call_is_not_streamed_by_litellm(proxy: LiteLLMProxy) -> None:
    svc, session, card_id = _card_with_tools(proxy, "mock-tool-call")
    card = session.card(card_id)
    assert card is not None
    commands.send(session, svc, [card_id], "Weather in Seoul?")
    finish(session)
    answer = card.messages[-1]
    # litellm 1.106.12 streams mock_response only: no call, an empty answer that stopped
    assert answer.tool_calls == []
    assert answer.finish_reason == "stop"
    assert (answer.status, answer.content, answer.error) == ("done", "", None)


def test_parallel_calls_interleaved_by_index_come_through_litellm_whole(
    proxy: LiteLLMProxy,
) -> None:
    svc, session, card_id = _card_with_tools(proxy, "upstream-parallel")
    card = session.card(card_id)
    assert card is not None
    commands.send(session, svc, [card_id], "Weather and time?")
    finish(session)
    answer = card.messages[-1]
    assert answer.status == "done", answer.error
    assert [(c.index, c.name, c.arguments) for c in answer.tool_calls] == [
        (0, "get_weather", '{"city": "Seoul"}'),
        (1, "get_time", '{"zone": "UTC"}'),
    ]
    assert all(c.id for c in answer.tool_calls) and answer.finish_reason == "tool_calls"
    assert call_marks(answer.tool_calls, answer.finish_reason, ended=True) == [[], []]
