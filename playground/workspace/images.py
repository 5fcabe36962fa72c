"""Reading an image a visitor attached: once, whole, into a small thumbnail.

The bounds, in order:

1. the file's size (``MAX_ATTACHMENT_BYTES``, checked by the caller);
2. the size its header states, before any pixel is decoded: Pillow's own
   decompression-bomb guard (``Image.MAX_IMAGE_PIXELS``, left at its default of about
   89 million pixels: past twice that, ``Image.open`` refuses) and ours, stricter
   (``MAX_IMAGE_SIDE_PX`` a side, ``MAX_IMAGE_PIXELS`` in all, so at most 160 MB of
   RGBA for the one decode);
3. the first frame decoded whole (``Image.load``; truncated files are an error, as
   Pillow's ``LOAD_TRUNCATED_IMAGES`` is off), so an image that cannot be read is
   refused when it is attached, never drawn broken later;
4. a thumbnail of at most ``THUMBNAIL_SIDE_PX`` a side made from it, kept with the
   attachment: previews draw that, never the file again.

All of it runs in the bounded evaluator's workers (``playground.config.bounded``): decoding an
8192×4882 PNG takes about 150 MB for a moment, which the app process never holds, and a
decoder that runs past ``EVAL_IMAGE_SECONDS`` or its memory limit is killed there.

A camera JPEG that Pillow reads as MPO (a JPEG followed by more JPEGs: a depth map, a
second view) is the JPEG it is: its first image, the primary one, is read and kept as
``image/jpeg``; the images after it are dropped (the whole file when its index is odd).
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass

from playground.config.bounded import Done, Evaluator, default_evaluator
from playground.config.limits import (
    EVAL_IMAGE_SECONDS,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE_PX,
    THUMBNAIL_SIDE_PX,
)

log = logging.getLogger(__name__)

# What the bytes are (Pillow's format) -> the type they are sent as.
IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


class ImageUnreadable(Exception):
    """Why an image cannot be taken: the end of a sentence after its name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReadImage:
    mime: str
    width: int
    height: int
    thumbnail: str  # base64 JPEG (PNG when it has transparency); "" if none could be made
    data: bytes  # what is sent: the file, or an MPO's first image


def _first_of_mpo(image: object, data: bytes) -> bytes:
    """An MPO's first (primary) image: the bytes its MP index gives, from the start, as a
    plain JPEG."""
    try:
        first = image.mpinfo[0xB002][0]  # type: ignore[attr-defined]
        size, offset = int(first["Size"]), int(first["DataOffset"])
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        return data
    if offset != 0 or not 0 < size <= len(data):
        return data
    return _without_mp_index(data[:size])


def _without_mp_index(jpeg: bytes) -> bytes:
    """A JPEG without its APP2 "MPF" segment (the index of the images that followed it),
    so it reads as the plain JPEG it now is; unchanged when its markers are not as expected.
    """
    at = 2  # after SOI
    while at + 4 <= len(jpeg) and jpeg[at] == 0xFF and jpeg[at + 1] not in (0xDA, 0xD9):
        length = int.from_bytes(jpeg[at + 2 : at + 4], "big")
        if length < 2:
            return jpeg
        if jpeg[at + 1] == 0xE2 and jpeg[at + 4 : at + 8] == b"MPF\x00":
            return jpeg[:at] + jpeg[at + 2 + length :]
        at += 2 + length
    return jpeg


def _too_large(width: int, height: int) -> bool:
    return max(width, height) > MAX_IMAGE_SIDE_PX or width * height > MAX_IMAGE_PIXELS


def _bounds() -> str:
    return (
        f"images may be at most {MAX_IMAGE_SIDE_PX:,} pixels a side and "
        f"{MAX_IMAGE_PIXELS:,} pixels in all"
    )


def read_image(data: bytes) -> ReadImage:
    """Check ``data`` is a whole PNG, JPEG, WebP or GIF within the bounds, and thumbnail it.

    Raises ``ImageUnreadable`` saying why not.
    """
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError:
        raise ImageUnreadable(f"is far larger than the limits; {_bounds()}.") from None
    except Exception:  # an untrusted decoder: any failure means "not an image we read"
        raise ImageUnreadable("is not a PNG, JPEG, WebP or GIF image.") from None
    with image:
        kind, (width, height) = image.format, image.size
        if kind not in IMAGE_TYPES:
            raise ImageUnreadable(f"is a {kind} image; send PNG, JPEG, WebP or GIF.")
        if _too_large(width, height):
            raise ImageUnreadable(f"is {width}×{height} pixels; {_bounds()}.")
        try:
            image.load()  # every pixel of the first frame
        except Exception as exc:
            log.info("image refused: %s: %s", type(exc).__name__, exc)
            raise ImageUnreadable(
                "could not be read as a whole image (it is damaged or cut short), "
                "so it was not sent."
            ) from None
        kept = _first_of_mpo(image, data) if kind == "MPO" else data
        return ReadImage(IMAGE_TYPES[kind], width, height, _thumbnail(image), kept)


def _thumbnail(image: object) -> str:
    """A small copy of a loaded image, base64; "" when Pillow cannot make one."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    try:
        alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        mode = "RGBA" if alpha else "RGB"
        small = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert(mode)
        factor = max(small.size) // (2 * THUMBNAIL_SIDE_PX)  # a cheap box reduction first
        small = small.reduce(factor) if factor > 1 else small.copy()
        small.thumbnail((THUMBNAIL_SIDE_PX, THUMBNAIL_SIDE_PX))
        small = small.convert(mode)
        out = io.BytesIO()
        if alpha:
            small.save(out, format="PNG", optimize=True)
        else:
            small.save(out, format="JPEG", quality=85)
    except Exception as exc:
        log.info("no thumbnail: %s: %s", type(exc).__name__, exc)
        return ""
    return base64.b64encode(out.getvalue()).decode("ascii")


def read_or_refusal(data: bytes) -> ReadImage | str:
    """``read_image``, or why not (as ``ImageUnreadable.reason``). Runs in a worker."""
    try:
        return read_image(data)
    except ImageUnreadable as exc:
        return exc.reason


def read_image_bounded(data: bytes, *, evaluator: Evaluator | None = None) -> ReadImage:
    """``read_image`` in the bounded evaluator; raises ``ImageUnreadable`` saying why not."""
    found = (evaluator or default_evaluator()).call(
        read_or_refusal, data, seconds=EVAL_IMAGE_SECONDS
    )
    if not isinstance(found, Done):
        if found.reason == "memory":
            raise ImageUnreadable(f"is too large to read here: decoding it {found.message}.")
        raise ImageUnreadable(f"could not be read: decoding it {found.message}.")
    if isinstance(found.value, str):
        raise ImageUnreadable(found.value)
    return found.value


def thumbnail_of_saved(data: str) -> str:
    """The thumbnail of an image saved before thumbnails were kept (base64 ``data``);
    "" when it cannot be read (saved before images were decoded when attached)."""
    try:
        return read_image_bounded(base64.b64decode(data, validate=True)).thumbnail
    except (ImageUnreadable, ValueError):
        return ""
