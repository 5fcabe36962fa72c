"""A card's tools, tool choice, response format and reasoning effort, as sent.

What a person types is kept as typed (the tools' JSON text, the response schema's
text), so Settings shows it again as it was and an export holds it as one string
each (the import scan's limits on nesting and fields do not meet a deep schema).
These models check only the *shape*, cheaply: JSON, the fields a function tool has,
names, duplicates, that a named tool choice names a tool. Whether a ``parameters``
or a response schema is a usable JSON Schema is checked in the bounded evaluator by
the application layer (``playground.session.tools``) before anything is applied.

The Chat Completions parameters, as openai-python v3.3.1 specifies them
(``src/openai/types/chat/completion_create_params.py``):

- ``tools``: a list of ``{"type": "function", "function": {"name", "description",
  "parameters", "strict"}}`` (``chat/chat_completion_function_tool_param.py``,
  ``shared_params/function_definition.py``: a name is a-z, A-Z, 0-9, _ or -, at most 64);
- ``tool_choice``: ``"none" | "auto" | "required"`` or ``{"type": "function",
  "function": {"name": ...}}`` (``chat/chat_completion_tool_choice_option_param.py``,
  ``chat/chat_completion_named_tool_choice_param.py``). "auto" is the API's default when
  tools are present, so it is not sent; no tool choice is sent without tools;
- ``response_format``: ``{"type": "json_object"}`` or ``{"type": "json_schema",
  "json_schema": {"name", "schema", "strict"}}`` (``shared_params/response_format_json_object.py``,
  ``shared_params/response_format_json_schema.py``); "text", the default, is not sent;
- ``reasoning_effort``: one of ``shared_params/reasoning_effort.py``'s values (this app
  offers minimal, low, medium, high); none chosen: not sent.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playground.config.limits import MAX_RESPONSE_SCHEMA_CHARS, MAX_TOOLS_CHARS, MAX_TOOLS_PER_CARD

# A function's or a response format's name (function_definition.py, response_format_json_schema.py)
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CHOICES = ("auto", "none", "required")  # chat_completion_tool_choice_option_param.py
ReasoningEffort = Literal["minimal", "low", "medium", "high"]
FormatKind = Literal["text", "json_object", "json_schema"]
_TOOL_FIELDS = frozenset({"type", "function"})
_FUNCTION_FIELDS = ("name", "description", "parameters", "strict")
_SHAPE = '{"type": "function", "function": {"name": ..., "parameters": {...}}}'


def _short(value: object, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value)[:200]
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def read_json(text: str, what: str) -> Any:
    """``text`` as JSON; a ValueError says why not, naming ``what``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{what} are not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})."
        ) from None
    except (ValueError, RecursionError):  # a huge integer, deep nesting
        raise ValueError(f"{what} are not JSON this app reads (too deep or too long).") from None


def _function(tool: object, number: int) -> dict[str, Any]:
    """Tool ``number``'s function, its shape checked; a ValueError names the tool."""
    if not isinstance(tool, dict):
        raise ValueError(f"tool {number} is not an object; a tool is {_SHAPE}.")
    if "function" not in tool and "name" in tool:
        raise ValueError(
            f"tool {number} ({_short(tool['name'])}) is a bare function: put it in {_SHAPE}."
        )
    if tool.get("type") != "function" or not isinstance(tool.get("function"), dict):
        raise ValueError(f"tool {number} is not a function tool; a tool is {_SHAPE}.")
    if extra := sorted(set(tool) - _TOOL_FIELDS):
        raise ValueError(f"tool {number} has a field this app does not send: {_short(extra[0])}.")
    function: dict[str, Any] = tool["function"]
    name = function.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(
            f"tool {number}'s name {_short(name)} is not 1 to 64 letters, digits, _ or -."
        )
    label = f"tool {name!r}"
    if extra := sorted(set(function) - set(_FUNCTION_FIELDS)):
        raise ValueError(
            f"{label} has an unknown field {_short(extra[0])} "
            f"(a function has {', '.join(_FUNCTION_FIELDS)})."
        )
    if not isinstance(function.get("description", ""), str):
        raise ValueError(f"{label}: its description must be text.")
    if not isinstance(function.get("parameters", {}), dict):
        raise ValueError(f"{label}: its parameters must be a JSON Schema object.")
    if not isinstance(function.get("strict", False), bool | None):
        raise ValueError(f"{label}: its strict must be true or false.")
    return function


