"""The examples of the CommonMark and GFM specs vendored in ``tests/spec/``.

A spec file is Markdown prose with examples in this shape (spec.txt's own format, read
the same way as its ``test/spec_tests.py``)::

    ```````````````````````````````` example [extension ...]
    Markdown source
    .
    expected HTML
    ````````````````````````````````

The fences are exactly 32 backticks; a lone ``.`` line separates source from HTML;
``→`` in either stands for a tab. After ``example`` the GFM spec names the extensions
an example needs (``table``, ``strikethrough``, ``autolink``, ``tagfilter``) or
``disabled`` (an example cmark-gfm does not pass; left out here). Examples are numbered
from 1 in file order, as the spec numbers them; a section is the last heading before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SPEC_DIR = Path(__file__).parent / "spec"
SPEC_FILES = ("commonmark_spec.txt", "gfm_spec.txt")
_FENCE = "`" * 32


@dataclass(frozen=True)
class Example:
    spec: str  # the file name without "_spec.txt": "commonmark" or "gfm"
    number: int
    section: str
    markdown: str
    html: str
    extensions: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.spec}-{self.number}"


def read_examples(path: Path) -> list[Example]:
    spec = path.name.removesuffix("_spec.txt")
    examples: list[Example] = []
    section = ""
    number = 0
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith(f"{_FENCE} example"):
            words = tuple(line.removeprefix(f"{_FENCE} example").split())
            parts: list[list[str]] = [[], []]
            part = 0
            while lines[index] != _FENCE:
                if lines[index] == "." and part == 0:
                    part = 1
                else:
                    parts[part].append(lines[index])
                index += 1
            index += 1
            number += 1
            if "disabled" in words:
                continue
            source, html = ("".join(f"{x}\n" for x in p).replace("→", "\t") for p in parts)
            examples.append(Example(spec, number, section, source, html, words))
        elif line.startswith("#"):
            section = line.lstrip("#").strip()
    return examples


def all_examples() -> list[Example]:
    return [example for name in SPEC_FILES for example in read_examples(SPEC_DIR / name)]
