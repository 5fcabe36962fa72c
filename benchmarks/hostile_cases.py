"""Issue 27's hostile inputs (``CASES``), each as a person would enter it in the real page.

Each case's ``act`` drives a hostile visitor's Chromium page (``hostile_page.Ctx``),
calls ``ctx.begin()`` once the page is set up (measuring starts there; a harmless
input of the same kind goes first, so what a first use costs is not the input's),
and returns what the page said. This module holds the Prompt sets' cases; the
cards', Compare's and the Leaderboard's are in ``hostile_page``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from hostile_page import (
    SLOW,
    Case,
    Ctx,
    also,
    compare,
    fill_votes,
    leaderboard,
    mpo,
    photo,
    png,
    said,
    sent,
    settle,
    truncated_png,
)
from playwright.sync_api import Page, expect


# -- Prompt sets ------------------------------------------------------------
def prompt_sets(ctx: Ctx) -> Page:
    ctx.playground()
    ctx.page.get_by_role("link", name="Prompt sets").click()
    expect(ctx.page.get_by_text("Runs every prompt on each card")).to_be_visible(timeout=SLOW)
    return ctx.page


def _commit(ctx: Ctx, name: str, text: str) -> None:
    """Type ``text`` into the text area ``name`` and commit it (Ctrl+Enter); until its run ends."""
    field = ctx.page.get_by_role("textbox", name=name)
    field.fill(text)
    ctx.do(lambda: field.press("Control+Enter"))


def _warm(ctx: Ctx) -> None:
    """A harmless check and template first, so what the evaluator's first use costs (its
    imports, its workers starting) is not counted against the input. A first call can
    take longer than the per-call limit on a busy machine: then again."""
    first = ctx.page.locator(".st-key-ps-first")
    _commit(ctx, "Prompt template", "{{ prompt }}")
    for attempt in range(3):
        _commit(ctx, "Prompts", f"prompt,expected\nwarm{attempt},regex:^w && json-schema:{{}}\n")
        if first.count():
            break
    _commit(ctx, "Prompt template", "")


def typed_set(text: str, template: str = "", run: bool = False) -> Callable[[Ctx], str]:
    def act(ctx: Ctx) -> str:
        page = prompt_sets(ctx)
        _warm(ctx)
        ctx.begin()
        if template:
            _commit(ctx, "Prompt template", template)
        _commit(ctx, "Prompts", text)
        if run and page.locator(".st-key-ps-run button:enabled").count():
            page.locator(".st-key-ps-run button").click()
            done = page.get_by_text("Done ·").or_(page.get_by_text("Stopped ·")).first
            expect(done).to_be_visible(timeout=SLOW)
            settle(ctx)
            return f"{done.inner_text()}: {_first_cell(ctx)}" + also(page)
        return said(page, page.locator(".st-key-ps-first"))

    return act


def _first_cell(ctx: Ctx) -> str:
    """The checks of row 1's first card, as its detail shows them once selected."""
    grid = ctx.page.locator('[class*="st-key-ps-grid"] [data-testid="stDataFrameResizable"]')
    box = grid.bounding_box()
    if box is None:
        return "(no results grid)"
    # Columns "#" 75 px, Prompt 200 px, then the cards; rows 35 px under a 35 px header.
    ctx.page.mouse.click(box["x"] + 75 + 200 + 100, box["y"] + 35 + 17)
    detail = ctx.page.locator(".st-key-ps-detail")
    expect(detail).to_be_visible(timeout=SLOW)
    text = " ".join(detail.locator('[data-testid="stText"]').last.inner_text().split())
    checks = [c.strip() for c in re.split(r"(?=[✗✓] )", text) if c[:1] in "✗✓"]
    if not checks:
        return "(no checks shown)"
    reasons = Counter(c.rsplit(": ", 1)[-1] for c in checks)
    head = checks[0].rsplit(": ", 1)[0]
    head = head if len(head) <= 40 else head[:39] + "…"
    return f"{head}: " + "; ".join(f"{n} × {r}" if n > 1 else r for r, n in reasons.items())


