"""The Responses API's event stream (``POST /v1/responses``), for the fake server.

``fake_openai.FakeOpenAIServer`` routes ``/<scenario>/v1/responses`` here, with the same
``Scenario`` knobs as chat where they make sense: the reply and filler ``tokens``,
``tokens_per_second`` and ``latency``, ``reasoning`` (``reasoning_style`` "text" sends
full reasoning text instead of a summary), ``tool_calls`` (``fake_tool_calls.FakeCall``,
arguments in pieces of ``tool_piece_chars``), ``text_after_results``, ``prompt_tokens``,
``no_done`` (the stream ends without ``response.completed``); and its own:
``responses_api`` (False: answer 404, as a server without the API), ``failed_message``
(end with ``response.failed``), ``incomplete`` (end with ``response.incomplete``),
``events_cut_after`` (end cleanly after that many events: a stream cut anywhere).

Each event as openai-python v3.3.1 ``src/openai/types/responses/`` defines it, sent as
``event: <type>`` and ``data: <json>`` with a rising ``sequence_number``:

- ``response.created`` / ``response.in_progress`` (``response_created_event.py``,
  ``response_in_progress_event.py``): ``response`` (``response.py``: ``id``,
  ``object: "response"``, ``created_at``, ``model``, ``status``, ``output``,
  ``tool_choice``, ``tools``, ``parallel_tool_calls``, ``error``, ``incomplete_details``,
  ``usage``).
- ``response.output_item.added`` / ``.done`` (``response_output_item_added_event.py``):
  ``item`` and ``output_index``; items are ``reasoning`` (``response_reasoning_item.py``:
  ``id``, ``summary`` [{``type: "summary_text"``, ``text``}]), ``message``
  (``response_output_message.py``: ``id``, ``role``, ``status``, ``content``
  [{``type: "output_text"``, ``text``, ``annotations``}]) and ``function_call``
  (``response_function_tool_call.py``: ``id``, ``call_id``, ``name``, ``arguments``,
  ``status``).
- ``response.reasoning_summary_text.delta`` (``item_id``, ``output_index``,
  ``summary_index``, ``delta``), ``response.reasoning_text.delta`` (``content_index``
  instead of ``summary_index``), ``response.output_text.delta``
  (``response_text_delta_event.py``: ``item_id``, ``output_index``, ``content_index``,
  ``delta``, ``logprobs``), each text part opened by ``response.content_part.added``
  (``response_content_part_added_event.py``: ``content_index``, ``part``) and each
  summary part by ``response.reasoning_summary_part.added``
  (``response_reasoning_summary_part_added_event.py``), as the SDK's own accumulator
  (``lib/streaming/responses/_responses.py``) expects;
  ``response.function_call_arguments.delta`` / ``.done`` (``item_id``,
  ``output_index``, ``delta`` / ``arguments``).
- ``response.completed`` / ``response.incomplete`` / ``response.failed``: the final
  ``response`` with ``usage`` (``response_usage.py``: ``input_tokens``,
  ``input_tokens_details.cached_tokens``, ``output_tokens``,
  ``output_tokens_details.reasoning_tokens``, ``total_tokens``), ``incomplete_details``
  {``reason: "max_output_tokens"``} or ``error`` (``response_error.py``: ``code``,
  ``message``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fake_openai import Scenario, StreamRecord

Tokens = Callable[["Scenario", str, list[dict[str, Any]]], list[str]]


def chat_like(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's ``input`` as chat messages (to echo the user, as chat does)."""
    items = body.get("input") or []
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    messages = []
    for item in items:
        if item.get("type") == "function_call_output":
            messages.append({"role": "tool", "content": item.get("output", "")})
        elif "role" in item:
            content = item.get("content")
            if isinstance(content, list):
                content = [
                    {"type": "text", "text": p.get("text", "")}
                    if p.get("type") == "input_text"
                    else {"type": "image_url"}
                    for p in content
                ]
            messages.append({"role": item["role"], "content": content})
    return messages


def _response(model: str, status: str, output: list[dict[str, Any]], **more: Any) -> dict:
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "model": model,
        "status": status,
        "output": output,
        "tool_choice": "auto",
        "tools": [],
        "parallel_tool_calls": True,
        "error": None,
        "incomplete_details": None,
        "usage": None,
        **more,
    }


