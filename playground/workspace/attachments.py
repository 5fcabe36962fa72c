"""Files sent with a prompt: images as ``image_url`` content parts (data URLs), text
files as fenced text, within the limits in ``playground.config.limits``.

Images are read with Pillow (Streamlit's own dependency) in ``playground.workspace.images``:
the type is what the bytes are, not what the name says, a decompression bomb is
refused by its stated size before any pixel is decoded, and the image is then decoded
whole, once, into the thumbnail its previews draw. A name is made safe to keep and
show (``playground.workspace.file_names``).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from playground.config.limits import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_REQUEST,
    MAX_REQUEST_ATTACHMENT_BYTES,
    MIB,
)
from playground.errors import AttachmentRefused
from playground.rendering.markdown_writer import fence_lines
from playground.workspace.file_names import safe_file_name
from playground.workspace.images import ImageUnreadable, read_image_bounded
from playground.workspace.stored_files import Attachment

log = logging.getLogger(__name__)
TEXT_SUFFIXES = [
    "txt",
    "md",
    "csv",
    "json",
    "tsv",
    "yaml",
    "yml",
    "toml",
    "xml",
    "html",
    "css",
    "js",
    "ts",
    "py",
    "java",
    "c",
    "h",
    "cpp",
    "hpp",
    "cs",
    "go",
    "rs",
    "rb",
    "php",
    "sh",
    "sql",
    "kt",
    "swift",
    "r",
    "ipynb",
    "log",
    "ini",
    "cfg",
]
IMAGE_SUFFIXES = ["png", "jpg", "jpeg", "webp", "gif"]
ACCEPTED = IMAGE_SUFFIXES + TEXT_SUFFIXES  # what the chat inputs offer


def _mib(size: int) -> str:
    return f"{size / MIB:.1f} MB"


def make_attachment(name: str, data: bytes) -> Attachment:
    """An attachment from an uploaded file, or ``AttachmentRefused`` saying why not."""
    shown = safe_file_name(name)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(
            f"'{shown}' is {_mib(len(data))}; a file may be at most {_mib(MAX_ATTACHMENT_BYTES)}."
        )
    suffix = PurePath(shown).suffix.lower().lstrip(".")
    if suffix in IMAGE_SUFFIXES:
        try:
            image = read_image_bounded(data)
        except ImageUnreadable as exc:
            raise AttachmentRefused(f"'{shown}' {exc.reason}") from None
        return Attachment(
            name=shown,
            mime=image.mime,
            data=base64.b64encode(image.data).decode("ascii"),
            thumbnail=image.thumbnail,
        )
    if suffix in TEXT_SUFFIXES:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise AttachmentRefused(f"'{shown}' is not UTF-8 text, so it cannot be sent.") from None
        return Attachment(name=shown, mime="text/plain", data=text)
    raise AttachmentRefused(
        f"'{shown}' cannot be sent: attach images (PNG, JPEG, WebP, GIF) or text files "
        "(txt, md, csv, json, source code)."
    )


def check_request(files: Sequence[Attachment]) -> None:
    """All files of one prompt together are within the per-request limits."""
    if len(files) > MAX_ATTACHMENTS_PER_REQUEST:
        raise AttachmentRefused(
            f"{len(files)} files were attached; one prompt may carry at most "
            f"{MAX_ATTACHMENTS_PER_REQUEST}."
        )
    total = sum(f.size for f in files)
    if total > MAX_REQUEST_ATTACHMENT_BYTES:
        raise AttachmentRefused(
            f"The attached files come to {_mib(total)}; one prompt may carry at most "
            f"{_mib(MAX_REQUEST_ATTACHMENT_BYTES)}."
        )


def content_parts(text: str, files: Sequence[Attachment]) -> str | list[dict[str, Any]]:
    """A user message's ``content``: the text alone, or the text, each text file fenced,
    and each image as an ``image_url`` part with a data URL."""
    if not files:
        return text
    body = text
    for file in files:
        if not file.is_image:
            fence = "\n".join(fence_lines(file.data, PurePath(file.name).suffix.lstrip(".")))
            body += f"\n\n{file.name}:\n{fence}"
    parts: list[dict[str, Any]] = [{"type": "text", "text": body}]
    parts += [
        {"type": "image_url", "image_url": {"url": f"data:{f.mime};base64,{f.data}"}}
        for f in files
        if f.is_image
    ]
    return parts


def prepare(files: Sequence[tuple[str, bytes]]) -> tuple[list[Attachment], list[str]]:
    """The files that can be sent with a prompt, and a message for each that cannot
    (type or size), so the prompt and the other files still go."""
    kept: list[Attachment] = []
    problems: list[str] = []
    for name, data in files:
        try:
            attachment = make_attachment(name, data)
            check_request([*kept, attachment])
        except AttachmentRefused as exc:
            problems.append(exc.message)
            continue
        except Exception:  # a bug here must not lose the prompt and the other files
            log.exception("attachment failed unexpectedly")
            problems.append(f"'{safe_file_name(name)}' could not be read, so it was not sent.")
            continue
        kept.append(attachment)
    return kept, problems