def parse_tools(text: str) -> list[dict[str, Any]]:
    """The function tools in ``text`` (a JSON array of them, or one; blank: none).

    A ValueError says what is wrong, naming the tool (by name once it has one).
    """
    if not text.strip():
        return []
    if len(text) > MAX_TOOLS_CHARS:
        raise ValueError(f"the tools are {len(text):,} characters; at most {MAX_TOOLS_CHARS:,}.")
    value = read_json(text, "the tools")
    tools = value if isinstance(value, list) else [value]
    if len(tools) > MAX_TOOLS_PER_CARD:
        most = MAX_TOOLS_PER_CARD
        raise ValueError(f"there are {len(tools)} tools; a card takes at most {most}.")
    seen: set[str] = set()
    for number, tool in enumerate(tools, 1):
        name = _function(tool, number)["name"]
        if name in seen:
            raise ValueError(f"two tools are named {name!r}; each needs its own name.")
        seen.add(name)
    return tools


class ToolSettings(BaseModel):
    """The tools as typed (JSON text) and the tool choice: "auto", "none", "required"
    or the name of one of the tools."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(default="", max_length=MAX_TOOLS_CHARS)
    choice: str = Field(default="auto", max_length=64)

    @model_validator(mode="after")
    def _check(self) -> ToolSettings:
        names = self.names()
        if self.choice not in CHOICES and self.choice not in names:
            raise ValueError(
                f"the tool choice {_short(self.choice)} is none of auto, none, required "
                "or a tool's name."
            )
        if self.choice in ("required",) and not names:
            raise ValueError("the tool choice 'required' needs at least one tool.")
        return self

    def tools(self) -> list[dict[str, Any]]:
        return parse_tools(self.text)

    def names(self) -> list[str]:
        return [tool["function"]["name"] for tool in self.tools()]

    def request_params(self) -> dict[str, Any]:
        tools = self.tools()
        if not tools:
            return {}
        params: dict[str, Any] = {"tools": tools}
        if self.choice in ("none", "required"):
            params["tool_choice"] = self.choice
        elif self.choice != "auto":  # chat_completion_named_tool_choice_param.py
            params["tool_choice"] = {"type": "function", "function": {"name": self.choice}}
        return params

    def summary(self) -> str:
        """ "2 tools" (and a choice other than auto); "" without tools."""
        count = len(self.tools())
        if not count:
            return ""
        shown = f"{count} tool" + ("s" if count != 1 else "")
        return shown if self.choice == "auto" else f"{shown} ({self.choice})"


class ResponseFormat(BaseModel):
    """Text, a JSON object, or JSON fitting a schema (typed as text, with a name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FormatKind = "text"
    schema_text: str = Field(default="", max_length=MAX_RESPONSE_SCHEMA_CHARS)
    name: str = Field(default="response", pattern=NAME.pattern)
    strict: bool = False

    @model_validator(mode="after")
    def _check(self) -> ResponseFormat:
        if self.kind == "json_schema":
            self.parsed_schema()
        return self

    def parsed_schema(self) -> dict[str, Any]:
        """The JSON schema (an object); a ValueError says why it is not one."""
        if not self.schema_text.strip():
            raise ValueError("a JSON schema response format needs a schema.")
        value = read_json(self.schema_text, "the response format's schema")
        if not isinstance(value, dict):
            raise ValueError("the response format's schema must be a JSON object.")
        return value

    def request_param(self) -> dict[str, Any] | None:
        """``response_format`` as sent (None: not sent)."""
        if self.kind == "json_object":
            return {"type": "json_object"}
        if self.kind == "json_schema":
            schema = self.parsed_schema()
            json_schema = {"name": self.name, "schema": schema, "strict": self.strict}
            return {"type": "json_schema", "json_schema": json_schema}
        return None

    def summary(self) -> str:
        return {"text": "", "json_object": "JSON", "json_schema": "JSON schema"}[self.kind]
