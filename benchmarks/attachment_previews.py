"""Previews of large images: every page run decoding each file vs drawing its thumbnail.

Issue 27's case: eight 8192x4882 PNGs (about 117 KB each, within the limits) sent to 4
cards. Before, every page run decoded and resized each preview from the file
(``st.image`` of the whole PNG); now the image is decoded once, when it is attached,
into a thumbnail that previews draw. Both are timed headless (AppTest) drawing the
same 4 x 8 previews, median of 5 runs, in one sitting; the one-off cost of accepting
the 8 files is printed too. Usage: ``python benchmarks/attachment_previews.py``.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from playground.workspace.attachments import make_attachment  # noqa: E402

CARDS, IMAGES, WIDTH, HEIGHT = 4, 8, 8192, 4882


def large_png(shade: int) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (WIDTH, HEIGHT), (shade, 90, 160))
    image.paste((250, 250, 250), (100, 100, 2000, 900))  # something to see
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def before(files: list[str]) -> None:
    """The previews as every page run drew them before: each file decoded again."""
    import base64

    import streamlit as st

    for _card in range(4):
        st.image(
            [base64.b64decode(data) for data in files],
            caption=[f"photo{n}.png" for n in range(len(files))],
            width=120,
        )


def after(files: list[str], thumbnails: list[str]) -> None:
    """The previews now: ``attach_view.previews`` draws the kept thumbnails."""
    from playground.ui.card.attachments import previews
    from playground.workspace.types import Attachment, Message

    attachments = [
        Attachment(name=f"photo{n}.png", mime="image/png", data=data, thumbnail=thumbnail)
        for n, (data, thumbnail) in enumerate(zip(files, thumbnails, strict=True))
    ]
    for _card in range(4):
        previews(Message(role="user", content="look", attachments=attachments))


def median_run(at: AppTest, runs: int = 5) -> float:
    at.run()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        assert not at.exception, at.exception
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    pngs = [large_png(20 + 20 * n) for n in range(IMAGES)]
    sizes = ", ".join(f"{len(p) / 1000:.0f}" for p in pngs)
    print(f"{IMAGES} PNGs of {WIDTH}x{HEIGHT}: {sizes} KB; {CARDS} cards")
    start = time.perf_counter()
    attachments = [make_attachment(f"photo{n}.png", p) for n, p in enumerate(pngs)]
    accepted = time.perf_counter() - start
    files = [a.data for a in attachments]
    thumbnails = [a.thumbnail or "" for a in attachments]
    thumb_kb = sum(len(t) for t in thumbnails) * 3 / 4 / 1000 / IMAGES
    print(f"accepting the {IMAGES} files (decode whole + thumbnail, once): {accepted:.2f} s")
    print(f"thumbnail: {thumb_kb:.1f} KB each on average")
    old = median_run(AppTest.from_function(before, args=(files,), default_timeout=300))
    new = median_run(AppTest.from_function(after, args=(files, thumbnails), default_timeout=300))
    print(f"page run drawing {CARDS * IMAGES} previews, before (decode every run): {old:.3f} s")
    print(f"page run drawing {CARDS * IMAGES} previews, now (kept thumbnails):     {new:.3f} s")
    print(f"ratio before/now: {old / new:.0f}x")


if __name__ == "__main__":
    main()
