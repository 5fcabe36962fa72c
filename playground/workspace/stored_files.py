"""Files sent with prompts, and how a workspace stores each of them once.

In memory every prompt holds its ``Attachment`` objects, and the copies that went to
several cards share one ``data`` string. Saved (the store, Export JSON), a workspace
keeps each file once, in a top-level ``files`` list addressed by the SHA-256 of the
file's bytes; an attachment keeps only its name, type and that ``id``:

    {"cards": [... {"attachments": [{"name": "a.png", "mime": "image/png", "id": "9f…"}]}],
     "files": [{"id": "9f…", "data": "<base64>", "thumbnail": "<base64>"}]}

A workspace saved before files were stored this way holds each attachment's ``data``
inline: it still loads (``unpack_files`` leaves such an attachment as it is).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from playground.config.limits import MAX_FILE_NAME_CHARS

FILE_ID_PATTERN = r"^[0-9a-f]{64}$"


def file_id(mime: str, data: str) -> str:
    """The SHA-256 (hex) of a file's bytes: an image's decoded base64, a text's UTF-8."""
    raw = data.encode("utf-8")
    if mime.startswith("image/"):
        # Not base64 (a hand-made file): its text addresses it.
        with contextlib.suppress(binascii.Error, ValueError):
            raw = base64.b64decode(data, validate=True)
    return hashlib.sha256(raw).hexdigest()


class Attachment(BaseModel):
    """A file sent with a prompt: an image (``data`` is base64) or a text file (its text).

    ``thumbnail`` is an image's preview (base64, made when it was attached), None when
    not made yet (saved before previews were kept), "" when it cannot be made.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=MAX_FILE_NAME_CHARS)
    mime: Literal["image/png", "image/jpeg", "image/webp", "image/gif", "text/plain"]
    data: str
    id: str = Field(default="", pattern=rf"{FILE_ID_PATTERN}|^$")
    thumbnail: str | None = None

    @model_validator(mode="after")
    def _addressed(self) -> Attachment:
        if not self.id:
            self.id = file_id(self.mime, self.data)
        return self

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    def preview(self) -> str:
        """The thumbnail (base64; "" when there is none): made now, once, for an image
        saved before thumbnails were kept (it then stays with the attachment)."""
        if self.thumbnail is None:
            from playground.workspace.images import thumbnail_of_saved  # Pillow only when needed

            self.thumbnail = thumbnail_of_saved(self.data) if self.is_image else ""
        return self.thumbnail

    @property
    def size(self) -> int:
        """Bytes of the file (an image's decoded size)."""
        return len(self.data) * 3 // 4 if self.is_image else len(self.data.encode("utf-8"))


def _attachment_lists(messages: object) -> Iterator[list[Any]]:
    """Every ``attachments`` list of dumped or raw messages (and their earlier answers)."""
    if not isinstance(messages, list):
        return
    for message in messages:
        if not isinstance(message, dict):
            continue
        if isinstance(files := message.get("attachments"), list):
            yield files
        yield from _attachment_lists(message.get("earlier"))


def _cards_attachments(workspace: dict[str, Any]) -> Iterator[list[Any]]:
    cards = workspace.get("cards")
    for card in cards if isinstance(cards, list) else []:
        if isinstance(card, dict):
            yield from _attachment_lists(card.get("messages"))


def pack_files(dumped: dict[str, Any]) -> dict[str, Any]:
    """A dumped workspace with each file's data moved to its one entry in ``files``."""
    files: dict[str, dict[str, Any]] = {}
    for attachments in _cards_attachments(dumped):
        for attachment in attachments:
            if not isinstance(attachment, dict) or "data" not in attachment:
                continue
            key = attachment.get("id")
            if not isinstance(key, str) or not key:  # dumped without ids: left inline
                continue
            entry = files.setdefault(key, {"id": key, "data": attachment["data"]})
            del attachment["data"]
            thumbnail = attachment.pop("thumbnail", None)
            if thumbnail is not None and "thumbnail" not in entry:
                entry["thumbnail"] = thumbnail
    if files:
        dumped["files"] = list(files.values())
    return dumped


def _entries(raw: object) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, list):
        raise ValueError("files must be a list")
    entries: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(raw):
        if (
            not isinstance(entry, dict)
            or set(entry) - {"id", "data", "thumbnail"}
            or not isinstance(entry.get("id"), str)
            or not isinstance(entry.get("data"), str)
            or not isinstance(entry.get("thumbnail", ""), str)
        ):
            raise ValueError(f"files.{number} must be an id, its data and a thumbnail")
        entries[entry["id"]] = entry
    return entries


def unpack_files(raw: object) -> object:
    """A raw (saved) workspace with each attachment's data and thumbnail back in place.

    The top-level mapping is copied, the attachments lists are filled in place (this is
    the input being validated); the same ``data`` string goes to every copy of a file.
    """
    if not isinstance(raw, dict) or "files" not in raw:
        return raw
    raw = dict(raw)
    entries = _entries(raw.pop("files"))
    for attachments in _cards_attachments(raw):
        for index, attachment in enumerate(attachments):
            if not isinstance(attachment, dict) or "data" in attachment:
                continue
            entry = entries.get(attachment.get("id"))  # type: ignore[arg-type]
            if entry is not None:
                filled = {**attachment, "data": entry["data"]}
                if "thumbnail" in entry:
                    filled["thumbnail"] = entry["thumbnail"]
                attachments[index] = filled
    return raw
