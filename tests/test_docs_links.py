"""The README, the guide in ``docs/`` and ``benchmarks/README.md``: every relative link
and ``#anchor`` resolves.

Links and headings are found with markdown-it-py (CommonMark + GFM tables), not
regexes. An anchor must be a heading's slug in the target file, made by GitHub's
rule as github-slugger (Flet/github-slugger, the package GitHub's own rule is
emulated by) and GitHub's Ruby ``[^\\p{Word}\\- ]`` filter do it: lowercase; drop
every character that is not a letter, mark, decimal or letter number, connector
punctuation (``_``), ``-`` or a space; each space becomes ``-``; a slug already
used in the file gets ``-1``, ``-2``, ...

The README also keeps the two commands a newcomer needs exactly as they were, and
the test command where ``.ci/run`` extracts it.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

_KEPT_CATEGORIES = ("L", "M", "Nd", "Nl", "Pc")

RUN_COMMAND = (
    'pip install -r requirements.txt && CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF '
    '-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" pip install -r '
    "requirements-local.txt && streamlit run streamlit_app.py"
)
TEST_COMMAND = (
    "( (command -v chromium && ls /usr/lib/postgresql/*/bin/initdb) >/dev/null 2>&1 || "
    "(apt-get update && apt-get install -y chromium postgresql) ) && "
    'CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF '
    '-DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" pip install -r requirements-dev.txt '
    "-r requirements-local.txt && python -m pytest"
)


def github_slug(text: str) -> str:
    """One heading's slug, before de-duplication."""
    kept = (
        ch
        for ch in text.lower()
        if ch in "- " or unicodedata.category(ch).startswith(_KEPT_CATEGORIES)
    )
    return "".join(kept).replace(" ", "-")


def github_slugs(headings: list[str]) -> set[str]:
    """Every heading's slug in one file, repeated slugs numbered as GitHub numbers them."""
    seen: dict[str, int] = {}
    slugs: set[str] = set()
    for heading in headings:
        slug = base = github_slug(heading)
        while slug in slugs:
            seen[base] = seen.get(base, 0) + 1
            slug = f"{base}-{seen[base]}"
        slugs.add(slug)
    return slugs


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _plain(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


@dataclass(frozen=True)
class Markdown:
    headings: list[str]
    targets: list[str]


def read_markdown(path: Path) -> Markdown:
    tokens = _parser().parse(path.read_text(encoding="utf-8"))
    headings: list[str] = []
    targets: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(_plain(tokens[index + 1]))
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type == "link_open":
                targets.append(str(child.attrs["href"]))
            elif child.type == "image":
                targets.append(str(child.attrs["src"]))
    return Markdown(headings, targets)


def broken_links(path: Path) -> list[str]:
    """What in ``path`` points nowhere: a missing file, or an anchor no heading has."""
    problems = []
    for target in read_markdown(path).targets:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc:
            continue  # http, https, mailto: not ours to check offline
        file = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        if not file.exists():
            problems.append(f"{target}: no file {file}")
            continue
        if parts.fragment:
            if file.suffix != ".md":
                problems.append(f"{target}: an anchor into a file that is not Markdown")
            elif parts.fragment not in github_slugs(read_markdown(file).headings):
                problems.append(f"{target}: no heading in {file.name} has that slug")
    return problems


MARKDOWN_FILES = [README, *sorted(DOCS.glob("*.md")), ROOT / "benchmarks" / "README.md"]


@pytest.mark.parametrize(
    "path", MARKDOWN_FILES, ids=[str(p.relative_to(ROOT)) for p in MARKDOWN_FILES]
)
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    assert read_markdown(path).headings, "a page without a heading"
    assert broken_links(path) == []


def test_the_guide_is_linked_from_the_readme_and_indexes_every_page() -> None:
    pages = {p.name for p in DOCS.glob("*.md")} - {"README.md"}
    assert len(pages) >= 12
    index = {Path(t).name for t in read_markdown(DOCS / "README.md").targets}
    assert pages <= index
    readme = {Path(urlsplit(t).path).name for t in read_markdown(README).targets}
    assert "development.md" in readme and "README.md" in readme


def test_every_picture_in_docs_is_shown_somewhere() -> None:
    shown = {
        (path.parent / urlsplit(t).path).resolve()
        for path in MARKDOWN_FILES
        for t in read_markdown(path).targets
    }
    pictures = sorted(DOCS.glob("*.png"))
    assert pictures
    assert [p.name for p in pictures if p.resolve() not in shown] == []


@pytest.mark.parametrize(
    ("headings", "slugs"),
    [
        pytest.param(["foo", "foo", "bar", "foo"], {"foo", "foo-1", "bar", "foo-2"}, id="dups"),
        pytest.param(["Привет non-latin 你好"], {"привет-non-latin-你好"}, id="non-latin"),
        pytest.param(["😄 emoji"], {"-emoji"}, id="emoji"),
        pytest.param(["What a visitor's input may cost"], {"what-a-visitors-input-may-cost"}),
        pytest.param(["Deploy (a team) on  2 hosts"], {"deploy-a-team-on--2-hosts"}, id="parens"),
        pytest.param(["snake_case & a.b"], {"snake_case--ab"}, id="underscore-kept"),
        pytest.param(["foo", "foo-1", "foo"], {"foo", "foo-1", "foo-2"}, id="taken-suffix"),
    ],
)
def test_slugs_follow_githubs_rule(headings: list[str], slugs: set[str]) -> None:
    assert github_slugs(headings) == slugs


def test_the_checker_finds_a_missing_file_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Real `code` heading\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n| a |\n|---|\n| [gone](missing.md) |\n\n"
        "[ok](other.md#real-code-heading) [bad](other.md#nope) [self](#page) "
        "[self-bad](#nowhere) ![pic](nopic.png) [web](https://example.com/x#y)\n",
        encoding="utf-8",
    )
    problems = broken_links(page)
    assert len(problems) == 4
    assert [p.split(":")[0] for p in problems] == [
        "missing.md",
        "other.md#nope",
        "#nowhere",
        "nopic.png",
    ]


def test_the_readme_is_at_most_200_lines() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 200


def _bash_blocks_after(heading: str) -> list[str]:
    tokens = _parser().parse(README.read_text(encoding="utf-8"))
    blocks, inside = [], False
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inside = tokens[index + 1].content == heading
        elif inside and token.type == "fence" and token.info == "bash":
            blocks.append(token.content)
    return blocks


def test_the_run_and_test_commands_are_unchanged() -> None:
    assert _bash_blocks_after("Run the app") == [RUN_COMMAND + "\n"]
    assert _bash_blocks_after("Run the tests") == [TEST_COMMAND + "\n"]


def test_ci_still_extracts_the_test_command_from_the_readme() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    program = re.search(r"cmd=\$\(awk '(.+)' README\.md\)", script)
    assert program is not None, ".ci/run no longer extracts with awk as this test expects"
    extracted = subprocess.run(
        ["awk", program.group(1), str(README)], capture_output=True, text=True, check=True
    ).stdout
    assert extracted == TEST_COMMAND + "\n"
