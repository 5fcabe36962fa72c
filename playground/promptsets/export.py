"""A run as CSV (a row per prompt and run, columns per card) or JSON (everything): bytes out.

With Runs per prompt above 1, CSV has a line per (prompt, run) with its ``run`` number
(1-based, as ``row``); JSON's cells each carry ``run`` (0-based, an index as ``row`` and
``col`` are).

Neither holds a token: a run's columns keep the card's config, which never has
one (``playground.workspace.types``). CSV cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json

from playground.promptsets.records import CellKey, CellResult, RunSpec

FORMAT = "llm-playground-prompt-set-run"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FIELDS = (
    "answer",
    "status",
    "checks",
    "ttft_s",
    "tokens",
    "reasoning_tokens",  # of "tokens", those the server says were spent reasoning
    "tokens_per_s",
    "cost_usd",
    "score",
    "reason",
    "error",
    # JSON: [{"name": ..., "arguments": ...}] (as the model wrote them), every call across
    # the tool rounds, with "round" (1-based) and "result" once a mock result answered it
    "tool_calls",
)


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _checks(cell: CellResult) -> str:
    return " && ".join(f"{'PASS' if c.passed else 'FAIL'} {c.check}" for c in cell.checks)


def _calls(cell: CellResult) -> str:
    steps = [r.tool_calls for r in cell.rounds] + [cell.tool_calls]
    calls: list[dict[str, object]] = []
    for number, made in enumerate(steps, start=1):
        for c in made:
            call: dict[str, object] = {"name": c.name, "arguments": c.arguments}
            if cell.rounds:
                call["round"] = number
            if c.result is not None:
                call["result"] = c.result
            calls.append(call)
    return json.dumps(calls, ensure_ascii=False) if calls else ""


def _values(cell: CellResult | None) -> list[object]:
    if cell is None:
        return [""] * len(_FIELDS)
    m = cell.metrics
    return [
        cell.text,
        cell.status,
        _checks(cell),
        f"{m.ttft_s:.3f}" if m and m.ttft_s is not None else "",
        m.output_tokens if m else "",
        m.reasoning_tokens if m and m.reasoning_tokens is not None else "",
        f"{tps:.1f}" if m and (tps := m.tokens_per_second) is not None else "",
        f"{m.cost_usd:.8g}" if m and m.cost_usd is not None else "",
        cell.score,
        cell.reason or cell.judge_error,
        cell.error,
        _calls(cell),
    ]


def export_csv(spec: RunSpec, cells: dict[CellKey, CellResult]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["row", "run", "prompt", "expected"]
    for column in spec.columns:
        header += [f"{column.label} {field}" for field in _FIELDS]
    writer.writerow(header)
    for r, row in enumerate(spec.rows):
        for k in range(spec.runs):
            line: list[object] = [row.number, k + 1, row.prompt, row.expected]
            for c in range(len(spec.columns)):
                line += _values(cells.get((r, c, k)))
            writer.writerow([_safe(v) for v in line])
    return out.getvalue().encode("utf-8-sig")  # spreadsheets read the BOM as UTF-8


def export_json(spec: RunSpec, cells: dict[CellKey, CellResult], *, status: str = "") -> bytes:
    ordered = [cells[k].model_dump(mode="json") for k in sorted(cells)]
    payload = {
        "format": FORMAT,
        "version": 1,
        "status": status,
        "spec": spec.model_dump(mode="json"),
        "cells": ordered,
    }
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
