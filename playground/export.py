"""Exporting a workspace as JSON or Markdown, and importing a JSON export.

The JSON export is the workspace itself (cards, endpoint names, models,
settings, histories, figures) inside a small envelope naming the format and
its version. It holds no tokens: a ``Workspace`` never does, and a user name
or password typed into a Custom baseURL is removed. Export → import → export
gives the same bytes.

Import is strict: the file must be this format and version, within size
limits, and name only endpoints that exist here. A bad or hostile file raises
``ImportProblem`` with a message for the person, and nothing is changed.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from playground.errors import ImportProblem
from playground.urls import without_secrets
from playground.workspace import CUSTOM, Card, Message, Workspace

FORMAT = "llm-playground/workspace"
VERSION = 1
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_NESTING = 64  # json nesting depth accepted before validation


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


def _depth(value: object, limit: int) -> int:
    """JSON nesting depth, giving up past ``limit``."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


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
    max_bytes: int = MAX_IMPORT_BYTES,
    remote_prefix: str | None = None,
) -> Workspace:
    """Read a JSON export; raise ``ImportProblem`` if it cannot be used here.

    Endpoint values starting with ``remote_prefix`` (Backend.AI endpoints, when a
    cluster is configured) are accepted without being in ``endpoints``.
    """
    if len(data) > max_bytes:
        raise ImportProblem(
            f"The file is too large to import ({len(data) / 1e6:.1f} MB; "
            f"the limit is {max_bytes / 1e6:.0f} MB)."
        )
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportProblem("The file is not a text file (it is not UTF-8).") from None
    except RecursionError:
        raise ImportProblem("The file is nested too deeply to be a workspace export.") from None
    except json.JSONDecodeError:
        raise ImportProblem(
            "The file is not valid JSON. Choose a file made by Export JSON."
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ImportProblem(
            "This is not an LLM Playground workspace export (its format is not "
            f"'{FORMAT}'). Choose a file made by Export JSON."
        )
    if raw.get("version") != VERSION:
        version = raw.get("version")
        shown = version if isinstance(version, int) else "unknown"
        raise ImportProblem(
            f"This export is version {shown}; this playground reads version {VERSION}. "
            "Export it again from a playground of the same version."
        )
    if _depth(raw, MAX_NESTING) > MAX_NESTING:
        raise ImportProblem("The file is nested too deeply to be a workspace export.")
    try:
        workspace = WorkspaceExport.model_validate(raw).workspace
    except ValidationError as exc:
        raise ImportProblem(
            f"The file does not match the workspace format: {_describe(exc)}"
        ) from None
    if not workspace.cards:
        raise ImportProblem("The file has no cards.")
    if len(workspace.cards) > max_cards:
        raise ImportProblem(
            f"The file has {len(workspace.cards)} cards; this playground allows at most "
            f"{max_cards}."
        )
    ids = [card.id for card in workspace.cards]
    if len(set(ids)) != len(ids):
        raise ImportProblem("The file has two cards with the same id.")
    for number, card in enumerate(workspace.cards, start=1):
        message_ids = [m.id for m in card.messages] + [
            e.id for m in card.messages for e in m.earlier
        ]
        if len(set(message_ids)) != len(message_ids):
            raise ImportProblem(f"Card {number} of the file has two messages with the same id.")
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
    return workspace.settle()


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
    out.append(message.content or "_(no text)_")
    notes = []
    if message.status == "stopped":
        notes.append("stopped")
    if message.status == "error" and message.error:
        notes.append(f"error: {message.error}")
    if message.metrics is not None and (figures := message.metrics.summary()):
        notes.append(figures)
    if notes:
        out += ["", f"_{' · '.join(notes)}_"]
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
