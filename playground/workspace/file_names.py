"""A file name a visitor's browser sent, made safe to keep, show and save.

The name loses its folders, every control character (C0/C1, and the bidirectional
overrides and isolates that can make ``evil‮gnp.exe`` read as ``evil.exe.png``) and any
lone surrogate; it is then cut to ``MAX_FILE_NAME_CHARS`` at a grapheme boundary (an
emoji family or a letter and its accent stay whole: the ``regex`` module's ``\\X``),
keeping its extension, with "…" where it was cut.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

import regex

from playground.config.limits import MAX_FILE_NAME_CHARS

# Bidirectional embeddings, overrides, isolates and marks (category Cf, but unlike a
# zero-width joiner they never belong in a name: they reorder what is shown).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MAX_SUFFIX_CHARS = 16  # ".ipynb" and friends; a longer "suffix" is part of the stem
_READ_CHARS = 4 * MAX_FILE_NAME_CHARS  # a longer name is cut before it is looked at
_ELLIPSIS = "…"


def _kept(ch: str) -> bool:
    return unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI


def _graphemes_within(text: str, limit: int) -> str:
    """The longest run of ``text``'s first whole graphemes that is at most ``limit`` long."""
    out: list[str] = []
    used = 0
    for grapheme in regex.findall(r"\X", text):
        if used + len(grapheme) > limit:
            break
        out.append(grapheme)
        used += len(grapheme)
    return "".join(out)


def safe_file_name(name: str, fallback: str = "file") -> str:
    """``name`` without folders or control characters, at most ``MAX_FILE_NAME_CHARS``."""
    base = PurePath(name.replace("\\", "/")).name
    suffix = PurePath(base).suffix
    if len(suffix) > _MAX_SUFFIX_CHARS:
        suffix = ""
    stem = base[: len(base) - len(suffix)] if suffix else base
    stem = "".join(ch for ch in stem[:_READ_CHARS] if _kept(ch)).strip()
    suffix = "".join(ch for ch in suffix if _kept(ch))
    if not stem or stem in (".", ".."):
        return fallback + suffix
    if len(stem) + len(suffix) <= MAX_FILE_NAME_CHARS:
        return stem + suffix
    room = MAX_FILE_NAME_CHARS - len(suffix) - len(_ELLIPSIS)
    return _graphemes_within(stem, room) + _ELLIPSIS + suffix
