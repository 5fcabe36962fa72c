"""A snapshot as one self-contained HTML file: readable offline, attachable to a ticket.

Opening it runs nothing and fetches nothing: no ``<script>``, styles in the file,
a Content-Security-Policy that forbids every fetch (``default-src 'none'``), and
images never loaded (a placeholder names them). Answers go through the same
neutraliser as on the page (``safe_markdown.neutralise``: raw HTML shown as text,
images made inert, only ``http``/``https``/``mailto`` links kept) and are then
rendered by markdown-it-py with HTML input disabled; the links left carry
``rel="noopener noreferrer nofollow"`` and open nothing until clicked. Every other
value is escaped with ``html.escape``.
"""

from __future__ import annotations

from html import escape

from playground.rendering.safe_html import markdown
from playground.reports.sharing.answer_html import answer_html
from playground.reports.sharing.records import AnySnapshot, ChatSnapshot, RunSnapshot
from playground.reports.sharing.report_html import report_body
from playground.reports.sharing.run_html import run_body
from playground.workspace.types import Message

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"
STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin:0}small,.meta{color:#59636e}
.cards{display:grid;gap:1rem}.card{border:1px solid #d1d9e0;border-radius:8px;padding:1rem}
.msg{margin:.75rem 0;padding:.5rem .75rem;border-radius:6px}.user{background:#f6f8fa}
.assistant{border-left:3px solid #0969da}.role{font-weight:600}.error{color:#cf222e}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:.3rem .5rem;
vertical-align:top;text-align:left}.placeholder{color:#59636e;font-style:italic}
"""


def _message(message: Message) -> str:
    files = "".join(
        f'<p class="placeholder">[attached: {escape(a.name)}]</p>' for a in message.attachments
    )
    if message.role == "user":
        body = files + markdown(message.content)
        return f'<div class="msg user"><div class="role">You</div>{body}</div>'
    earlier = "".join(
        f"<details><summary>Earlier answer {n}</summary>{_message(old)}</details>"
        for n, old in enumerate(message.earlier, start=1)
    )
    figures = message.metrics.summary() if message.metrics is not None else ""
    if message.status == "stopped":
        figures = " · ".join(part for part in ("stopped", figures) if part)
    body = answer_html(
        message.content, message.reasoning, message.tool_calls, message.error, figures
    )
    return f'<div class="msg assistant">{earlier}<div class="role">Assistant</div>{body}</div>'


def _chat_body(snapshot: ChatSnapshot) -> str:
    columns = max(1, min(snapshot.cards_per_row, len(snapshot.cards) or 1))
    cards = []
    for shown in snapshot.cards:
        head = f"<h2>{escape(shown.label)}: {escape(shown.model)}</h2>"
        if shown.settings:
            head += f'<p class="meta">{escape(shown.settings)}</p>'
        system = shown.card.config.settings.system_prompt.strip()
        if system:
            system = f"<summary>System prompt</summary><pre>{escape(system)}</pre>"
            head += f"<details>{system}</details>"
        body = "".join(_message(m) for m in shown.card.messages) or "<p><i>No messages</i></p>"
        cards.append(f'<section class="card">{head}{body}</section>')
    style = f"grid-template-columns:repeat({columns},minmax(0,1fr))"
    return f'<div class="cards" style="{style}">{"".join(cards)}</div>'


def _body(snapshot: AnySnapshot) -> str:
    if isinstance(snapshot, ChatSnapshot):
        return _chat_body(snapshot)
    if isinstance(snapshot, RunSnapshot):
        return run_body(snapshot)
    return report_body(snapshot)


def snapshot_html(snapshot: AnySnapshot, shared_at: str = "") -> str:
    """The whole file (UTF-8 text)."""
    title = escape(snapshot.title or "LLM Playground")
    body = _body(snapshot)
    when = f" · shared {escape(shared_at)}" if shared_at else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        f'<h1>{title}</h1><p class="meta">LLM Playground snapshot (read-only){when}</p>'
        f"{body}</body></html>\n"
    )
