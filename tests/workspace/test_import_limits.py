"""Import JSON costs little more than the file's size, whatever the file (issue 21).

Each hostile file is imported in a fresh interpreter, whose peak resident memory
(VmHWM) over its baseline after imports must stay under 100 MB and whose answer
must be a clear message. Seconds are printed by benchmarks/import_limits.py
(the 2 s target lives there; the subprocess timeout here is only a safety net).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import ijson
import pytest

from playground.config.limits import (
    INDENT_GROWTH,
    MIB,
    ImportLimits,
    max_export_bytes,
    upload_mb,
)
from playground.store.config import StoreConfig
from playground.workspace.export import ImportProblem, export_json, import_json
from playground.workspace.export_scan import Refused, scan
from playground.workspace.types import Card, Message, Workspace
from tests.hostile_imports import HEAD, HOSTILE, Hostile, measure

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MAX = StoreConfig().max_workspace_bytes


def _id(hostile: Hostile) -> str:
    return re.sub(r"[^a-z0-9]+", "-", hostile.name.lower()).strip("-")


@pytest.mark.parametrize("hostile", [pytest.param(h, id=_id(h)) for h in HOSTILE])
def test_a_hostile_file_is_answered_clearly_in_little_memory(
    hostile: Hostile, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(hostile.make())
    cost = measure(path, timeout=120)
    assert cost.returncode == 0, cost.message  # -11 would be a crash (segmentation fault)
    assert hostile.message in cost.message
    assert cost.growth_mb < 100, f"peak memory grew by {cost.growth_mb:.0f} MB"


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _widest_workspace(max_workspace_bytes: int) -> Workspace:
    """The workspace whose export grows most when indented, filling the store's limit.

    Earlier answers sit deepest in the format; with 1- to 3-character ids and no
    text, indentation is most of their export.
    """
    holder = Message(id="holder", role="assistant")
    workspace = Workspace(cards=[Card(id="c", messages=[holder])])
    per_message = len(Message(id="aa", role="user").model_dump_json()) + 1
    count = max_workspace_bytes // per_message
    holder.earlier = [Message(id=_b36(i), role="user") for i in range(count)]
    while len(workspace.model_dump_json().encode()) > max_workspace_bytes:
        holder.earlier.pop()
    return workspace


@pytest.mark.parametrize("max_workspace_bytes", [64 * 1024, DEFAULT_MAX], ids=["64KiB", "4MiB"])
def test_the_export_of_the_largest_workspace_fits_and_imports(max_workspace_bytes: int) -> None:
    workspace = _widest_workspace(max_workspace_bytes)
    compact = len(workspace.model_dump_json().encode())
    data = export_json(workspace)
    one = len(Message(id="aa", role="user").model_dump_json()) + 1
    assert compact > max_workspace_bytes - one  # it does fill the limit (to one message)
    assert len(data) / compact <= INDENT_GROWTH
    assert (
        len(data) <= max_export_bytes(max_workspace_bytes) <= upload_mb(max_workspace_bytes) * MIB
    )
    back = import_json(data, endpoints=[], max_cards=8, max_workspace_bytes=max_workspace_bytes)
    assert export_json(back) == data


def test_the_upload_cap_is_the_smallest_that_takes_any_export() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    cap = config["server"]["maxUploadSize"]
    assert cap == upload_mb(DEFAULT_MAX)
    assert (cap - 1) * MIB < max_export_bytes(DEFAULT_MAX) <= cap * MIB


def test_a_workspace_larger_than_the_store_keeps_is_refused() -> None:
    small = 64 * 1024
    workspace = Workspace(cards=[Card(messages=[Message(role="user", content="x" * small)])])
    with pytest.raises(ImportProblem) as info:
        import_json(export_json(workspace), endpoints=[], max_cards=8, max_workspace_bytes=small)
    assert "keeps workspaces of up to 0.1 MB" in info.value.message


def test_earlier_answers_of_earlier_answers_are_refused() -> None:
    inner = Message(role="assistant", content="old")
    outer = Message(role="assistant", content="newer", earlier=[inner])
    top = Message(role="assistant", content="newest", earlier=[outer])
    workspace = Workspace(cards=[Card(messages=[Message(role="user", content="q"), top])])
    with pytest.raises(ImportProblem) as info:
        import_json(export_json(workspace), endpoints=[], max_cards=8)
    assert "earlier answers of its own" in info.value.message


TINY = ImportLimits(
    max_bytes=10_000,
    max_cards=2,
    max_messages=3,
    max_items=5,
    max_values=40,
    max_string_chars=30,
    max_depth=8,
    max_keys=4,
    max_key_chars=10,
)


_ROW = b"[" + b",".join([b"1"] * 5) + b"]"
_VALUES = b'"x": [' + b",".join([_ROW] * 5) + b'], "y": [' + b",".join([_ROW] * 5) + b"]"


def _ws(cards: str) -> bytes:
    return HEAD + b'"workspace": {"cards": [' + cards.encode() + b"]}}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(_ws("{},{},{}"), "more than 2 cards", id="cards"),
        pytest.param(
            _ws('{"messages": [{}, {"earlier": [{}, {}]}]}'), "more than 3 messages", id="messages"
        ),
        pytest.param(HEAD + b'"x": [1,2,3,4,5,6]}', "more than 5 items", id="items"),
        pytest.param(
            HEAD + _VALUES + b"}",
            "more than 40 values",
            id="values",
        ),
        pytest.param(
            HEAD + b'"x": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}',
            "longer than 30 characters",
            id="string",
        ),
        pytest.param(HEAD + b'"x": [[[[[[[[]]]]]]]]}', "nested too deeply", id="depth"),
        pytest.param(
            HEAD + b'"x": {"a":1,"b":2,"c":3,"d":4,"e":5}}', "more than 4 fields", id="keys"
        ),
        pytest.param(HEAD + b'"abcdefghijk": 1}', "longer than 10 characters", id="key-length"),
        pytest.param(HEAD + b'"x": 9223372036854775808}', "number too large", id="int64"),
        pytest.param(HEAD + b'"x": -1e309}', "number too large", id="float"),
        pytest.param(HEAD + b'"x": "\xc3"}', "not UTF-8", id="utf8"),
        pytest.param(HEAD + b'"x": 1} {}', "not valid JSON", id="trailing"),
        pytest.param(HEAD + b'"x": [1, 2', "ends too early", id="truncated"),
    ],
)
@pytest.mark.parametrize("backend", ["yajl2_c", "python"])
def test_each_limit_stops_the_scan_with_its_message(
    data: bytes, message: str, backend: str
) -> None:
    with pytest.raises(Refused) as info:
        scan(data, TINY, backend=ijson.get_backend(backend))
    assert message in info.value.message


@pytest.mark.parametrize("backend", ["yajl2_c", "python"])
def test_huge_integers_are_refused_without_crashing(backend: str) -> None:
    # ijson's C backend crashes on a 4,301-digit integer unless use_float=True.
    for digits in (4_300, 4_301, 100_000):
        with pytest.raises(Refused) as info:
            scan(HEAD + b'"x": ' + b"9" * digits + b"}", TINY, backend=ijson.get_backend(backend))
        assert "number too large" in info.value.message


def test_the_envelope_is_read_from_the_top_level_only() -> None:
    data = HEAD + b'"workspace": {"format": "other", "version": 7}}'
    assert scan(
        data, ImportLimits.for_workspace(max_cards=8, max_workspace_bytes=DEFAULT_MAX)
    ).fields == {
        "format": "llm-playground/workspace",
        "version": 1,
    }
