"""Reading a prompt set: a CSV, JSONL or plain-text file, or the "Prompts" text box.

- **CSV**: a header row naming a ``prompt`` column (any case); the other
  columns are variables for the template, except ``expected`` (the checks).
  A ``.csv`` file must have one; in the text box (or a file of another name)
  the text is read as CSV when its first line has a comma and names a
  ``prompt`` column (or is just ``prompt``: a one-column CSV).
- **JSONL**: one JSON object a line with a ``prompt`` string; other keys are
  variables; ``expected`` is a check string or a list of them. A ``.jsonl``
  file, or text whose first line starts with ``{``.
- **Plain text**: one prompt a line; blank lines are skipped.

Everything is refused by size and count before it is built
(``playground.config.limits``: ``MAX_PROMPT_SET_*``), and a problem names its row
(1-based, the header not counted). Rows are counted lazily, so a file of
100,000 rows stops at the first row past the limit.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from playground.config.limits import (
    MAX_PROMPT_SET_BYTES,
    MAX_PROMPT_SET_CELL_CHARS,
    MAX_PROMPT_SET_COLUMNS,
    MAX_PROMPT_SET_ROWS,
)
from playground.errors import PromptSetProblem

Kind = Literal["csv", "jsonl", "text"]
PROMPT = "prompt"
EXPECTED = "expected"

# The csv module refuses fields over 128 KiB by default; a cell may be a long prompt.
if csv.field_size_limit() < MAX_PROMPT_SET_BYTES:
    csv.field_size_limit(MAX_PROMPT_SET_BYTES)


@dataclass(frozen=True)
class PromptRow:
    """One prompt of the set, with its variables and checks."""

    number: int  # 1-based, the header not counted
    prompt: str
    variables: Mapping[str, str] = field(default_factory=dict)  # includes "prompt"
    expected: str = ""


@dataclass(frozen=True)
class PromptSet:
    rows: tuple[PromptRow, ...]
    columns: tuple[str, ...]  # the variables a template may use (always "prompt" first)
    kind: Kind


@dataclass(frozen=True)
class SetLimits:
    max_bytes: int = MAX_PROMPT_SET_BYTES
    max_rows: int = MAX_PROMPT_SET_ROWS
    max_columns: int = MAX_PROMPT_SET_COLUMNS
    max_cell_chars: int = MAX_PROMPT_SET_CELL_CHARS


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def decode(data: bytes | str, limits: SetLimits) -> str:
    """The text of a file or the text box, refused by size before it is decoded."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise PromptSetProblem(
            f"This prompt set is {_megabytes(size)}; a set may be at most "
            f"{_megabytes(limits.max_bytes)}. Split it into smaller sets."
        )
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PromptSetProblem(
            f"This file is not UTF-8 text (byte {exc.start + 1} cannot be read). "
            "Save it as UTF-8 (in a spreadsheet: CSV UTF-8) and try again."
        ) from None


def _kind(text: str, name: str | None) -> Kind:
    suffix = (name or "").lower().rsplit(".", 1)[-1] if name and "." in name else ""
    if suffix == "csv":
        return "csv"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip().startswith("{"):
        return "jsonl"
    if first.strip().lower() == PROMPT:  # a one-column CSV: its header alone
        return "csv"
    if "," in first:
        header = next(csv.reader([first]), [])
        if any(h.strip().lower() == PROMPT for h in header):
            return "csv"
    return "text"


def read_prompt_set(
    data: bytes | str, *, name: str | None = None, limits: SetLimits | None = None
) -> PromptSet:
    """Parse a prompt set; raises ``PromptSetProblem`` saying what is wrong (and where)."""
    limits = limits or SetLimits()
    text = decode(data, limits)
    kind = _kind(text, name)
    if kind == "csv":
        rows, columns = _csv_rows(text, limits)
    elif kind == "jsonl":
        rows, columns = _jsonl_rows(text, limits)
    else:
        rows, columns = _text_rows(text, limits), (PROMPT,)
    if not rows:
        raise PromptSetProblem("This prompt set is empty: it has no prompts.")
    return PromptSet(tuple(rows), columns, kind)


def _counted(rows: Iterator[PromptRow], limits: SetLimits) -> list[PromptRow]:
    out: list[PromptRow] = []
    for row in rows:
        if len(out) >= limits.max_rows:
            raise PromptSetProblem(
                f"This prompt set has more than {limits.max_rows:,} prompts; "
                "split it into smaller sets."
            )
        out.append(row)
    return out


def _cell(value: str, number: int, column: str, limits: SetLimits) -> str:
    if len(value) > limits.max_cell_chars:
        raise PromptSetProblem(
            f"the {column!r} value has {len(value):,} characters; "
            f"at most {limits.max_cell_chars:,} are allowed.",
            number,
        )
    return value


