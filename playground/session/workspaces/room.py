"""Whether a prompt's files fit in the workspace, decided before anything is sent.

A workspace is saved whole, and the store keeps one of at most ``[store]
max_workspace_bytes``. Files are its largest part, so a prompt with files is
measured first: the workspace as it would be saved with the prompt in each card it
goes to (a file already in the workspace, or sent to several cards, counts once),
plus room for the answers. Past the limit the prompt is not sent, and the person is
told at once, with their prompt held in the message.
"""

from __future__ import annotations

from collections.abc import Sequence

from playground.config.limits import MIB
from playground.workspace.types import Attachment, Card, Message, Workspace

ANSWER_ROOM_SHARE = 16  # 1/16 of the limit (256 KiB of 4 MiB) is kept for the answers


def saved_size(workspace: Workspace, cards: Sequence[Card], prompt: Message) -> int:
    """Bytes of ``workspace`` saved with ``prompt`` added to each of ``cards``.

    Nothing is changed: the cards are shallow copies (another thread may be saving or
    streaming into the live workspace meanwhile).
    """
    ids = {card.id for card in cards}
    with_prompt = [
        c.model_copy(update={"messages": [*c.messages, prompt]}) if c.id in ids else c
        for c in workspace.cards
    ]
    after = workspace.model_copy(update={"cards": with_prompt})
    return len(after.model_dump_json().encode("utf-8"))


def files_refused(
    workspace: Workspace,
    cards: Sequence[Card],
    text: str,
    files: Sequence[Attachment],
    max_bytes: int,
) -> str | None:
    """Why a prompt with ``files`` cannot be sent to ``cards`` (None when it fits)."""
    if not files or not cards:
        return None
    size = saved_size(workspace, cards, Message(role="user", content=text, attachments=[*files]))
    if size + max_bytes // ANSWER_ROOM_SHARE <= max_bytes:
        return None
    names = ", ".join(f"'{f.name}'" for f in files)
    held = f" Your prompt:\n{text}" if text else ""
    return (
        f"Not sent: with {names} this workspace would take {size / MIB:.1f} MB; it may take "
        f"at most {max_bytes / MIB:.1f} MB to be saved (with room for the answers). Send "
        "smaller files, or start a New workspace (this one stays saved) and send them "
        f"there.{held}"
    )
