"""Word-level differences between two answers, with Google's diff-match-patch.

``diff-match-patch`` (PyPI ``diff-match-patch``, the maintained repackaging of
Google's library) diffs characters. For words we use the trick its
``diff_linesToChars`` plays for lines: every distinct token (a word, a run of
whitespace, one punctuation mark) becomes one character, the short strings are
diffed, semantic cleanup runs on those characters, and ``diff_charsToLines``
turns them back into tokens. So an edit never splits a word. The semantic
cleanup merges the small equalities between edits (a shared "the" in a
rewritten sentence), which is what a reader wants to see as one change.

What is compared is an answer's *comparable text* (``comparable_text``): its text,
as canonical JSON when the whole answer is JSON (one object or array, bare or in a
single fenced block), so key order and spacing are no difference; then each tool call
it made as a ``name(arguments)`` line, the arguments as compact canonical JSON (as
sent when they are not JSON). It runs with the diff in the bounded evaluator
(``session.compare.bounded_diff``): an answer's JSON is parsed only there.

Everything here is pure: the UI draws :class:`AnswerDiff.ops`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from diff_match_patch import diff_match_patch

Kind = Literal["equal", "insert", "delete"]
_KINDS: dict[int, Kind] = {
    diff_match_patch.DIFF_EQUAL: "equal",
    diff_match_patch.DIFF_INSERT: "insert",
    diff_match_patch.DIFF_DELETE: "delete",
}
_WORD = r"\w+(?:['’-]\w+)*"  # "don't" and "fake-small" are one word each
_TOKEN = re.compile(_WORD + r"|\s+|[^\w\s]")  # words, whitespace runs, single marks
TIMEOUT_S = 2.0  # diff-match-patch gives up refining (not correctness) after this
_SURROGATES = range(0xD800, 0xE000)  # not characters: skipped when numbering tokens


@dataclass(frozen=True)
class Op:
    """One run of the diff: text both share, text only ``other`` has, or only ``reference``."""

    kind: Kind
    text: str


@dataclass(frozen=True)
class Divergence:
    """Where two answers first differ: line and word (1-based) in the reference, and the
    words they share just before it."""

    line: int
    word: int
    shared_before: str


@dataclass(frozen=True)
class AnswerDiff:
    ops: tuple[Op, ...]

    @property
    def identical(self) -> bool:
        return all(op.kind == "equal" for op in self.ops)

    @property
    def inserted_words(self) -> int:
        return sum(_words(op.text) for op in self.ops if op.kind == "insert")

    @property
    def deleted_words(self) -> int:
        return sum(_words(op.text) for op in self.ops if op.kind == "delete")

    @property
    def shared_words(self) -> int:
        return sum(_words(op.text) for op in self.ops if op.kind == "equal")

    def divergence(self, context_words: int = 6) -> Divergence | None:
        """Where the answers first part ways; None when they are the same."""
        before = ""
        for op in self.ops:
            if op.kind != "equal":
                shared = re.findall(r"\S+", before)
                return Divergence(
                    line=before.count("\n") + 1,
                    word=_words(before) + 1,
                    shared_before=" ".join(shared[-context_words:]),
                )
            before += op.text
        return None

    def markers(self) -> str:
        """The diff as plain text, readable without colour: ``[-deleted-]{+inserted+}``."""
        out = []
        for op in self.ops:
            if op.kind == "equal":
                out.append(op.text)
            elif op.kind == "delete":
                out.append(f"[-{op.text}-]")
            else:
                out.append(f"{{+{op.text}+}}")
        return "".join(out)


def _words(text: str) -> int:
    return len(re.findall(_WORD, text))


def tokens(text: str) -> list[str]:
    """``text`` cut into words, whitespace runs and single marks (joined back, it is ``text``)."""
    return _TOKEN.findall(text)


def _encode(text: str, index: dict[str, int], table: list[str]) -> str:
    chars = []
    for token in tokens(text):
        code = index.get(token)
        if code is None:
            code = len(table)
            if code in _SURROGATES:
                code = _SURROGATES.stop
            index[token] = code
            table.extend([""] * (code - len(table) + 1))
            table[code] = token
        chars.append(chr(code))
    return "".join(chars)


@dataclass(frozen=True)
class CallLine:
    """A tool call as compared: its function's name and its arguments as the model wrote them."""

    name: str
    arguments: str


AnswerPart = str | CallLine  # an answer's text, or one of its calls
_FENCED = re.compile(r"```[ \t]*(?:json)?[ \t]*\n(.*)\n[ \t]*```", re.DOTALL | re.IGNORECASE)


def _canonical(text: str, **layout: Any) -> str | None:
    """``text`` written again as JSON with sorted keys and ``layout`` (``json.dumps``'s
    indent or separators) when it is one JSON object or array; else None (not JSON, or
    nested too deeply to read)."""
    if text[:1] not in ("{", "["):
        return None
    try:
        value = json.loads(text)
        if not isinstance(value, dict | list):
            return None
        return json.dumps(value, sort_keys=True, ensure_ascii=False, **layout)
    except (ValueError, RecursionError):
        return None


def canonical_text(text: str) -> str:
    """An answer's text, pretty canonical JSON (keys sorted, two-space indent) when the
    whole of it is one JSON object or array, bare or in one fenced block; else as is."""
    body = text.strip()
    if (fenced := _FENCED.fullmatch(body)) is not None:
        body = fenced.group(1).strip()
    found = _canonical(body, indent=2)
    return text if found is None else found


def call_line(call: CallLine) -> str:
    """``name({"a":1,"b":2})``: the arguments compact, keys sorted; as sent if not JSON."""
    found = _canonical(call.arguments.strip(), separators=(",", ":"))
    return f"{call.name}({call.arguments if found is None else found})"


def comparable_text(parts: Sequence[AnswerPart]) -> str:
    """What Compare answers diffs of an answer (see the module docstring), one line a call."""
    lines = [canonical_text(p) if isinstance(p, str) else call_line(p) for p in parts]
    return "\n".join(line for line in lines if line)


def answer_diff(reference: Sequence[AnswerPart], other: Sequence[AnswerPart]) -> AnswerDiff:
    """How ``other``'s comparable text differs from ``reference``'s (``word_diff``)."""
    return word_diff(comparable_text(reference), comparable_text(other))


@lru_cache(maxsize=64)  # pure; every rerun of the page compares the same answers
def word_diff(reference: str, other: str) -> AnswerDiff:
    """How ``other`` differs from ``reference``, word by word, after semantic cleanup."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = TIMEOUT_S
    table = [""]  # code 0 is never used (as in diff_linesToChars)
    index: dict[str, int] = {}
    encoded_ref = _encode(reference, index, table)
    encoded_other = _encode(other, index, table)
    diffs = dmp.diff_main(encoded_ref, encoded_other, False)
    # Cleanup on the token characters: on the decoded text its merge step would pull a
    # shared prefix out of a replaced word ("large" -> "large" + "st").
    dmp.diff_cleanupSemantic(diffs)
    dmp.diff_charsToLines(diffs, table)
    return AnswerDiff(tuple(Op(_KINDS[kind], text) for kind, text in diffs if text))
