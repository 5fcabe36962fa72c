"""Exporting a workspace as JSON or Markdown, and importing a JSON export.

The JSON export is the workspace itself (cards, endpoint names, models,
settings, histories, figures) inside a small envelope naming the format and
its version. It holds no tokens: a ``Workspace`` never does, and a user name
or password typed into a Custom baseURL is removed. Export → import → export
gives the same bytes.

Import is strict: the file must be this format and version, within the limits
of ``playground.config.limits.ImportLimits`` (checked by a streaming scan before any
object is built, see ``playground.workspace.export_scan``), and name only endpoints that
exist here. A bad or hostile file raises ``ImportProblem`` with a message for
the person, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from playground.chat.tools.calls import ToolCall, call_marks, part_order, pretty_arguments
from playground.config.limits import ImportLimits
from playground.endpoints.urls import without_secrets
from playground.errors import ImportProblem
from playground.rendering.markdown_writer import code_span, escape, fence_lines
from playground.store.config import StoreConfig
from playground.workspace.export_scan import Refused, scan
from playground.workspace.types import CUSTOM, Card, Message, Workspace

FORMAT = "llm-playground/workspace"
VERSION = 1


class WorkspaceExport(BaseModel):
    """The JSON export's envelope."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["llm-playground/workspace"]
    version: Literal[1]
    workspace: Workspace


def _for_export(workspace: Workspace) -> Workspace:
    """A copy that is safe and settled: no userinfo in URLs, no answer left streaming."""
    copy = workspace.model_copy(deep=True).settle()
    for card in copy.cards:
        card.config.custom.base_url = without_secrets(card.config.custom.base_url)
    return copy


def export_json(workspace: Workspace) -> bytes:
    """The workspace as a JSON export (UTF-8, indented, stable key order)."""
    envelope = WorkspaceExport(format=FORMAT, version=VERSION, workspace=_for_export(workspace))
    return (envelope.model_dump_json(indent=2) + "\n").encode("utf-8")