def _text_rows(text: str, limits: SetLimits) -> list[PromptRow]:
    def rows() -> Iterator[PromptRow]:
        number = 0
        for line in text.splitlines():
            if line.strip():
                number += 1
                prompt = _cell(line.strip(), number, PROMPT, limits)
                yield PromptRow(number, prompt, {PROMPT: prompt})

    return _counted(rows(), limits)


def _header(names: list[str], limits: SetLimits) -> list[str]:
    header = [n.strip() for n in names]
    if len(header) > limits.max_columns:
        raise PromptSetProblem(
            f"The header names {len(header)} columns; at most {limits.max_columns} are allowed."
        )
    lowered = [h.lower() for h in header]
    if PROMPT not in lowered:
        shown = ", ".join(h or "(no name)" for h in header[:8])
        raise PromptSetProblem(
            f"This CSV has no 'prompt' column (its header: {shown}). Name the column that "
            "holds the prompts 'prompt'."
        )
    for index, name in enumerate(header, start=1):
        if not name:
            raise PromptSetProblem(f"Column {index} of the header has no name.")
        if lowered.count(name.lower()) > 1:
            raise PromptSetProblem(f"The header names the column {name!r} twice.")
    # prompt and expected are known by their lower-case names
    return [h.lower() if h.lower() in (PROMPT, EXPECTED) else h for h in header]


def _csv_rows(text: str, limits: SetLimits) -> tuple[list[PromptRow], tuple[str, ...]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next((r for r in reader if any(c.strip() for c in r)), None)
        if first is None:
            return [], (PROMPT,)
        header = _header(first, limits)
        columns = (PROMPT, *(h for h in header if h not in (PROMPT, EXPECTED)))

        def rows() -> Iterator[PromptRow]:
            number = 0
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                number += 1
                if len(values) > len(header):
                    raise PromptSetProblem(
                        f"it has {len(values)} values, but the header names "
                        f"{len(header)} columns (a comma inside a value needs quotes).",
                        number,
                    )
                padded = [*values, *[""] * (len(header) - len(values))]
                cells = dict(zip(header, padded, strict=True))
                for column, value in cells.items():
                    _cell(value, number, column, limits)
                expected = cells.pop(EXPECTED, "").strip()
                yield PromptRow(number, cells[PROMPT], cells, expected)

        return _counted(rows(), limits), columns
    except csv.Error as exc:
        raise PromptSetProblem(
            f"This CSV cannot be read at line {reader.line_num}: {exc}."
        ) from None


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _json(line: str, number: int) -> object:
    """One line's JSON value; whatever ``json`` raises becomes a problem naming the row."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise PromptSetProblem(f"this line is not JSON ({exc.msg}).", number) from None
    except RecursionError:  # [[[[... thousands deep: the parser's stack ran out
        raise PromptSetProblem("this line is nested too deeply to read.", number) from None
    except ValueError:  # an integer past sys.get_int_max_str_digits() (4,300 digits)
        raise PromptSetProblem(
            "a number on this line is too long to read (more than 4,300 digits).", number
        ) from None


def _jsonl_row(line: str, number: int, limits: SetLimits) -> PromptRow:
    item = _json(line, number)
    if not isinstance(item, dict):
        raise PromptSetProblem('each line must be a JSON object such as {"prompt": "..."}.', number)
    if len(item) > limits.max_columns:
        raise PromptSetProblem(
            f"it has {len(item)} keys; at most {limits.max_columns} are allowed.", number
        )
    prompt = item.get(PROMPT)
    if not isinstance(prompt, str):
        raise PromptSetProblem('it has no "prompt" string.', number)
    expected = item.get(EXPECTED, "")
    if isinstance(expected, list) and all(isinstance(e, str) for e in expected):
        expected = " && ".join(expected)
    if not isinstance(expected, str):
        raise PromptSetProblem('"expected" must be a check string or a list of them.', number)
    try:  # a nested value is written back as JSON text, which may be too deep again
        variables = {str(k): _as_text(v) for k, v in item.items() if k != EXPECTED}
    except (RecursionError, ValueError):
        raise PromptSetProblem(
            "a value on this line is nested too deeply to use.", number
        ) from None
    for column, value in variables.items():
        _cell(value, number, column, limits)
    return PromptRow(number, prompt, variables, _cell(expected, number, EXPECTED, limits).strip())


def _jsonl_rows(text: str, limits: SetLimits) -> tuple[list[PromptRow], tuple[str, ...]]:
    def rows() -> Iterator[PromptRow]:
        number = 0
        for line in text.splitlines():
            if line.strip():
                number += 1
                yield _jsonl_row(line, number, limits)

    found = _counted(rows(), limits)
    columns = [PROMPT]
    for row in found:
        columns += [k for k in row.variables if k not in columns]
    return found, tuple(columns)