def _events(scenario: Scenario, body: dict[str, Any], tokens: Tokens) -> list[dict[str, Any]]:
    """Every event of the answer, in order (the last one decides how it ends)."""
    model = body.get("model", "")
    messages = chat_like(body)
    text = tokens(scenario, model, messages)
    calling = scenario.tool_calls is not None
    if calling and scenario.text_after_results and messages[-1:]:
        calling = messages[-1].get("role") != "tool"
    if calling and scenario.reply is None and not scenario.reply_fn:
        text = []
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": _response(model, "in_progress", [])},
        {"type": "response.in_progress", "response": _response(model, "in_progress", [])},
    ]
    output: list[dict[str, Any]] = []
    counted = 0

    def item(added: dict[str, Any], deltas: list[dict[str, Any]], done: dict[str, Any]) -> None:
        nonlocal counted
        place = len(output)
        events.append({"type": "response.output_item.added", "output_index": place, "item": added})
        events.extend({**d, "item_id": added["id"], "output_index": place} for d in deltas)
        events.append({"type": "response.output_item.done", "output_index": place, "item": done})
        output.append(done)
        counted += sum(1 for d in deltas if d["type"].endswith(".delta"))  # the tokens

    thoughts = [f" {w}" for w in scenario.reasoning.split(" ")] if scenario.reasoning else []
    if thoughts:
        whole = "".join(thoughts)
        if scenario.reasoning_style == "text":
            kind, where = "response.reasoning_text.delta", {"content_index": 0}
        else:
            kind, where = "response.reasoning_summary_text.delta", {"summary_index": 0}
        summary = [{"type": "summary_text", "text": whole}]
        part = {"type": "summary_text", "text": ""}
        opened = [{"type": "response.reasoning_summary_part.added", "part": part, **where}]
        item(
            {"type": "reasoning", "id": "rs_0", "summary": []},
            (opened if kind.startswith("response.reasoning_summary") else [])
            + [{"type": kind, "delta": t, **where} for t in thoughts],
            {"type": "reasoning", "id": "rs_0", "summary": summary},
        )
    if text:
        message = {"type": "message", "id": "msg_0", "role": "assistant", "status": "completed"}
        parts = [{"type": "output_text", "text": "".join(text), "annotations": []}]
        part = {"type": "output_text", "text": "", "annotations": []}
        item(
            {**message, "status": "in_progress", "content": []},
            [{"type": "response.content_part.added", "content_index": 0, "part": part}]
            + [{"type": "response.output_text.delta", "content_index": 0, "delta": t} for t in text]
            + [{"type": "response.output_text.done", "content_index": 0, "text": "".join(text)}],
            {**message, "content": parts},
        )
    for n, call in enumerate((scenario.tool_calls or []) if calling else []):
        size = scenario.tool_piece_chars
        args = call.arguments
        pieces = [args[i : i + size] for i in range(0, len(args), size)]
        fields = {"type": "function_call", "id": f"fc_{n}", "name": call.name}
        fields["call_id"] = call.id or f"call_{n}"
        item(
            {**fields, "arguments": "", "status": "in_progress"},
            [{"type": "response.function_call_arguments.delta", "delta": p} for p in pieces]
            + [{"type": "response.function_call_arguments.done", "arguments": args}],
            {**fields, "arguments": args, "status": "completed"},
        )
    if scenario.no_done:
        return events
    usage = {
        "input_tokens": scenario.prompt_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": counted,
        "output_tokens_details": {"reasoning_tokens": len(thoughts)},
        "total_tokens": scenario.prompt_tokens + counted,
    }
    if scenario.failed_message is not None:
        error = {"code": "server_error", "message": scenario.failed_message}
        final = _response(model, "failed", output, error=error)
        events.append({"type": "response.failed", "response": final})
    elif scenario.incomplete:
        why = {"reason": "max_output_tokens"}
        final = _response(model, "incomplete", output, usage=usage, incomplete_details=why)
        events.append({"type": "response.incomplete", "response": final})
    else:
        final = _response(model, "completed", output, usage=usage)
        events.append({"type": "response.completed", "response": final})
    return events


async def responses_sse(
    scenario: Scenario, body: dict[str, Any], record: StreamRecord, tokens: Tokens
) -> AsyncIterator[bytes]:
    """The answer's events as an event stream, paced like the chat stream."""
    events = _events(scenario, body, tokens)
    if scenario.events_cut_after is not None:  # a stream that ends early, anywhere
        events = events[: scenario.events_cut_after]
    try:
        if scenario.latency:
            await asyncio.sleep(scenario.latency)
        interval = 1.0 / scenario.tokens_per_second if scenario.tokens_per_second else 0.0
        for number, event in enumerate(events):
            if interval and event["type"].endswith(".delta"):
                await asyncio.sleep(interval)
            else:
                await asyncio.sleep(0)  # let a disconnect cancel us
            data = json.dumps({**event, "sequence_number": number})
            yield f"event: {event['type']}\ndata: {data}\n\n".encode()
            record.sent_tokens += event["type"].endswith(".delta")
        record.finished = not scenario.no_done and scenario.events_cut_after is None
    except (asyncio.CancelledError, GeneratorExit):
        record.disconnected = True
        raise
    finally:
        record.ended = time.monotonic()