def _describe(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "file"
        msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        problems.append(f"{loc}: {msg}")
    more = len(exc.errors()) - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def import_json(
    data: bytes,
    *,
    endpoints: Collection[str],
    max_cards: int,
    max_workspace_bytes: int = StoreConfig().max_workspace_bytes,
    remote_prefix: str | None = None,
) -> Workspace:
    """Read a JSON export; raise ``ImportProblem`` if it cannot be used here.

    The file may hold what an export of a workspace of ``max_workspace_bytes``
    (the store's limit) can, no more. Endpoint values starting with
    ``remote_prefix`` (Backend.AI endpoints, when a cluster is configured) are
    accepted without being in ``endpoints``.
    """
    limits = ImportLimits.for_workspace(
        max_cards=max_cards, max_workspace_bytes=max_workspace_bytes
    )
    if len(data) > limits.max_bytes:
        raise ImportProblem(
            f"The file is too large to import ({len(data) / 1e6:.1f} MB; the limit is "
            f"{limits.max_bytes / 1e6:.1f} MB, the export of the largest workspace "
            "this playground keeps)."
        )
    try:
        top = scan(data, limits).fields
    except Refused as exc:
        if not exc.not_an_object:
            raise ImportProblem(exc.message) from None
        top = {}
    if top.get("format") != FORMAT:
        raise ImportProblem(
            "This is not an LLM Playground workspace export (its format is not "
            f"'{FORMAT}'). Choose a file made by Export JSON."
        )
    if top.get("version") != VERSION:
        version = top.get("version")
        shown = version if isinstance(version, int) and not isinstance(version, bool) else None
        raise ImportProblem(
            f"This export is version {shown if shown is not None else 'unknown'}; this "
            f"playground reads version {VERSION}. Export it again from a playground of "
            "the same version."
        )
    try:
        workspace = WorkspaceExport.model_validate_json(data).workspace
    except ValidationError as exc:
        raise ImportProblem(
            f"The file does not match the workspace format: {_describe(exc)}"
        ) from None
    if not workspace.cards:
        raise ImportProblem("The file has no cards.")
    ids = [card.id for card in workspace.cards]
    if len(set(ids)) != len(ids):
        raise ImportProblem("The file has two cards with the same id.")
    for number, card in enumerate(workspace.cards, start=1):
        message_ids = [m.id for m in card.messages] + [
            e.id for m in card.messages for e in m.earlier
        ]
        if len(set(message_ids)) != len(message_ids):
            raise ImportProblem(f"Card {number} of the file has two messages with the same id.")
        if any(e.earlier for m in card.messages for e in m.earlier):
            # Export JSON never nests them, and limits.INDENT_GROWTH counts on that.
            raise ImportProblem(
                f"Card {number} of the file has an earlier answer with earlier answers "
                "of its own; Export JSON never writes that."
            )
    unknown = sorted(
        {
            name
            for c in workspace.cards
            if (name := c.config.endpoint)
            and not (remote_prefix and name.startswith(remote_prefix))
        }
        - set(endpoints)
    )
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise ImportProblem(
            f"The file uses endpoints that are not configured here: {names}. Add them "
            "(under the same names) to the config, then import again."
        )
    for card in workspace.cards:  # a hand-made file may hold a key in a baseURL
        card.config.custom.base_url = without_secrets(card.config.custom.base_url)
    size = len(workspace.settle().model_dump_json().encode("utf-8"))
    if size > max_workspace_bytes:  # the store would refuse to keep it
        raise ImportProblem(
            f"The workspace in the file takes {size / 1e6:.1f} MB; this playground keeps "
            f"workspaces of up to {max_workspace_bytes / 1e6:.1f} MB."
        )
    return workspace


# -- Markdown ---------------------------------------------------------------


def _model_label(card: Card) -> str:
    model = card.config.model
    if model == CUSTOM:
        model = card.config.custom.model_id.strip() or "Custom"
        url = without_secrets(card.config.custom.base_url.strip())
        return f"{model} (Custom, {url})" if url else model
    where = f" on {card.config.endpoint}" if card.config.endpoint else ""
    return f"{model or 'no model'}{where}"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _answer_md(message: Message, label: str) -> list[str]:
    out = [f"**{label}:**", ""]
    if message.reasoning:
        out += ["<details><summary>Reasoning</summary>", "", message.reasoning, "", "</details>"]
        out.append("")
    parts = part_order(message.parts, bool(message.content), len(message.tool_calls))
    marks = call_marks(message.tool_calls, message.finish_reason, ended=True)
    for part in parts or ["text"]:
        if part == "text":
            out.append(message.content or "_(no text)_")
        else:
            position = int(part.removeprefix("call:"))
            out += _call_md(message.tool_calls[position], marks[position])
        out.append("")
    out.pop()
    notes = []
    if message.status == "stopped":
        notes.append("stopped")
    if message.status == "error" and message.error:
        notes.append(f"error: {message.error}")
    if message.runs:  # Ask N times: the kept one is written, the others are in the JSON
        notes.append(f"kept answer {message.run} of {len(message.runs) + 1} asked at once")
    if message.metrics is not None and (figures := message.metrics.summary()):
        notes.append(figures)
    if notes:
        out += ["", f"_{' · '.join(notes)}_"]
    return out


def _call_md(call: ToolCall, marks: list[str]) -> list[str]:
    """One tool call: its name as code, its arguments (indented JSON, or as received) and
    its result each in a fence nothing inside can close, so a server's text stays text."""
    name = code_span(call.name) if call.name else "_(no function name)_"
    shown, is_json = pretty_arguments(call.arguments)
    out = [f"**Tool call:** {name}", "", *fence_lines(shown, "json" if is_json else "")]
    if marks:
        out += ["", "_" + " · ".join(escape(mark) for mark in marks) + "_"]
    if call.result is not None:
        out += ["", "**Tool result:**", "", *fence_lines(call.result)]
    return out


def export_markdown(workspace: Workspace) -> str:
    """A readable transcript, card by card, with each card's settings and figures."""
    lines = ["# LLM Playground transcript", ""]
    for index, card in enumerate(_for_export(workspace).cards, start=1):
        lines += [f"## Card {index}: {_model_label(card)}", ""]
        settings = card.config.settings
        if summary := settings.summary():
            lines += [f"Settings: {summary}", ""]
        if settings.system_prompt.strip():
            lines += ["System prompt:", "", _quote(settings.system_prompt.strip()), ""]
        if not card.messages:
            lines += ["_(no messages)_", ""]
        for message in card.messages:
            if message.role == "user":
                lines += ["**You:**", "", message.content, ""]
                continue
            for number, old in enumerate(message.earlier, start=1):
                if old.replied_to is not None:
                    lines += [
                        f"_Earlier answer {number} replied to:_",
                        "",
                        _quote(old.replied_to),
                        "",
                    ]
                lines += [*_answer_md(old, f"Earlier answer {number}"), ""]
            lines += [*_answer_md(message, "Assistant"), ""]
    return "\n".join(lines).rstrip() + "\n"