def uploaded_set(name: str, data: bytes) -> Callable[[Ctx], str]:
    def act(ctx: Ctx) -> str:
        page = prompt_sets(ctx)
        _warm(ctx)
        ctx.begin()
        upload = page.locator('.st-key-ps-file input[type="file"]')
        payload = {"name": name, "mimeType": "application/octet-stream", "buffer": data}
        ctx.do(lambda: upload.set_input_files(payload))
        return said(page, page.locator(".st-key-ps-first"))

    return act


def exponential_schema(depth: int) -> str:
    defs: dict[str, Any] = {"a0": {"type": "string"}}
    for i in range(1, depth + 1):
        ref = {"$ref": f"#/$defs/a{i - 1}"}
        defs[f"a{i}"] = {"anyOf": [ref, ref]}
    return json.dumps({"$defs": defs, "$ref": f"#/$defs/a{depth}"})


def jsonl(prompt: str, expected: str) -> str:
    return json.dumps({"prompt": prompt, "expected": expected}) + "\n"


def remote_ref(ctx: Ctx) -> str:
    schema = json.dumps({"$ref": f"{ctx.listener}/s.json"})
    return typed_set(jsonl("answer one", f"json-schema:{schema}"))(ctx)


def _cjk(count: int) -> str:
    return "".join(chr(0x20000 + (i % 40_000)) for i in range(count))


CASES: list[Case] = [
    Case(
        "regex nested repeat", typed_set("prompt,expected\nhi,regex:(?:(?:a{1000}){1000}){1000}\n")
    ),
    Case(
        "300 x regex:a{65535}N",
        typed_set("prompt,expected\n" + "".join(f"q{n},regex:a{{65535}}{n}\n" for n in range(300))),
    ),
    Case(
        "json-schema depth 16",
        typed_set(jsonl("answer one", "json-schema:" + exponential_schema(16)), run=True),
    ),
    Case(
        "json-schema depth 40",
        typed_set(jsonl("answer one", "json-schema:" + exponential_schema(40)), run=True),
    ),
    Case("json-schema remote $ref", remote_ref),
    Case(
        "schema pattern ^(a+)+$",
        typed_set(
            jsonl("answer jaaa", 'json-schema:{"type": "string", "pattern": "^(a+)+$"}'), run=True
        ),
    ),
    Case(
        "20 slow regex checks",
        typed_set(jsonl("answer aaa", " && ".join(["regex:^(a|a)*$"] * 20)), run=True),
    ),
    Case(
        "template 100 nested ifs",
        typed_set("hello\n", "{% if prompt %}" * 100 + "x" + "{% endif %}" * 100),
    ),
    Case(
        "template deep parentheses",
        typed_set("hello\n", "{{ " + "(" * 500 + "prompt" + ")" * 500 + " }}"),
    ),
    Case("template filter chain", typed_set("hello\n", "{{ prompt" + " | upper" * 3000 + " }}")),
    Case("template 190 d-filters x5", typed_set("hello\n", ("{{ prompt" + "|d" * 190 + " }}") * 5)),
    Case(
        "JSONL 5,000-digit integer",
        uploaded_set("big.jsonl", b'{"prompt": "hi", "n": ' + b"9" * 5000 + b"}\n"),
    ),
    Case(
        "JSONL 5,000-deep nesting",
        uploaded_set("deep.jsonl", b'{"prompt": "hi", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}\n"),
    ),
    Case("100,000 CJK Ext-B prompt, gpt-4o", sent([], prompt=_cjk(100_000), custom=True)),
    Case("1 MB .txt on gpt-4o", sent([("notes.txt", b"lorem ipsum dolor " * 58_255)], custom=True)),
    Case("attachment name > 255 chars", sent([("n" * 300 + ".txt", b"hello")])),
    Case("truncated PNG, 2 synced cards", sent([("cut.png", truncated_png())], cards=2)),
    Case("camera JPEG as MPO", sent([("camera.jpg", mpo())])),
    Case("2.5 MB photo, 2 synced cards", sent([("photo.png", photo())], cards=2)),
    Case(
        "8 PNGs 8192x4882, 4 cards",
        sent([(f"big{i}.png", png(8192, 4882)) for i in range(8)], cards=4),
    ),
    Case("Leaderboard 20,000 votes", leaderboard, store=fill_votes),  # 50 votes first
    Case("Compare 2 x 499,000 chars", compare),
]


__all__ = ["CASES", "Case", "Ctx"]
