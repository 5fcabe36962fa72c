"""Check a JSON export against ``ImportLimits`` as it is read, before anything is built.

``json.loads`` builds the whole document before anyone can count it: a 19 MB
list of 6.6 million ``{}`` became 6.9 GB of dicts. This module reads the file
as a stream of parse events with **ijson** (a maintained streaming JSON
parser) and stops at the first limit passed, holding nothing but a stack of
the open objects and arrays; only a file that passes is then validated by
pydantic in one go (``model_validate_json``, which parses in Rust without a
dict in between). The other way, ``json.loads`` with an ``object_pairs_hook``
that counts, still builds every list and string before a hook runs, and sees
neither depth nor arrays.

ijson's C backend (``yajl2_c``, shipped in its wheels) reads about 5 million
events a second. It is always called with ``use_float=True``: then yajl itself
refuses integers beyond 64 bits and floats beyond a double ("integer overflow",
"numeric overflow") in time linear in their length. Without it ijson 3.6 builds
Python ints from the digits, and a 4,301-digit integer (past
``sys.get_int_max_str_digits()``) crashes the process with a segmentation fault.
The pure-Python backend, used where the C one is missing, gets the same checks
from ``_check_number``.

Counted as they arrive: the file's nesting depth, fields per object and their
name length, items per array, values in the file, string length, number size,
and (by their place in the format) cards and messages.
"""

from __future__ import annotations

import codecs
import math
from dataclasses import dataclass, field
from typing import Any

import ijson

from playground.config.limits import ImportLimits

try:  # the C backend when the wheel ships it (it does on Linux, macOS, Windows)
    _PARSER: Any = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on the platform's wheel
    _PARSER = ijson.get_backend("python")

_UTF8_CHUNK = 1 << 20
_INT64 = 1 << 63

# Where the format's counted things sit: (role of the parent, field) -> role.
_ROOT, _WORKSPACE, _CARDS, _CARD, _MESSAGES, _MESSAGE = range(6)
_CHILD_OF_FIELD = {
    (_ROOT, "workspace"): _WORKSPACE,
    (_WORKSPACE, "cards"): _CARDS,
    (_CARD, "messages"): _MESSAGES,
    (_MESSAGE, "earlier"): _MESSAGES,
    (_MESSAGE, "runs"): _MESSAGES,  # the answers asked with it (Ask N times)
}
_ITEM_OF = {_CARDS: _CARD, _MESSAGES: _MESSAGE}
_TOP_FIELDS = ("format", "version")


class Refused(ValueError):
    """The file passed a limit or is not JSON; ``message`` says which, for a person."""

    def __init__(self, message: str, *, not_an_object: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.not_an_object = not_an_object


@dataclass(slots=True)
class _Open:
    """An object or array being read."""

    is_map: bool
    role: int | None
    count: int = 0  # fields or items so far
    key: str = ""  # the object's current field


@dataclass
class Envelope:
    """The top-level ``format`` and ``version`` values (absent: not in the dict)."""

    fields: dict[str, object] = field(default_factory=dict)


def check_utf8(data: bytes) -> None:
    """Refuse bytes that are not UTF-8, decoding a chunk at a time (kept small)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _UTF8_CHUNK):
            decoder.decode(data[start : start + _UTF8_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Refused("The file is not a text file (it is not UTF-8).") from None


def _check_number(value: object) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int) and -_INT64 <= value < _INT64:
        return
    if isinstance(value, float) and math.isfinite(value):
        return
    raise Refused(_NUMBER)


_NUMBER = "The file holds a number too large for a workspace export."
_TOO_DEEP = "The file is nested too deeply to be a workspace export."


def _json_error(text: str) -> Refused:
    if "overflow" in text:
        return Refused(_NUMBER)
    if "premature EOF" in text or "Incomplete" in text:
        return Refused(
            "The file is not valid JSON: it ends too early (it may be cut short). "
            "Choose a file made by Export JSON."
        )
    if "UTF8" in text or "UTF-8" in text:
        return Refused("The file is not a text file (it is not UTF-8).")
    return Refused("The file is not valid JSON. Choose a file made by Export JSON.")


def scan(data: bytes, limits: ImportLimits, *, backend: Any = None) -> Envelope:
    """Read ``data`` through, raising ``Refused`` at the first limit it passes.

    ``backend`` is an ijson backend (``ijson.get_backend(name)``); the C one by default.
    """
    check_utf8(data)
    try:
        return _scan(data, limits, backend or _PARSER)
    except ijson.JSONError as exc:
        if isinstance(exc.__context__, ValueError):  # the Python backend's int() refused
            raise Refused(_NUMBER) from None
        raise _json_error(str(exc)) from None


def _scan(data: bytes, limits: ImportLimits, backend: Any) -> Envelope:
    envelope = Envelope()
    stack: list[_Open] = []
    values = messages = 0
    for event, value in backend.basic_parse(data, use_float=True):
        if event == "map_key":
            top = stack[-1]
            top.count += 1
            if top.count > limits.max_keys:
                raise Refused(
                    f"An object in the file has more than {limits.max_keys} fields; "
                    "no object of a workspace export has that many."
                )
            if len(value) > limits.max_key_chars:
                raise Refused(
                    f"A field name in the file is longer than {limits.max_key_chars} "
                    "characters; no field of a workspace export is."
                )
            top.key = value
            continue
        if event == "end_map" or event == "end_array":
            stack.pop()
            continue
        values += 1
        if values > limits.max_values:
            raise Refused(
                f"The file holds more than {limits.max_values:,} values, more than "
                "any workspace this playground keeps."
            )
        role: int | None = _ROOT
        if stack:
            parent = stack[-1]
            if parent.is_map:
                role = _CHILD_OF_FIELD.get((parent.role, parent.key))  # type: ignore[arg-type]
            else:
                parent.count += 1
                _count_item(parent, limits)
                role = _ITEM_OF.get(parent.role)  # type: ignore[arg-type]
                if role == _MESSAGE:
                    messages += 1
                    if messages > limits.max_messages:
                        raise Refused(
                            f"The file has more than {limits.max_messages:,} messages; "
                            "this playground keeps no workspace that large."
                        )
        if event == "start_map" or event == "start_array":
            if not stack and event != "start_map":
                raise Refused("not an object", not_an_object=True)
            if len(stack) >= limits.max_depth:
                raise Refused(_TOO_DEEP)
            stack.append(_Open(is_map=event == "start_map", role=role))
            continue
        if not stack:
            raise Refused("not an object", not_an_object=True)
        if event == "string":
            if len(value) > limits.max_string_chars:
                raise Refused(
                    f"A text in the file is longer than {limits.max_string_chars:,} "
                    "characters, more than any workspace this playground keeps."
                )
        elif event == "number":
            _check_number(value)
        if len(stack) == 1 and stack[0].key in _TOP_FIELDS:
            envelope.fields[stack[0].key] = value
    return envelope


def _count_item(array: _Open, limits: ImportLimits) -> None:
    if array.role == _CARDS and array.count > limits.max_cards:
        raise Refused(
            f"The file has more than {limits.max_cards} cards; this playground allows "
            f"at most {limits.max_cards}."
        )
    if array.count > limits.max_items:
        raise Refused(
            f"A list in the file has more than {limits.max_items:,} items, more than "
            "any workspace this playground keeps."
        )
