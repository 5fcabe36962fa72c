"""The Chat Completions tool-call chunk format, for the fake server (``fake_openai.py``).

Each behaviour is taken from upstream, noted beside it:

- openai-python v3.3.1 ``src/openai/types/chat/chat_completion_chunk.py``:
  ``ChoiceDelta.tool_calls`` is a list of ``ChoiceDeltaToolCall`` {``index`` (required),
  ``id``, ``type: "function"``, ``function``: ``ChoiceDeltaToolCallFunction`` {``name``,
  ``arguments``}}, all but ``index`` optional; ``Choice.finish_reason`` is
  ``"tool_calls"`` when the model called a tool.
- vLLM ``vllm/entrypoints/openai/serving_chat.py`` (commit 003fe59, read with the search
  tool): the first delta of a call carries ``id`` (``make_tool_call_id``), ``type:
  "function"``, ``function.name`` and the arguments so far, at ``index`` = the call's
  position in the answer's list of calls; later deltas carry only ``index`` and
  ``function.arguments`` (one model token of text each: "OpenAI API returns None instead
  of name every time"); the last chunk has ``finish_reason = "tool_calls"`` when tools
  were streamed; the first chunk of the stream is ``{"role": "assistant", "content": ""}``.
  Both send one call after another; ``interleave`` sends parallel calls' pieces in turn,
  which the format allows (each piece says its ``index``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FakeCall:
    """One call the fake model makes; the broken variants are knobs."""

    name: str
    arguments: str  # sent as it is: it may be text that is not JSON
    id: str | None = ""  # "": made up (call_<n>); None: sent without an id (broken)
    index: int | None = None  # None: its position; another number makes a gap (broken)


def tool_call_deltas(
    calls: list[FakeCall], *, piece_chars: int = 4, interleave: bool = False
) -> list[dict[str, Any]]:
    """The ``delta`` objects that stream ``calls``, arguments in pieces of ``piece_chars``."""
    per_call: list[list[dict[str, Any]]] = []
    for position, call in enumerate(calls):
        index = position if call.index is None else call.index
        args = call.arguments
        pieces = [args[i : i + piece_chars] for i in range(0, len(args), piece_chars)] or [""]
        first: dict[str, Any] = {"index": index, "type": "function"}
        if call.id is not None:
            first["id"] = call.id or f"call_{position}"
        first["function"] = {"name": call.name, "arguments": pieces[0]}
        rest = [{"index": index, "function": {"arguments": p}} for p in pieces[1:]]
        per_call.append([first, *rest])
    if not interleave:
        order = [piece for pieces in per_call for piece in pieces]
    else:
        order = []
        for turn in range(max((len(p) for p in per_call), default=0)):
            order += [pieces[turn] for pieces in per_call if turn < len(pieces)]
    return [{"tool_calls": [piece]} for piece in order]
