"""A chat-shaped request (``ChatRequest``) as the Responses API takes it.

The card builds every request in the Chat Completions shape; for an endpoint that
answers through ``POST /responses`` this turns it into ``responses.create``'s
arguments. Each mapping follows openai-python v3.3.1 ``src/openai/types/responses/``:

- messages -> ``input`` items (``easy_input_message_param.py``: ``role`` user,
  assistant, system or developer, ``content`` text or a list of parts). The leading
  system message becomes ``instructions`` (``response_create_params.py``); a later
  one stays a system message item. Content parts: ``text`` -> ``input_text``
  (``response_input_text_param.py``), ``image_url`` -> ``input_image`` with the URL
  as ``image_url`` and a required ``detail`` ("auto" unless the part says one:
  ``response_input_image_param.py``).
- an assistant message's ``tool_calls`` -> one ``function_call`` item each, after its
  text (``response_function_tool_call_param.py``: ``call_id``, ``name``,
  ``arguments``); a ``tool`` message -> a ``function_call_output`` item
  (``response_input_item_param.py`` ``FunctionCallOutput``: ``call_id``, ``output``).
- ``tools``: the chat ``{"type": "function", "function": {...}}`` flattened to
  ``function_tool_param.py`` {``type``, ``name``, ``description``, ``parameters``,
  ``strict``}; ``strict`` is always sent (False unless the tool says so), as the
  chat API's default is not strict. ``tool_choice``: "auto", "none", "required" as
  they are; a named function -> ``tool_choice_function_param.py`` {``type``, ``name``}.
- ``response_format`` -> ``text.format`` (``response_format_text_json_schema_config_param.py``:
  {``type: "json_schema"``, ``name``, ``schema``, ``strict``}; ``json_object`` and
  ``text`` as they are).
- ``reasoning_effort`` -> ``reasoning.effort``, with ``reasoning.summary: "auto"``
  (``shared_params/reasoning.py``) so that a reasoning model's summary streams as the
  answer's reasoning; no ``reasoning`` at all without an effort, since a model that
  does not reason may refuse the field.
- ``max_tokens`` / ``max_completion_tokens`` -> ``max_output_tokens``; ``temperature``,
  ``top_p``, ``parallel_tool_calls`` as they are.

``responses.create`` has no ``frequency_penalty``, ``presence_penalty``, ``seed``,
``stop``, ``n``, ``logit_bias`` or ``stream_options``; these (and any other field it does
not take) are left out and named in ``ResponsesRequest.dropped``, not sent to fail.
Usage always comes with ``response.completed``, so nothing asks for it. Every request
says ``store: false`` (``response_create_params.py``): the card sends its whole history
each time (no ``previous_response_id``), so the server need keep nothing, as Chat
Completions keeps nothing unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_SAME = ("temperature", "top_p", "parallel_tool_calls")
_MAX = ("max_tokens", "max_completion_tokens")
_HANDLED = frozenset({*_SAME, *_MAX, "tools", "tool_choice", "response_format", "reasoning_effort"})


@dataclass(frozen=True)
class ResponsesRequest:
    """``responses.create``'s keyword arguments, and the chat fields left out."""

    arguments: dict[str, Any]
    dropped: tuple[str, ...] = ()


def responses_request(
    model: str, messages: list[dict[str, Any]], params: dict[str, Any]
) -> ResponsesRequest:
    """The Responses API request for a chat-shaped one (see the module docstring)."""
    arguments: dict[str, Any] = {"model": model, "store": False}
    rest = list(messages)
    first = rest[0] if rest else None
    if first and first.get("role") == "system" and isinstance(first.get("content"), str):
        arguments["instructions"] = first["content"]
        rest = rest[1:]
    arguments["input"] = [item for message in rest for item in _items(message)]
    for name in _SAME:
        if params.get(name) is not None:
            arguments[name] = params[name]
    most = next((params[n] for n in _MAX if params.get(n) is not None), None)
    if most is not None:
        arguments["max_output_tokens"] = most
    if params.get("tools"):
        arguments["tools"] = [_tool(tool) for tool in params["tools"]]
    if params.get("tool_choice") is not None:
        arguments["tool_choice"] = _tool_choice(params["tool_choice"])
    if isinstance(params.get("response_format"), dict):
        arguments["text"] = {"format": _text_format(params["response_format"])}
    if params.get("reasoning_effort") is not None:
        arguments["reasoning"] = {"effort": params["reasoning_effort"], "summary": "auto"}
    dropped = tuple(sorted(name for name in params if name not in _HANDLED))
    return ResponsesRequest(arguments, dropped)


def _items(message: dict[str, Any]) -> list[dict[str, Any]]:
    role = message.get("role")
    content = message.get("content")
    if role == "tool":
        output = content if isinstance(content, str) else ""
        call_id = message.get("tool_call_id") or ""
        return [{"type": "function_call_output", "call_id": call_id, "output": output}]
    items: list[dict[str, Any]] = []
    if content:
        items.append({"role": role, "content": _content(content)})
    for call in message.get("tool_calls") or () if role == "assistant" else ():
        function = call.get("function") or {}
        items.append(
            {
                "type": "function_call",
                "call_id": call.get("id") or "",
                "name": function.get("name") or "",
                "arguments": function.get("arguments") or "",
            }
        )
    return items


def _content(content: Any) -> Any:
    if not isinstance(content, list):
        return content
    parts: list[dict[str, Any]] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            parts.append({"type": "input_text", "text": part.get("text", "")})
        elif kind == "image_url":
            image = part.get("image_url") or {}
            detail = image.get("detail") or "auto"
            parts.append({"type": "input_image", "image_url": image.get("url"), "detail": detail})
    return parts


def _tool(tool: dict[str, Any]) -> dict[str, Any]:
    function = tool.get("function") or {}
    flat: dict[str, Any] = {"type": "function", "name": function.get("name", "")}
    if function.get("description"):
        flat["description"] = function["description"]
    flat["parameters"] = function.get("parameters")
    flat["strict"] = bool(function.get("strict", False))
    return flat


def _tool_choice(choice: Any) -> Any:
    if isinstance(choice, dict):
        return {"type": "function", "name": (choice.get("function") or {}).get("name", "")}
    return choice


def _text_format(response_format: dict[str, Any]) -> dict[str, Any]:
    if response_format.get("type") != "json_schema":
        return {"type": response_format.get("type", "text")}
    spec = response_format.get("json_schema") or {}
    form = {"type": "json_schema", "name": spec.get("name", "response")}
    form["schema"] = spec.get("schema") or {}
    if spec.get("strict") is not None:
        form["strict"] = spec["strict"]
    return form
